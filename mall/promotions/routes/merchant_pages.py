"""The merchant's promotions pages behind the handlers in merchant.py: the shop's promotions and coupons, the
three create forms, pause / resume / stop.

The shop is always request.ctx.shop_id, handed to every service call: another shop's promotion, coupon or
product is a 404 and nothing is written. Forms are closed (mall/promotions/merchant_forms.py): a field they
do not have (shop_id, kind, status, ...) is a 422."""

from __future__ import annotations

from sanic import Request
from sanic.exceptions import NotFound
from sanic.response import redirect

from mall.catalog import services as catalog
from mall.catalog.models import Product, SearchQuery, Sort
from mall.infra.text import N_
from mall.promotions import merchant_forms as forms
from mall.promotions import services
from mall.promotions.models import CouponKind, Scope
from mall.promotions.records import Control, ShopPromotionKind, State
from mall.promotions.routes.merchant_views import formatters, page
from mall.web.forms import Invalid
from mall.web.i18n import gettext as _

BASE = "/merchant/promotions"
PARSERS = {"limited": forms.parse_limited, "threshold": forms.parse_threshold, "coupon": forms.parse_coupon}
PICKER = "promotions/_merchant_product_picker.html"
CONTROLS = {"pause": Control.PAUSED, "resume": Control.ACTIVE, "stop": Control.STOPPED}
# What each action may change, and what is said when it may not (the services would accept more).
ALLOWED = {
    "pause": ((State.LIVE, State.SCHEDULED), N_("Only a live or upcoming one can be paused.")),
    "resume": ((State.PAUSED,), N_("Only a paused one can be resumed.")),
    "stop": ((State.LIVE, State.SCHEDULED, State.PAUSED), N_("It has ended already.")),
}
DONE = {
    "pause": N_("Paused: shoppers no longer get it until you resume it."),
    "resume": N_("Resumed: shoppers get it again."),
    "stop": N_("Stopped for good."),
}
NOT_OWN = N_("Choose products of your own shop.")


def translated(errors: dict) -> dict[str, str]:
    """{field: message id or (message id, params)} -> {field: text in the page's language}."""
    return {k: _(v[0]) % v[1] if isinstance(v, tuple) else _(v) for k, v in errors.items()}


# --- the product picker ------------------------------------------------------------------------------------


async def own_products(c, shop_id: str, product_ids: list[str]) -> list[Product]:
    """These products, all of them this shop's; a 404 refusal otherwise (unknown, or another shop's)."""
    products = await catalog.products_by_ids(c.products, product_ids, include_hidden=True)
    if len(products) != len(set(product_ids)) or any(p.shop_id != shop_id for p in products):
        raise services.PromotionError(NOT_OWN, 404, field="product_ids")
    return products


async def product_choices(c, shop_id: str, q: str, chosen: list[str]) -> list[Product]:
    """What the picker lists: the products already ticked (this shop's only), then the shop's listed
    products matching `q` (the newest when there is no q)."""
    query = SearchQuery(q=q, shop_id=shop_id, sort=Sort.RELEVANCE if q else Sort.NEWEST, per_page=20)
    found = (await catalog.search_products(c.products, c.categories, query)).items
    ticked = [p for p in await catalog.products_by_ids(c.products, chosen, include_hidden=True) if p.shop_id == shop_id]
    seen = {p.id for p in ticked}
    return ticked + [p for p in found if p.id not in seen]


def search_text(request: Request) -> str:
    return request.args.get("find", "").strip()[:100]


# --- the list ----------------------------------------------------------------------------------------------


async def _variant_names(c, shop_id: str, promotions) -> dict[str, tuple[Product, object]]:
    """variant id -> (product, variant) for the SKUs the limited-time discounts name."""
    wanted = {v for p in promotions for v in p.variant_ids}
    if not wanted:
        return {}
    items, _total = await catalog.merchant_products(c.products, c.attribute_sets, shop_id=shop_id, per_page=100)
    return {v.id: (row.product, v) for row in items for v in row.product.variants if v.id in wanted}


async def promotions_list(request: Request):
    c, shop_id = request.app.ctx.c, request.ctx.shop_id
    promotions = await services.shop_promotions(c, shop_id)
    limited = [p for p in promotions if p.kind == ShopPromotionKind.LIMITED_TIME]
    return await page(
        request,
        "promotions/merchant_promotions.html",
        limited=limited,
        thresholds=[p for p in promotions if p.kind == ShopPromotionKind.SPEND_THRESHOLD],
        coupons=await services.coupons_of(c, scope=Scope.SHOP, shop_id=shop_id),
        skus=await _variant_names(c, shop_id, limited),
        actions=lambda state: [a for a, (states, _no) in ALLOWED.items() if state in states],
    )


# --- the create forms --------------------------------------------------------------------------------------


async def form_page(request: Request, form: str, *, typed: dict, errors: dict, status: int = 200):
    c = request.app.ctx.c
    q = search_text(request) if request.method == "GET" else ""
    chosen = typed.get("product_ids") or []
    choices = await product_choices(c, request.ctx.shop_id, q, chosen) if form == "limited" else []
    return await page(
        request,
        f"promotions/merchant_{form}_form.html",
        fragment=PICKER if form == "limited" else None,
        form=form,
        typed=typed,
        errors=translated(errors),
        q=q,
        choices=choices,
        picking="variants",
        entered={},
        status=status,
    )


