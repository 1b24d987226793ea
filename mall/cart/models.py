"""The cart: lines the shopper picked, and what is true of them now. Pure data.

A line remembers the price the shopper last saw (`price_seen`), so a price that
moved since is shown as a change before anything is bought at it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

MAX_QTY = 99  # per line
MAX_LINES = 50  # per cart


@dataclass
class CartLine:
    id: str
    product_id: str
    variant_id: str
    qty: int
    price_seen: int  # minor units

    def to_doc(self) -> dict:
        return {k: getattr(self, k) for k in ("id", "product_id", "variant_id", "qty", "price_seen")}

    @classmethod
    def from_doc(cls, doc: dict) -> CartLine:
        return cls(
            id=str(doc["id"]),
            product_id=str(doc["product_id"]),
            variant_id=str(doc["variant_id"]),
            qty=int(doc["qty"]),
            price_seen=int(doc["price_seen"]),
        )


class Problem(StrEnum):
    UNAVAILABLE = "unavailable"  # gone, delisted, shop closed, or out of stock
    LOW_STOCK = "low_stock"  # fewer left than the line asks for
    PRICE_CHANGED = "price_changed"


@dataclass
class LineView:
    """A cart line checked against the catalog right now."""

    line: CartLine
    product: object | None  # catalog Product
    variant: object | None  # catalog Variant
    price: int  # current unit price (0 when unavailable)
    available: int  # units in stock now
    problems: list[Problem] = field(default_factory=list)

    @property
    def buyable(self) -> bool:
        return Problem.UNAVAILABLE not in self.problems and Problem.LOW_STOCK not in self.problems

    @property
    def total(self) -> int:
        return self.price * self.line.qty if self.buyable else 0


@dataclass
class ShopGroup:
    shop: object  # shops Shop
    lines: list[LineView]

    @property
    def subtotal(self) -> int:
        return sum(view.total for view in self.lines)


@dataclass
class CartView:
    groups: list[ShopGroup]

    @property
    def lines(self) -> list[LineView]:
        return [view for group in self.groups for view in group.lines]

    @property
    def count(self) -> int:
        return sum(view.line.qty for view in self.lines)

    @property
    def subtotal(self) -> int:
        return sum(group.subtotal for group in self.groups)

    @property
    def has_problems(self) -> bool:
        return any(view.problems for view in self.lines)

    @property
    def ready(self) -> bool:
        """Every line can be bought as it stands."""
        return bool(self.lines) and all(view.buyable for view in self.lines)
