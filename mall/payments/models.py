"""Payments: models (being written)."""
