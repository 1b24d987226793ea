"""What the order pages and API share: labels, messages, and JSON shapes."""

from __future__ import annotations

from sanic import Request
from sanic.exceptions import SanicException

from mall.infra.text import N_
from mall.orders import services
from mall.orders.models import REGIONS, Action, Actor, Order, OrderStatus, allowed_actions, region_name
from mall.orders.schemas import CheckoutOut, OrderLineOut, OrderOut, OrderSummaryOut, ShopRef, TimelineOut
from mall.web.i18n import current_locale
from mall.web.i18n import gettext as _
from mall.web.templating import render


class Conflict(SanicException):
    """The request was fine but the state of things refuses it (sold out, already shipped...).
    `details` (JSON) travel with the API's error answer."""

    status_code = 409
    quiet = True

    def __init__(self, message: str = "", details: dict | None = None):
        super().__init__(message)
        self.details = details


STATUS = {
    "pending_payment": N_("Awaiting payment"),
    "paid": N_("Paid"),
    "shipped": N_("Shipped"),
    "delivered": N_("Delivered"),
    "completed": N_("Completed"),
    "cancelled": N_("Cancelled"),
    "expired": N_("Expired"),
    "reserving": N_("Processing"),
    "failed": N_("Not placed"),
}
ACTION = {
    "place": N_("Order placed"),
    "pay": N_("Payment received"),
    "payment_failed": N_("Payment failed; you can try again until the checkout expires"),
    "expire": N_("Not paid in time; the items went back on sale"),
    "ship": N_("Shipped"),
    "deliver": N_("Delivered"),
    "complete": N_("Completed"),
    "cancel": N_("Cancelled"),
    "refund": N_("Refunded"),
}
ACTOR = {"shopper": N_("Shopper"), "merchant": N_("Shop"), "operator": N_("Operator"), "system": N_("Mall")}
REASON = {
    "paid_late_no_stock": N_("The payment arrived after the checkout expired and the items had sold out: refunded."),
    "paid_after_cancel": N_("The payment arrived after the checkout was cancelled: refunded."),
    "paid_late_coupon_gone": N_(
        "The payment arrived after the checkout expired and its coupon had been used up meanwhile: refunded."
    ),
    "flash_reservation_lost": N_(
        "The payment arrived after the flash-sale reservation expired and the sale had sold out: refunded."
    ),
}
REFUSED = {
    Action.CANCEL: N_("This order is %(status)s, so it can no longer be cancelled."),
    Action.SHIP: N_("Only paid orders can be shipped; this one is %(status)s."),
    Action.DELIVER: N_("Only shipped orders can be marked delivered; this one is %(status)s."),
    Action.COMPLETE: N_("Only shipped orders can be confirmed as received; this one is %(status)s."),
}


def status_label(status) -> str:
    return _(STATUS.get(str(status), str(status)))


def action_label(action) -> str:
    return _(ACTION.get(str(action), str(action)))


def refused(exc: services.IllegalTransition) -> str:
    """Why an action was refused, in the shopper's or merchant's language."""
    template = REFUSED.get(exc.action, N_("That is not possible for an order that is %(status)s."))
    return _(template) % {"status": status_label(exc.status).lower()}


def out_of_stock(exc: services.OutOfStock) -> str:
    name = exc.display_name(current_locale())
    if exc.available <= 0:
        return _("Sorry, %(name)s has just sold out. Remove it from your cart to continue.") % {"name": name}
    return _("Sorry, only %(num)d of %(name)s left. Lower the quantity to continue.") % {
        "num": exc.available,
        "name": name,
    }


def cart_problems(view) -> str:
    """Which cart lines stop a checkout, by name."""
    locale = current_locale()
    parts = []
    for v in view.lines:
        name = v.product.display_name(locale) if v.product else _("an item that was removed")
        if "unavailable" in v.problems:
            parts.append(_("%(name)s is no longer available") % {"name": name})
        elif "low_stock" in v.problems:
            parts.append(_("only %(num)d of %(name)s left") % {"num": v.available, "name": name})
    return "; ".join(parts)


def regions(locale: str) -> list[tuple[str, str]]:
    return [(code, region_name(code, locale)) for code in REGIONS]


async def page(request: Request, template: str, *, fragment: str | None = None, status: int = 200, **context):
    """render() with the order helpers every order template uses."""
    return await render(
        request,
        template,
        fragment=fragment,
        status=status,
        status_label=status_label,
        action_label=action_label,
        actor_label=lambda actor: _(ACTOR.get(actor, actor)),
        reason_label=lambda code: _(REASON[code]) if code in REASON else "",
        region_name=lambda code: region_name(code, current_locale()),
        can=lambda order, actor: {a.value for a in allowed_actions(order.status, Actor(actor))},
        **context,
    )


def status_filter(request: Request) -> OrderStatus | None:
    raw = request.args.get("status", "")
    return OrderStatus(raw) if raw in OrderStatus._value2member_map_ else None


# --- JSON shapes -------------------------------------------------------------------------------


def _shop_ref(shops: dict, shop_id: str) -> ShopRef:
    shop = shops.get(shop_id)
    return ShopRef(id=shop_id, name=shop.name if shop else "")


def checkout_out(placed: services.Placed) -> dict:
    checkout = placed.checkout
    orders = [
        OrderSummaryOut(
            id=o.id, number=o.number, shop=_shop_ref(placed.shops, o.shop_id), total=o.total, status=o.status
        )
        for o in placed.orders
    ]
    return CheckoutOut(
        checkout_id=checkout.id,
        number=checkout.number,
        status=checkout.status.value,
        total=checkout.total,
        currency=checkout.currency,
        expires_at=checkout.expires_at.isoformat(),
        orders=orders,
        payment_id=checkout.payment_id,
        payment_url=checkout.payment_url,
    ).model_dump()


def order_out(order: Order, shops: dict) -> dict:
    locale = current_locale()
    return OrderOut(
        id=order.id,
        number=order.number,
        checkout_id=order.checkout_id,
        shop=_shop_ref(shops, order.shop_id),
        status=order.status.value,
        lines=[
            OrderLineOut(
                product_id=line.product_id,
                variant_id=line.variant_id,
                sku=line.sku,
                name=line.display_name(locale),
                options=line.options,
                unit_price=line.unit_price,
                qty=line.qty,
                total=line.total,
            )
            for line in order.lines
        ],
        subtotal=order.subtotal,
        shipping_fee=order.shipping_fee,
        total=order.total,
        currency=order.currency,
        address={k: str(v) for k, v in order.address.items()},
        note=order.note,
        created_at=order.created_at.isoformat(),
        carrier=order.carrier,
        tracking_number=order.tracking_number,
        cancel_reason=order.cancel_reason,
        timeline=[
            TimelineOut(
                at=e.at.isoformat(), actor=e.actor, action=e.action, detail=e.detail, code=e.code, amount=e.amount
            )
            for e in order.timeline
        ],
    ).model_dump()
