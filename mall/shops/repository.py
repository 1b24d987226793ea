"""Shops in MongoDB."""
