"""What catalog services raise. Messages are English and marked N_; the web layer translates them."""

from __future__ import annotations


class InvalidInput(Exception):
    """The input breaks a catalog rule; `errors` maps field paths (e.g. "variants.0.sku") to messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class NotFound(Exception):
    """No such category or product (for this shop): the caller answers 404."""


class CategoryInUse(Exception):
    """A category with products or subcategories cannot be deleted; `str(exc)` says which."""


class Busy(Exception):
    """The product kept changing under an edit (stock moves); the caller may ask the user to try again."""
