"""Demo after-sales cases, made through the same services the pages use, on the demo shoppers' paid orders (shipped
and delivered first through the orders services): one waiting for the shop, a return on its way back, a dispute
waiting for an operator and one the platform decided with a partial refund. Only when there are no cases yet."""

from __future__ import annotations

from mall.aftersales import services as aftersales
from mall.aftersales.models import Kind, Reason
from mall.cart import services as cart
from mall.catalog import services as catalog
from mall.demo.promotions import DEMO_ADDRESS
from mall.infra.ids import new_id
from mall.orders import services as orders
from mall.orders.models import OrderStatus
from mall.shops import services as shops

TWD = 100


async def seed_aftersales(c, shops_made: list, people: dict) -> int:
    if await c.cases.count({}):
        return 0
    shopper, shopper2 = people["shopper@demo.mall"], people["shopper2@demo.mall"]
    operator = people["operator@demo.mall"]
    mine, _total = await orders.shopper_orders(c, user_id=shopper.id)
    theirs, _total = await orders.shopper_orders(c, user_id=shopper2.id)
    paid = [o for o in mine + theirs if o.status is OrderStatus.PAID]
    if len(paid) < 3:
        return 0
    waiting, returning, disputed = paid[0], paid[1], paid[2]
    for order in (waiting, returning, disputed):
        await _ship(c, order, deliver=order is not disputed)
    await _ask(
        c,
        waiting,
        Kind.RETURN_AND_REFUND,
        Reason.DAMAGED,
        "外盒壓壞，杯子有裂痕 The box was crushed and a cup is cracked.",
    )
    case = await _ask(c, returning, Kind.RETURN_AND_REFUND, Reason.NO_REASON, "七天無理由退貨 Changed my mind.")
    owner = await _owner(c, returning)
    await aftersales.merchant_decide(c, shop_id=returning.shop_id, case_id=case.id, actor_id=owner, action="accept",
                                     return_address="台北市中正區重慶南路一段 100 號 退貨組")  # fmt: skip
    await aftersales.ship_back(c, user_id=returning.user_id, case_id=case.id, carrier="黑貓宅急便 Black Cat",
                               tracking_no="TW-778899")  # fmt: skip
    case = await _ask(c, disputed, Kind.REFUND_ONLY, Reason.MISSING_PARTS, "少了一個零件 A part is missing.")
    owner = await _owner(c, disputed)
    await aftersales.merchant_decide(c, shop_id=disputed.shop_id, case_id=case.id, actor_id=owner, action="reject",
                                     reason="出貨前已檢查完整 Checked complete before shipping.")  # fmt: skip
    await aftersales.escalate(
        c, user_id=disputed.user_id, case_id=case.id, note="包裹拆開就少了 It was missing on arrival."
    )
    decided = await _another_order(c, people["shopper2@demo.mall"], shops_made[0])
    if decided is not None:
        await _ship(c, decided, deliver=True)
        case = await _ask(
            c, decided, Kind.RETURN_AND_REFUND, Reason.NOT_AS_DESCRIBED, "顏色與圖片不符 Not the colour shown."
        )
        owner = await _owner(c, decided)
        await aftersales.merchant_decide(c, shop_id=decided.shop_id, case_id=case.id, actor_id=owner,
                                         action="reject", reason="Colour is as described.")  # fmt: skip
        await aftersales.escalate(c, user_id=decided.user_id, case_id=case.id)
        await aftersales.operator_decide(c, case_id=case.id, operator_id=operator.id, outcome="refund_partial",
                                         amount=max(1, case.amount // 2),
                                         reason="照片顯示色差，退一半 Photos show a colour difference.")  # fmt: skip
    return await c.cases.count({})


async def _ship(c, order, *, deliver: bool) -> None:
    owner = await _owner(c, order)
    await orders.ship_order(c, shop_id=order.shop_id, order_id=order.id, actor_id=owner,
                            carrier="中華郵政 Chunghwa Post", tracking_number=f"CP-{order.number[-5:]}")  # fmt: skip
    if deliver:
        await orders.mark_delivered(c, shop_id=order.shop_id, order_id=order.id, actor_id=owner)


async def _ask(c, order, kind: Kind, reason: Reason, note: str):
    order = await c.orders.get(order.id)
    quote = await aftersales.quote(c, order, 0)
    return await aftersales.request_case(
        c, user_id=order.user_id, order_id=order.id, line_id=0, kind=kind, reason=reason, qty=1,
        amount=quote.max_for(1, order), note=note,
    )  # fmt: skip


async def _owner(c, order) -> str:
    shop = await shops.get_shop(c.shops, order.shop_id)
    return shop.owner_id


async def _another_order(c, user, shop):
    """One more paid order for `user` of the shop's first product (cart, checkout, the sandbox's Pay)."""
    listed, _total = await catalog.merchant_products(c.products, c.attribute_sets, shop_id=shop.id, per_page=1)
    if not listed:
        return None
    product = listed[0].product
    store = c.carts.for_user(user.id)
    await cart.add_item(store, c.products, product_id=product.id, variant_id=product.variants[0].id, qty=1)
    try:
        placed = await orders.place_checkout(c, user_id=user.id, cart=store, key=new_id(),
                                             address=orders.AddressFields(**DEMO_ADDRESS), notes={})  # fmt: skip
    except orders.CheckoutError:
        return None
    await orders.pay_in_sandbox(c, placed.checkout)
    return await c.orders.get(placed.orders[0].id)
