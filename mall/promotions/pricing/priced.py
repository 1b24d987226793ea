"""What the pricing engine takes (PriceLine, ShippingQuote) and what it answers (Priced). Pure data.

Every amount is integer minor units. The sums are properties, so they cannot disagree with the lines."""

from __future__ import annotations

from dataclasses import dataclass

from mall.promotions.models import PromotionKind
from mall.promotions.pricing.explained import Applied, Rejected


@dataclass(frozen=True)
class PriceLine:
    """One cart (or checkout) line at its list price. A flash-sale line takes no other discount."""

    line_id: str
    shop_id: str
    product_id: str
    variant_id: str
    unit_price: int
    qty: int
    flash_sale_id: str | None = None

    def __post_init__(self) -> None:
        if self.unit_price < 0 or self.qty < 1:
            raise ValueError("a line has a unit_price >= 0 and a qty >= 1")


@dataclass(frozen=True)
class ShippingQuote:
    """A shop's fee for the chosen region; free when its goods after limited-time prices reach `free_over`."""

    shop_id: str
    fee: int
    free_over: int | None = None


@dataclass(frozen=True)
class Allocation:
    """One promotion's share of one line. platform_funded + merchant_funded == amount."""

    promotion_id: str
    kind: PromotionKind
    amount: int
    platform_funded: int
    merchant_funded: int


@dataclass(frozen=True)
class LinePrice:
    line: PriceLine
    unit_price_after_limited: int
    allocations: tuple[Allocation, ...]

    @property
    def list_total(self) -> int:
        return self.line.unit_price * self.line.qty

    @property
    def discount(self) -> int:
        return sum(allocation.amount for allocation in self.allocations)

    @property
    def net(self) -> int:
        """What the shopper pays for this line (0 <= net <= list_total)."""
        return self.list_total - self.discount


def refund_for(line_price: LinePrice) -> int:
    """What refunding the whole line returns: its net, exact to the minor unit because every discount
    was allocated to lines. Shipping is the shop's, not a line's: it is never part of a line refund."""
    return line_price.net


@dataclass(frozen=True)
class ShopPrice:
    """One shop's part (its order). shipping_discount is the part of shipping_fee a promotion waived."""

    shop_id: str
    lines: tuple[LinePrice, ...]  # by line_id
    shipping_fee: int
    shipping_discount: int = 0

    @property
    def subtotal(self) -> int:
        """At list prices."""
        return sum(line.list_total for line in self.lines)

    @property
    def discount(self) -> int:
        """On goods (every discount allocated to lines), shipping discounts apart."""
        return sum(line.discount for line in self.lines)

    @property
    def shipping(self) -> int:
        return self.shipping_fee - self.shipping_discount

    @property
    def total(self) -> int:
        return self.subtotal - self.discount + self.shipping


@dataclass(frozen=True)
class Priced:
    """The whole cart priced. `shops` by shop_id, their lines by line_id; `applied` in stage order
    (limited-time and thresholds by shop, coupons as chosen, campaigns as given); `rejected`: the
    shop coupons, then the platform coupons, each in the order chosen."""

    shops: tuple[ShopPrice, ...]
    applied: tuple[Applied, ...]
    rejected: tuple[Rejected, ...]

    @property
    def subtotal(self) -> int:
        return sum(shop.subtotal for shop in self.shops)

    @property
    def discount(self) -> int:
        return sum(shop.discount for shop in self.shops)

    @property
    def shipping(self) -> int:
        """Shipping to pay, after free-shipping promotions."""
        return sum(shop.shipping for shop in self.shops)

    @property
    def total(self) -> int:
        return self.subtotal - self.discount + self.shipping

    def shop(self, shop_id: str) -> ShopPrice:
        """KeyError when the cart has nothing of that shop."""
        for shop in self.shops:
            if shop.shop_id == shop_id:
                return shop
        raise KeyError(shop_id)

    def line(self, line_id: str) -> LinePrice:
        """A line by its id, wherever the cart listed it. KeyError when there is none."""
        for shop in self.shops:
            for line in shop.lines:
                if line.line.line_id == line_id:
                    return line
        raise KeyError(line_id)
