"""The pricing engine: pure (no I/O, no clock), the same for the cart, the checkout and the API preview."""

from mall.promotions.pricing.allocate import allocate
from mall.promotions.pricing.engine import price
from mall.promotions.pricing.explained import Applied, Detail, Rejected, RejectReason
from mall.promotions.pricing.priced import (
    Allocation,
    LinePrice,
    Priced,
    PriceLine,
    ShippingQuote,
    ShopPrice,
    refund_for,
)

__all__ = [
    "Allocation",
    "Applied",
    "Detail",
    "LinePrice",
    "PriceLine",
    "Priced",
    "RejectReason",
    "Rejected",
    "ShippingQuote",
    "ShopPrice",
    "allocate",
    "price",
    "refund_for",
]