async def new_form(request: Request, form: str):
    c = request.app.ctx.c
    typed = forms.blank(form, c.clock.now(), timezone=c.settings.timezone)
    if form == "limited":  # a search in the picker keeps what is ticked (hx-include)
        typed["product_ids"] = forms.picked(request.args, "product_ids") or []
        typed["variant_ids"] = forms.picked(request.args, "variant_ids") or []
    return await form_page(request, form, typed=typed, errors={})


async def _create_limited(c, shop_id: str, actor_id: str, values: dict):
    products = await own_products(c, shop_id, values["product_ids"])
    chosen = set(values["variant_ids"])
    if chosen - {v.id for p in products for v in p.variants}:
        raise services.PromotionError(forms.MESSAGES["variant_ids"], field="variant_ids")
    variant_ids = []  # per product: the SKUs ticked, or all of them when none is
    for product in products:
        ids = [v.id for v in product.variants]
        variant_ids += [v for v in ids if v in chosen] or ids
    return await services.create_limited_time(
        c, shop_id=shop_id, actor_id=actor_id, name=values["name"], product_ids=values["product_ids"],
        variant_ids=variant_ids, percent_off=values.get("percent_off"), fixed_price=values.get("fixed_price"),
        starts_at=values["starts_at"], ends_at=values["ends_at"],
    )  # fmt: skip


async def _create_threshold(c, shop_id: str, actor_id: str, values: dict):
    return await services.create_threshold(
        c, shop_id=shop_id, actor_id=actor_id, name=values["name"], tiers=values["tiers"],
        free_shipping=values["free_shipping"], starts_at=values["starts_at"], ends_at=values["ends_at"],
    )  # fmt: skip


async def _create_coupon(c, shop_id: str, actor_id: str, values: dict):
    return await services.create_coupon(
        c, actor_id=actor_id, scope=Scope.SHOP, shop_id=shop_id, name=values["name"],
        kind=CouponKind(values["kind"]), value=values["value"], cap=values.get("cap"),
        min_spend=values["min_spend"], total=values["total"], per_user=values["per_user"], code=values["code"],
        claimable=values["claimable"], starts_at=values["starts_at"], ends_at=values["ends_at"],
    )  # fmt: skip


CREATE = {"limited": _create_limited, "threshold": _create_threshold, "coupon": _create_coupon}


async def create(request: Request, form: str):
    c = request.app.ctx.c
    params = request.form or {}
    parsed = PARSERS[form](params, currency=c.settings.currency, timezone=c.settings.timezone)
    closed = forms.refused_fields(params, form)
    if closed or parsed.errors:
        errors = {"form": (closed[0], {"name": closed[1]})} if closed else parsed.errors
        return await form_page(request, form, typed=parsed.typed, errors=errors, status=422)
    try:
        made = await CREATE[form](c, request.ctx.shop_id, request.ctx.user.id, parsed.values)
    except services.PromotionError as exc:
        errors = {forms.field_for(form, exc.field, parsed.typed): exc.message}
        return await form_page(request, form, typed=parsed.typed, errors=errors, status=exc.status)
    request.ctx.session.flash(_saved(c, made, form), "success")
    return redirect(f"{BASE}#{form}-{made.id}", status=303)


def _saved(c, made, form: str) -> str:
    label = {"name": made.code if form == "coupon" else made.name}
    if made.state(c.clock.now()) is State.LIVE:
        text = _("Coupon %(name)s is live now.") if form == "coupon" else _("“%(name)s” is live now.")
        return text % label
    when = formatters(c)["relative"](made.starts_at)
    text = _("Coupon %(name)s starts %(when)s.") if form == "coupon" else _("“%(name)s” starts %(when)s.")
    return text % {**label, "when": when}


# --- pause, resume, stop -----------------------------------------------------------------------------------


def closed_button(request: Request) -> None:
    """A button's form carries the CSRF token and nothing else."""
    extra = sorted(set(request.form or {}) - {"csrf_token"})
    if extra:
        message = _("This form does not accept the field “%(name)s”.") % {"name": extra[0]}
        raise Invalid({extra[0]: "unknown field"}, message)


async def control(request: Request, what: str, item_id: str, action: str):
    """Pause, resume or stop one of the shop's promotions ("promotion") or coupons ("coupon")."""
    if action not in CONTROLS:
        raise NotFound(_("No such page."))
    closed_button(request)
    c, shop_id = request.app.ctx.c, request.ctx.shop_id
    try:
        if what == "coupon":
            item = await services.get_coupon(c, item_id, shop_id=shop_id, scope=Scope.SHOP)
        else:
            item = await services.shop_promotion(c, shop_id, item_id)
    except services.PromotionError as exc:
        raise NotFound(_(exc.message)) from None
    anchor = f"{BASE}#{'coupon' if what == 'coupon' else _form_of(item)}-{item.id}"
    states, refusal = ALLOWED[action]
    state = item.state(c.clock.now())
    if state not in states:
        stopped = N_("It was stopped for good and cannot change any more.")
        request.ctx.session.flash(_(stopped if state is State.STOPPED else refusal), "warning")
        return redirect(anchor, status=303)
    try:
        if what == "coupon":
            await services.set_coupon_control(c, item.id, CONTROLS[action], scope=Scope.SHOP, shop_id=shop_id)
        else:
            await services.set_control(c, shop_id=shop_id, promotion_id=item.id, control=CONTROLS[action])
    except services.PromotionError as exc:
        request.ctx.session.flash(_(exc.message), "error")
    else:
        request.ctx.session.flash(_(DONE[action]), "success")
    return redirect(anchor, status=303)


def _form_of(promotion) -> str:
    return "limited" if promotion.kind == ShopPromotionKind.LIMITED_TIME else "threshold"
