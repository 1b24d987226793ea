"""The operator's view of every order, searchable by number, buyer's email or recipient, with its shop and shopper."""

from __future__ import annotations

from sanic import Request
from sanic.exceptions import NotFound

from mall.orders import services
from mall.orders.routes import bp
from mall.orders.routes.common import page, status_filter
from mall.web.forms import page_number
from mall.web.i18n import gettext as _


@bp.get("/operator/orders", ctx_access="operator")
async def operator_orders(request: Request):
    c = request.app.ctx.c
    q = " ".join(str(request.args.get("q", "")).split())[:100]
    status = status_filter(request)
    number = page_number(request)
    orders, total = await services.all_orders(c, q=q, status=status, page=number)
    pages = services.search_pages(total) if q else max(1, -(-total // services.PER_PAGE))
    return await page(
        request,
        "orders/operator_orders.html",
        fragment="orders/_operator_order_table.html",
        orders=orders,
        shops=await services.shops_of(c, orders),
        shoppers=await services.shoppers_of(c, orders),
        q=q,
        chosen=status.value if status else "",
        total=total,
        capped=bool(q) and total >= services.SEARCH_CAP,
        page=number,
        pages=pages,
    )


@bp.get("/operator/orders/<order_id:str>", ctx_access="operator")
async def operator_order(request: Request, order_id: str):
    c = request.app.ctx.c
    try:
        order = await services.any_order(c, order_id=order_id)
    except services.NotFound:
        raise NotFound(_("We could not find that order.")) from None
    shops = await services.shops_of(c, [order])
    shoppers = await services.shoppers_of(c, [order])
    return await page(
        request,
        "orders/operator_order.html",
        order=order,
        shop=shops.get(order.shop_id),
        shopper=shoppers.get(order.user_id),
    )
