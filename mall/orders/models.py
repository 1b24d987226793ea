"""Checkouts, orders and their lifecycle: pure data, no I/O.

One checkout is what the shopper pays once; it holds one order per shop and
the stock ledger of every line (which units it holds). The order lifecycle is
the table TRANSITIONS: anything not in it is refused."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum


class OrderStatus(StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # not paid in time; a late payment may still revive it


class CheckoutStatus(StrEnum):
    RESERVING = "reserving"  # written first; taking stock; crash-repairable
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    FAILED = "failed"  # a line was short; everything taken went back


class Actor(StrEnum):
    SHOPPER = "shopper"
    MERCHANT = "merchant"
    OPERATOR = "operator"
    SYSTEM = "system"


class Action(StrEnum):
    PLACE = "place"
    PAY = "pay"
    EXPIRE = "expire"
    SHIP = "ship"
    DELIVER = "deliver"
    COMPLETE = "complete"
    CANCEL = "cancel"
    PAYMENT_FAILED = "payment_failed"  # timeline only: the shopper may pay again
    REFUND = "refund"  # timeline only


S, A = OrderStatus, Action
SHOPPER, MERCHANT, OPERATOR, SYSTEM = Actor.SHOPPER, Actor.MERCHANT, Actor.OPERATOR, Actor.SYSTEM
# (from, action) -> (to, who may do it)
TRANSITIONS: dict[tuple[OrderStatus, Action], tuple[OrderStatus, frozenset[Actor]]] = {
    (S.PENDING_PAYMENT, A.PAY): (S.PAID, frozenset({SYSTEM})),
    (S.PENDING_PAYMENT, A.EXPIRE): (S.EXPIRED, frozenset({SYSTEM})),
    (S.PENDING_PAYMENT, A.CANCEL): (S.CANCELLED, frozenset({SHOPPER, SYSTEM})),
    (S.EXPIRED, A.PAY): (S.PAID, frozenset({SYSTEM})),  # paid late and the stock could be taken again
    (S.EXPIRED, A.CANCEL): (S.CANCELLED, frozenset({SYSTEM})),  # paid late without stock: refunded
    (S.PAID, A.SHIP): (S.SHIPPED, frozenset({MERCHANT})),
    (S.PAID, A.CANCEL): (S.CANCELLED, frozenset({SHOPPER, MERCHANT, OPERATOR, SYSTEM})),
    (S.SHIPPED, A.DELIVER): (S.DELIVERED, frozenset({MERCHANT})),
    (S.SHIPPED, A.COMPLETE): (S.COMPLETED, frozenset({SHOPPER, SYSTEM})),
    (S.DELIVERED, A.COMPLETE): (S.COMPLETED, frozenset({SHOPPER, SYSTEM})),
}
OPEN = frozenset({S.PENDING_PAYMENT, S.PAID, S.SHIPPED, S.DELIVERED})
del S, A, SHOPPER, MERCHANT, OPERATOR, SYSTEM


class Reason(StrEnum):
    """Why the system changed an order (pages show them translated)."""

    PAID_LATE_NO_STOCK = "paid_late_no_stock"
    PAID_AFTER_CANCEL = "paid_after_cancel"
    FLASH_RESERVATION_LOST = "flash_reservation_lost"  # paid after the flash-sale hold expired; none left
    PAID_LATE_COUPON_GONE = "paid_late_coupon_gone"  # paid after expiry; the coupon was used up meanwhile
    REFUNDED_IN_FULL = "refunded_in_full"  # every line refunded through after-sales before shipping


class IllegalTransition(Exception):
    """`action` is not possible for an order in `status` (or not for this actor)."""

    def __init__(self, status: OrderStatus, action: Action):
        super().__init__(f"cannot {action.value} an order that is {status.value}")
        self.status = status
        self.action = action


def next_status(status: OrderStatus, action: Action, actor: Actor) -> OrderStatus:
    """The status `action` by `actor` leads to, or IllegalTransition."""
    target, actors = TRANSITIONS.get((status, action), (None, frozenset()))
    if target is None or actor not in actors:
        raise IllegalTransition(status, action)
    return target


def allowed_actions(status: OrderStatus, actor: Actor) -> set[Action]:
    """What `actor` may do now (which buttons a page shows)."""
    return {action for (origin, action), (_to, actors) in TRANSITIONS.items() if origin is status and actor in actors}


class StockState(StrEnum):
    """Where one checkout line's units are. TAKING and RETURNING are written
    BEFORE the product's stock moves, so a crash in between is found and repaired."""

    TAKING = "taking"
    TAKEN = "taken"
    SHORT = "short"
    RETURNING = "returning"
    RETURNED = "returned"


