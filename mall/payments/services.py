"""Payments: services (being written)."""
