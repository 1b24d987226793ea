"""Scheduling a sale: create, approve or reject (platform-featured), edit and cancel before the start.

Units are never lost without a transaction: every stock move has its own id (the product records it),
the sale's status says a move is under way (ALLOCATING / EDITING) before it happens, and the minutely
sweep finishes or undoes a move whose process died (`repair`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from mall.catalog import services as catalog
from mall.flash_sales import events
from mall.flash_sales.models import FlashSale, Status
from mall.flash_sales.services.common import (
    LEASE,
    NO_SUCH_SALE,
    FlashSaleError,
    announce,
    move_id,
    schedule_steps,
)
from mall.flash_sales.services.pauses import is_paused
from mall.flash_sales.services.units import return_units
from mall.infra.ids import new_id
from mall.infra.text import N_
from mall.reputation.services import standing

FAR = datetime(9999, 1, 1, tzinfo=UTC)  # a frozen sale "starts" then: nothing can be reserved meanwhile
EDITABLE = ("price", "quantity", "per_user_limit", "starts_at", "ends_at")


async def _sku(c, product_id: str, variant_id: str, shop_id: str | None):
    """The listed product and its variant; a merchant (shop_id) may only use its own shop's SKUs."""
    product = await catalog.get_public_product(c.products, product_id)
    variant = next((v for v in product.variants if v.id == variant_id), None) if product else None
    if variant is None or (shop_id is not None and product.shop_id != shop_id):
        raise FlashSaleError(N_("No such SKU."), 404)
    return product, variant


def _check(c, sale: FlashSale, normal_price: int) -> None:
    if sale.price <= 0 or sale.quantity <= 0 or sale.per_user_limit <= 0:
        raise FlashSaleError(N_("Price, quantity and limit must be positive."), 422)
    if sale.price >= normal_price:
        raise FlashSaleError(N_("The sale price must be below the normal price."), 422)
    if sale.starts_at.tzinfo is None or sale.ends_at.tzinfo is None or sale.ends_at <= sale.starts_at:
        raise FlashSaleError(N_("The sale must end after it starts."), 422)
    if sale.ends_at <= c.clock.now():
        raise FlashSaleError(N_("The sale must end in the future."), 422)


async def create_sale(
    c,
    *,
    actor_id: str,
    product_id: str,
    variant_id: str,
    price: int,
    quantity: int,
    per_user_limit: int,
    starts_at: datetime,
    ends_at: datetime,
    shop_id: str | None = None,
    featured: bool = False,
    min_health_score: int | None = None,
) -> FlashSale:
    """Schedule a sale; its quantity leaves the SKU's normal stock now (409 when short).

    `shop_id` restricts to that shop's SKUs (a merchant); None lets a marketer use any shop's SKU.
    A featured sale waits for an operator first when `flash_featured_approval` is on; its `min_health_score`
    (set by the marketer) refuses a shop whose health score is lower, now and again at the approval."""
    product, variant = await _sku(c, product_id, variant_id, shop_id)
    minimum = min_health_score if featured else None
    await _healthy_enough(c, product.shop_id, minimum)
    sale_id = new_id()
    sale = FlashSale(
        id=sale_id,
        shop_id=product.shop_id,
        product_id=product.id,
        variant_id=variant.id,
        price=price,
        quantity=quantity,
        per_user_limit=per_user_limit,
        starts_at=starts_at.astimezone(UTC) if starts_at.tzinfo else starts_at,
        ends_at=ends_at.astimezone(UTC) if ends_at.tzinfo else ends_at,
        status=Status.ALLOCATING,
        created_by=actor_id,
        featured=featured,
        created_at=c.clock.now(),
        edit=_allocation(c, sale_id),
        min_health_score=minimum,
    )
    _check(c, sale, variant.price)
    if featured and c.settings.flash_featured_approval:
        sale.status, sale.edit = Status.PENDING_APPROVAL, None
        await c.flash_sales.insert(sale)
        await announce(c, events.APPROVAL, sale)
        return sale
    await c.flash_sales.insert(sale)
    return await _allocate(c, sale, undo=lambda: c.flash_sales.delete(sale.id))


async def _healthy_enough(c, shop_id: str, minimum: int | None) -> None:
    if minimum is not None and (type(minimum) is not int or not 0 <= minimum <= 100):
        raise FlashSaleError(N_("A minimum health score is 0 to 100 (or none)."), 422)
    too_low = await standing.refusal_for_minimum(c, shop_id, minimum)
    if too_low is not None:
        raise FlashSaleError(too_low[0], 409, params=too_low[1])


