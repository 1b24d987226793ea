"""Promotions and timed campaigns (issue 6): what a deal says (models) and the pure pricing engine (pricing)."""
