"""Payments: repository (being written)."""