def _allocation(c, sale_id: str) -> dict:
    """The record of an allocation under way (what the sweep needs to finish or undo it)."""
    return {"move": move_id(sale_id, "alloc"), "since": c.clock.now(), "delta": 0, "changes": {}}


async def _allocate(c, sale: FlashSale, *, undo) -> FlashSale:
    """ALLOCATING -> take the units (once) -> SCHEDULED, loaded in Redis, its steps scheduled."""
    move = sale.edit["move"]
    taken = await catalog.take_stock(c.products, sale.product_id, sale.variant_id, sale.quantity, move_id=move)
    if not taken and not await catalog.stock_move_applied(c.products, sale.product_id, move):
        await undo()
        raise FlashSaleError(N_("Not enough stock for this sale."))
    return await _scheduled(c, sale) or await c.flash_sales.get(sale.id)  # None: the sweep finished it first


async def _scheduled(c, sale: FlashSale) -> FlashSale | None:
    changes = {"status": Status.SCHEDULED, "edit": None}
    scheduled = await c.flash_sales.move(sale.id, only_from=(Status.ALLOCATING,), changes=changes)
    if scheduled is not None:
        await activate(c, scheduled)
    return scheduled


async def activate(c, sale: FlashSale) -> None:
    paused = await is_paused(c, sale)  # e.g. a featured sale approved while its shop is suspended
    await c.flash_store.load(sale, remaining=sale.quantity, sold=0, users={}, done={}, paused=paused)
    await schedule_steps(c, sale)
    await announce(c, events.SCHEDULED, sale)


async def _get(c, sale_id: str, shop_id: str | None) -> FlashSale:
    sale = await c.flash_sales.get(sale_id)
    if sale is None or (shop_id is not None and sale.shop_id != shop_id):
        raise FlashSaleError(NO_SUCH_SALE, 404)
    return sale


async def _changeable(c, sale_id: str, shop_id: str | None) -> FlashSale:
    """A merchant (shop_id) changes its own shop's sales, but not the platform-featured ones marketers run."""
    sale = await _get(c, sale_id, shop_id)
    if shop_id is not None and sale.featured:
        raise FlashSaleError(N_("This sale is run by the platform's marketers; ask them to change it."), 403)
    return sale


async def approve_sale(c, sale_id: str, *, operator_id: str) -> FlashSale:
    """An operator lets a featured sale run: now its units leave the SKU's stock."""
    sale = await _get(c, sale_id, None)
    if sale.status != Status.PENDING_APPROVAL:
        raise FlashSaleError(N_("This sale is not waiting for approval."))
    if sale.ends_at <= c.clock.now():
        raise FlashSaleError(N_("This sale's time has passed; it can no longer be approved."))
    await _healthy_enough(c, sale.shop_id, sale.min_health_score)
    changes = {"status": Status.ALLOCATING, "decided_by": operator_id, "edit": _allocation(c, sale.id)}
    moving = await c.flash_sales.move(sale.id, only_from=(Status.PENDING_APPROVAL,), changes=changes)
    if moving is None:
        raise FlashSaleError(N_("This sale is not waiting for approval."))

    async def back_to_pending():
        changes = {"status": Status.PENDING_APPROVAL, "edit": None, "decided_by": None}
        await c.flash_sales.move(sale.id, only_from=(Status.ALLOCATING,), changes=changes)

    return await _allocate(c, moving, undo=back_to_pending)


async def reject_sale(c, sale_id: str, *, operator_id: str, reason: str) -> FlashSale:
    changes = {"status": Status.REJECTED, "decided_by": operator_id, "reject_reason": reason.strip()[:500]}
    rejected = await c.flash_sales.move(sale_id, only_from=(Status.PENDING_APPROVAL,), changes=changes)
    if rejected is None:
        raise FlashSaleError(N_("This sale is not waiting for approval."))
    await announce(c, events.CANCELLED, rejected)
    return rejected