class SaleState(StrEnum):
    """A flash-sale line's units (held in Redis until paid). SELLING is written BEFORE the payment is
    applied in Redis, and counts as sold until settled, so a crash in between can only undersell."""

    HELD = "held"
    SELLING = "selling"
    SOLD = "sold"
    UNSOLD = "unsold"  # paid too late: nothing left, refunded


@dataclass
class TimelineEntry:
    at: datetime
    actor: str
    action: str
    detail: str = ""  # free text as typed (a reason, a tracking number); shown escaped
    actor_id: str | None = None
    amount: int | None = None  # minor units, for refunds
    code: str | None = None  # why, when the system acted (translated when shown): see REASONS


@dataclass
class OrderLine:
    product_id: str
    variant_id: str
    sku: str
    name: dict[str, str]  # snapshot of the product name when ordered
    options: dict[str, str]
    unit_price: int
    qty: int
    image: str | None = None
    flash_sale_id: str | None = None  # bought at a flash sale's price: no other discount applies
    discount: int = 0  # every promotion's share of this line (allocations), so refunding it is exact
    allocations: list[dict] = field(default_factory=list)  # promotion_id, kind, amount, platform/merchant_funded

    @property
    def total(self) -> int:
        """At the list price."""
        return self.unit_price * self.qty

    @property
    def net(self) -> int:
        """What the shopper paid for this line (what refunding it gives back)."""
        return self.total - self.discount

    def display_name(self, locale: str) -> str:
        return self.name.get(locale) or self.name.get("en") or next(iter(self.name.values()), "")


@dataclass
class Order:
    id: str
    number: str
    checkout_id: str
    user_id: str
    shop_id: str
    lines: list[OrderLine]
    subtotal: int
    shipping_fee: int
    total: int
    currency: str
    status: OrderStatus
    address: dict
    note: str
    created_at: datetime
    timeline: list[TimelineEntry] = field(default_factory=list)
    paid_at: datetime | None = None
    shipped_at: datetime | None = None
    completed_at: datetime | None = None
    carrier: str | None = None
    tracking_number: str | None = None
    cancel_reason: str | None = None
    refund_due: int = 0  # set when a paid order is cancelled; refund_id once refunded
    refund_id: str | None = None
    alert_acked_at: datetime | None = None  # the shop has seen this paid order
    discount: int = 0  # on goods: the sum of the lines' discounts
    shipping_discount: int = 0  # the part of shipping_fee a promotion waived
    applied: list[dict] = field(default_factory=list)  # the promotions that saved something, for the page
    refunded: int = 0  # what after-sales refunds returned (refunds, below); a cancel refunds only the rest
    refunds: list[dict] = field(default_factory=list)  # one per key: key, amount, lines/units {"n": ...}, shipping
    after_sales_open: list[dict] = field(default_factory=list)  # {case_id, at}: it cannot complete while any

    @property
    def item_count(self) -> int:
        return sum(line.qty for line in self.lines)

    def line_refunded(self, n: int) -> tuple[int, int]:
        """(units, amount) of line `n` refunded so far through after-sales."""
        key = str(n)
        units = sum(r.get("units", {}).get(key, 0) for r in self.refunds)
        return units, sum(r.get("lines", {}).get(key, 0) for r in self.refunds)

    @property
    def shipping_paid(self) -> int:
        return self.shipping_fee - self.shipping_discount

    @property
    def shipping_refunded(self) -> int:
        return sum(r.get("shipping", 0) for r in self.refunds)

    def every_unit_refunded_after(self, units: dict[int, int]) -> bool:
        """Would every unit of every line be refunded once `units` ({line: qty}) are added?"""
        return all(self.line_refunded(n)[0] + units.get(n, 0) >= line.qty for n, line in enumerate(self.lines))


