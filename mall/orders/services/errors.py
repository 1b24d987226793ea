"""What the buying services refuse, as exceptions the web layer turns into messages."""

from __future__ import annotations

from mall.orders.models import IllegalTransition

__all__ = [
    "AddressBookFull",
    "AfterSalesOpen",
    "Busy",
    "CartNotReady",
    "CheckoutError",
    "CouponNotUsable",
    "CouponUsedUp",
    "EmptyCart",
    "IllegalTransition",
    "KeyReused",
    "NotFound",
    "NotRefundable",
    "OutOfStock",
    "PricesChanged",
    "ReservationGone",
    "SalePaused",
    "TotalChanged",
    "UnknownShopNote",
]


class CheckoutError(Exception):
    pass


class NotFound(CheckoutError):
    """Missing, or not yours (the same answer either way)."""


class EmptyCart(CheckoutError):
    pass


class CartNotReady(CheckoutError):
    """Some lines cannot be bought as they stand (gone, or more than is left): `view` says which."""

    def __init__(self, view):
        super().__init__("cart has problems")
        self.view = view


class PricesChanged(CheckoutError):
    """Prices moved since the shopper last saw them; they are shown now, so placing again goes through."""

    def __init__(self, view):
        super().__init__("prices changed")
        self.view = view


class OutOfStock(CheckoutError):
    """A line could not be reserved; everything taken before it was put back."""

    def __init__(self, name: dict[str, str], available: int):
        super().__init__(f"short: {name}")
        self.name = name
        self.available = available

    def display_name(self, locale: str) -> str:
        return self.name.get(locale) or self.name.get("en") or next(iter(self.name.values()), "")


class KeyReused(CheckoutError):
    """The idempotency key was already used for a different request."""


class UnknownShopNote(CheckoutError):
    """A note was addressed to a shop that has nothing in the cart."""


class Busy(CheckoutError):
    """Another worker is still changing this checkout; try again in a moment."""


class AddressBookFull(CheckoutError):
    pass


class AfterSalesOpen(CheckoutError):
    """The order cannot complete while an after-sales case of it is open."""


class NotRefundable(CheckoutError):
    """An after-sales refund the order cannot take: `reason` is order_closed (cancelled / expired / unpaid),
    too_many_units, over_line, over_order, shipping_not_refundable, or a payment refusal (not_paid,
    exceeds_remaining, key_reused, busy...)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class ReservationGone(CheckoutError):
    """The flash-sale reservation expired, belongs to someone else, or another checkout used it."""


class SalePaused(ReservationGone):
    """The flash sale's shop is suspended: its reservations cannot be bought until it is reinstated."""


class CouponNotUsable(CheckoutError):
    """Chosen codes that do not apply: `problems` = [{code, reason, short_by}]. Nothing was placed."""

    def __init__(self, problems: list[dict]):
        super().__init__("coupons do not apply")
        self.problems = problems


class CouponUsedUp(CheckoutError):
    """The coupon's last use went to someone else a moment ago; everything taken was put back."""

    def __init__(self, code: str):
        super().__init__(f"coupon used up: {code}")
        self.code = code


class TotalChanged(CheckoutError):
    """A promotion started or ended since the shopper saw the total; `total` is the new one."""

    def __init__(self, total: int):
        super().__init__("total changed")
        self.total = total