async def edit_sale(c, sale_id: str, *, shop_id: str | None, changes: dict) -> FlashSale:
    """Before the start only: new price, quantity, limit or window. A quantity change moves the difference
    between the SKU's stock and the sale (once, by move id)."""
    sale = await _changeable(c, sale_id, shop_id)
    if not sale.editable(c.clock.now()):
        raise FlashSaleError(N_("Only a sale that has not started can be changed."))
    changes = {k: v for k, v in changes.items() if k in EDITABLE and v is not None}
    changes = {k: (v.astimezone(UTC) if isinstance(v, datetime) else v) for k, v in changes.items()}
    target = replace(sale, **changes)
    _, variant = await _sku(c, sale.product_id, sale.variant_id, None)
    _check(c, target, variant.price)
    if sale.status == Status.PENDING_APPROVAL:  # nothing moved yet
        edited = await c.flash_sales.move(
            sale.id, only_from=(Status.PENDING_APPROVAL,), version=sale.version,
            changes={**changes, "version": sale.version + 1},
        )  # fmt: skip
        if edited is None:
            raise FlashSaleError(N_("The sale changed meanwhile. Reload and try again."))
        return edited
    intent = {
        "changes": changes,
        "delta": target.quantity - sale.quantity,
        "move": move_id(sale.id, f"v{sale.version + 1}"),
        "since": c.clock.now(),
    }
    editing = await c.flash_sales.move(
        sale.id, only_from=(Status.SCHEDULED,), version=sale.version, changes={"status": Status.EDITING, "edit": intent}
    )
    if editing is None:
        raise FlashSaleError(N_("The sale changed meanwhile. Reload and try again."))
    if c.clock.now() >= sale.starts_at or not await c.flash_store.reset(sale, starts_at=FAR):
        await _rollback_edit(c, editing)
        raise FlashSaleError(N_("Only a sale that has not started can be changed."))
    if not await _move_edit_units(c, editing):
        await _rollback_edit(c, editing)
        raise FlashSaleError(N_("Not enough stock for this sale."))
    return await _commit_edit(c, editing)


async def _move_edit_units(c, sale: FlashSale) -> bool:
    delta, move = sale.edit["delta"], sale.edit["move"]
    if delta > 0:
        ok = await catalog.take_stock(c.products, sale.product_id, sale.variant_id, delta, move_id=move)
        return ok or await catalog.stock_move_applied(c.products, sale.product_id, move)
    if delta < 0:
        await catalog.restore_stock(c.products, sale.product_id, sale.variant_id, -delta, move_id=move)
    return True


async def _commit_edit(c, sale: FlashSale) -> FlashSale:
    changes = {**sale.edit["changes"], "status": Status.SCHEDULED, "edit": None, "version": sale.version + 1}
    committed = await c.flash_sales.move(sale.id, only_from=(Status.EDITING,), version=sale.version, changes=changes)
    if committed is None:
        return await c.flash_sales.get(sale.id)
    await c.flash_store.reset(committed)
    await schedule_steps(c, committed)
    await announce(c, events.SCHEDULED, committed)
    return committed


async def _rollback_edit(c, sale: FlashSale) -> None:
    """Undo an edit whose units did not move (a restore that did move is finished instead, see repair)."""
    changes = {"status": Status.SCHEDULED, "edit": None}
    back = await c.flash_sales.move(sale.id, only_from=(Status.EDITING,), version=sale.version, changes=changes)
    if back is not None:
        await c.flash_store.reset(back)


async def cancel_sale(c, sale_id: str, *, shop_id: str | None = None) -> FlashSale:
    """Before the start only: the units go back to the SKU's stock (once)."""
    sale = await _changeable(c, sale_id, shop_id)
    if not sale.editable(c.clock.now()):
        raise FlashSaleError(N_("Only a sale that has not started can be cancelled."))
    changes = {"status": Status.CANCELLED}
    if sale.status == Status.PENDING_APPROVAL:
        changes["returned_at"] = c.clock.now()  # nothing had left the stock
    cancelled = await c.flash_sales.move(sale.id, only_from=(sale.status,), version=sale.version, changes=changes)
    if cancelled is None:
        raise FlashSaleError(N_("The sale changed meanwhile. Reload and try again."))
    await c.flash_store.close(sale.id)
    await return_units(c, cancelled)
    await announce(c, events.CANCELLED, cancelled)
    return cancelled


async def repair(c, sale: FlashSale) -> None:
    """The sweep: finish or undo an allocation or edit whose process died (its step is older than LEASE)."""
    if sale.edit is None or c.clock.now() - sale.edit["since"].replace(tzinfo=UTC) <= LEASE:
        return
    moved = sale.edit["delta"] == 0 and sale.status == Status.EDITING
    moved = moved or await catalog.stock_move_applied(c.products, sale.product_id, sale.edit["move"])
    if sale.status == Status.ALLOCATING and moved:
        await _scheduled(c, sale)
    elif sale.status == Status.ALLOCATING:
        undo = {"status": Status.PENDING_APPROVAL, "decided_by": None} if sale.decided_by else {}
        undo = undo or {"status": Status.CANCELLED, "returned_at": c.clock.now()}  # nothing left the stock
        await c.flash_sales.move(sale.id, only_from=(Status.ALLOCATING,), changes={**undo, "edit": None})
    elif sale.status == Status.EDITING and moved:
        await _commit_edit(c, sale)
    elif sale.status == Status.EDITING:
        await _rollback_edit(c, sale)