def ship_by(order: Order, hours: int) -> datetime | None:
    """The shipping deadline of a paid order (`ship_by_hours` after payment); shipped later counts as late."""
    return order.paid_at + timedelta(hours=hours) if order.paid_at else None


def shipped_late(order: Order, hours: int, now: datetime) -> bool:
    """Shipped after its deadline, or still unshipped (and not cancelled) past it."""
    deadline = ship_by(order, hours)
    if deadline is None:
        return False
    if order.shipped_at is not None:
        return order.shipped_at > deadline
    return order.status is OrderStatus.PAID and now > deadline


@dataclass
class CheckoutItem:
    """One bought line: what the order will show, and where its units are (`stock`).
    `move` numbers the line's stock movements; each has its own id on the product."""

    product_id: str
    variant_id: str
    shop_id: str
    sku: str
    name: dict[str, str]
    options: dict[str, str]
    unit_price: int
    qty: int
    image: str | None = None
    stock: StockState = StockState.TAKING
    move: int = 0
    moving_since: datetime | None = None
    flash_sale_id: str | None = None  # a flash-sale line: its units are the hold `hold_id`, not the SKU's stock
    hold_id: str | None = None
    sale_state: SaleState | None = None
    discount: int = 0
    allocations: list[dict] = field(default_factory=list)

    def display_name(self, locale: str) -> str:
        return self.name.get(locale) or self.name.get("en") or next(iter(self.name.values()), "")

    def order_line(self) -> OrderLine:
        return OrderLine(
            product_id=self.product_id,
            variant_id=self.variant_id,
            sku=self.sku,
            name=dict(self.name),
            options=dict(self.options),
            unit_price=self.unit_price,
            qty=self.qty,
            image=self.image,
            flash_sale_id=self.flash_sale_id,
            discount=self.discount,
            allocations=[dict(a) for a in self.allocations],
        )


@dataclass
class ShopPart:
    """One shop's share of a checkout, and the id its order gets (fixed up front,
    so creating the order twice is harmless)."""

    shop_id: str
    order_id: str
    order_number: str
    subtotal: int
    shipping_fee: int
    note: str = ""
    discount: int = 0  # on goods, allocated to the shop's lines
    shipping_discount: int = 0
    applied: list[dict] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.subtotal - self.discount + self.shipping_fee - self.shipping_discount


@dataclass
class CouponUse:
    """One coupon redemption a checkout holds: `state` says where it is, like a line's stock (a use is
    taken in the same ledger, with its own move ids, and given back when the orders go unpaid)."""

    coupon_id: str
    code: str
    shop_id: str | None  # None: a platform coupon
    state: StockState = StockState.TAKING
    move: int = 0


@dataclass
class Checkout:
    id: str
    number: str
    user_id: str
    status: CheckoutStatus
    idempotency_key: str
    body_hash: str
    address: dict
    items: list[CheckoutItem]
    parts: list[ShopPart]
    total: int
    currency: str
    created_at: datetime
    expires_at: datetime
    payment_id: str | None = None
    payment_url: str | None = None
    paid_at: datetime | None = None
    short: dict | None = None  # FAILED: {"name", "available"} of the first short line (or {"coupon": code})
    refunded_payments: list[str] = field(default_factory=list)
    coupons: list[CouponUse] = field(default_factory=list)

    def items_of(self, shop_id: str) -> list[tuple[int, CheckoutItem]]:
        return [(n, item) for n, item in enumerate(self.items) if item.shop_id == shop_id]


NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I


def checkout_number(day: str, suffix: str) -> str:
    """C20261124-7K3QZ: the local date and five unambiguous characters."""
    return f"C{day}-{suffix}"


def order_number(checkout_no: str, index: int) -> str:
    """The checkout's number and the shop's position in it: C20261124-7K3QZ-2."""
    return f"{checkout_no}-{index}"


# --- where orders go -----------------------------------------------------------

# Taiwan's 22 administrative divisions (ISO 3166-2:TW codes), north to south, then the islands.
REGIONS: dict[str, dict[str, str]] = {
    "KEE": {"en": "Keelung City", "zh_Hant": "基隆市"},
    "TPE": {"en": "Taipei City", "zh_Hant": "臺北市"},
    "NWT": {"en": "New Taipei City", "zh_Hant": "新北市"},
    "TAO": {"en": "Taoyuan City", "zh_Hant": "桃園市"},
    "HSZ": {"en": "Hsinchu City", "zh_Hant": "新竹市"},
    "HSQ": {"en": "Hsinchu County", "zh_Hant": "新竹縣"},
    "MIA": {"en": "Miaoli County", "zh_Hant": "苗栗縣"},
    "TXG": {"en": "Taichung City", "zh_Hant": "臺中市"},
    "CHA": {"en": "Changhua County", "zh_Hant": "彰化縣"},
    "NAN": {"en": "Nantou County", "zh_Hant": "南投縣"},
    "YUN": {"en": "Yunlin County", "zh_Hant": "雲林縣"},
    "CYI": {"en": "Chiayi City", "zh_Hant": "嘉義市"},
    "CYQ": {"en": "Chiayi County", "zh_Hant": "嘉義縣"},
    "TNN": {"en": "Tainan City", "zh_Hant": "臺南市"},
    "KHH": {"en": "Kaohsiung City", "zh_Hant": "高雄市"},
    "PIF": {"en": "Pingtung County", "zh_Hant": "屏東縣"},
    "ILA": {"en": "Yilan County", "zh_Hant": "宜蘭縣"},
    "HUA": {"en": "Hualien County", "zh_Hant": "花蓮縣"},
    "TTT": {"en": "Taitung County", "zh_Hant": "臺東縣"},
    "PEN": {"en": "Penghu County", "zh_Hant": "澎湖縣"},
    "KIN": {"en": "Kinmen County", "zh_Hant": "金門縣"},
    "LIE": {"en": "Lienchiang County", "zh_Hant": "連江縣"},
}


def region_name(code: str, locale: str) -> str:
    names = REGIONS.get(code, {})
    return names.get(locale) or names.get("en") or code


@dataclass
class Address:
    id: str
    user_id: str
    name: str
    phone: str
    postal_code: str
    region: str  # a REGIONS code
    line: str
    is_default: bool = False
    created_at: datetime | None = None

    def snapshot(self) -> dict:
        """What an order keeps: later edits of the address book do not change it."""
        return {k: getattr(self, k) for k in ("name", "phone", "postal_code", "region", "line")}


@dataclass
class ShippingTemplate:
    """A shop's shipping fee: `flat_fee`, a fee per region overriding it, free from `free_over`."""

    shop_id: str
    flat_fee: int
    free_over: int | None = None
    region_fees: dict[str, int] = field(default_factory=dict)
    updated_at: datetime | None = None

    def fee_for(self, subtotal: int, region: str) -> int:
        if self.free_over is not None and subtotal >= self.free_over:
            return 0
        return self.region_fees.get(region, self.flat_fee)


DEFAULT_FLAT_FEE = 6000  # NT$60
DEFAULT_FREE_OVER = 100000  # NT$1,000


def default_template(shop_id: str) -> ShippingTemplate:
    return ShippingTemplate(shop_id=shop_id, flat_fee=DEFAULT_FLAT_FEE, free_over=DEFAULT_FREE_OVER)
