"""Reserving and paying: every step on a sale's units is ONE Redis script (mall/flash_sales/lua.py),
so no unit is sold twice and no user goes over the limit, whatever runs at the same time.

A reservation (hold) is bound to its user and expires after `flash_hold_seconds`; a checkout claims
it (one checkout per hold); paying sells it exactly once; a cancelled or expired checkout gives it
back, and the user's count with it. Each shopper's live holds are also noted in an index of their own
(by the reservation script itself on one Redis server; see lua.py), so every page can lead them back to the
checkout with one read."""

from __future__ import annotations

from datetime import timedelta

from mall.flash_sales import events
from mall.flash_sales.models import Hold, LiveHold, Reservation, SaleState, parse_reservation, reservation_id
from mall.flash_sales.services.common import FlashSaleError
from mall.flash_sales.services.units import is_open, reconcile
from mall.infra.ids import new_id
from mall.infra.text import N_


async def _tick(c, sale_id: str, ticked: bool) -> None:
    if ticked:
        await c.events.publish(events.STOCK, {"sale_id": sale_id})


async def reserve(c, sale_id: str, user_id: str, qty: int = 1, *, ip: str = "unknown") -> Reservation:
    """One Lua step: rate limits (per user, per IP), window, limit, stock -> a hold, or why not
    (not_started / ended / sold_out / limit_reached / rate_limited / missing). No MongoDB read."""
    if qty <= 0:
        raise FlashSaleError(N_("Quantity must be positive."), 422)
    s = c.settings
    now = c.clock.now()
    expires_at = now + timedelta(seconds=s.flash_hold_seconds)
    hold_id = new_id()
    limits = (s.flash_user_rate_limit, s.flash_ip_rate_limit, s.flash_rate_window)

    async def attempt():
        return await c.flash_store.reserve(
            sale_id,
            now=now,
            user_id=user_id,
            ip=ip[:64],
            qty=qty,
            hold_id=hold_id,
            expires_at=expires_at,
            limits=limits,
        )

    reason, value, ticked = await attempt()
    if reason == "missing":
        reason, value, ticked = await _after_loss(c, sale_id, attempt)
    await _tick(c, sale_id, ticked)
    if reason == "rate_limited":
        return Reservation(reason, retry_after=value)
    if reason != "ok":
        return Reservation(reason, remaining=value)
    return Reservation("ok", id=reservation_id(sale_id, hold_id), expires_at=expires_at, remaining=value)


async def _after_loss(c, sale_id: str, attempt):
    """Redis has no such sale: unknown, not (or no longer) open, or lost -> rebuilt from MongoDB, tried once more."""
    sale = await c.flash_sales.get(sale_id)
    if sale is None:
        return "missing", 0, False
    if not is_open(c, sale):
        state = sale.state(c.clock.now())
        return ("not_started" if state in (SaleState.UPCOMING, SaleState.PENDING_APPROVAL) else "ended"), 0, False
    await reconcile(c, sale_id)
    reason, value, ticked = await attempt()
    return ("ended" if reason == "missing" else reason), value, ticked


async def hold(c, reservation: str) -> Hold | None:
    """The live hold behind a reservation id (None when it expired, never existed or is malformed)."""
    parsed = parse_reservation(reservation)
    found = await c.flash_store.peek(*parsed) if parsed else None
    return found if found and found.expires_at > c.clock.now() else None  # past its time: as good as gone


async def claim_hold(c, sale_id: str, hold_id: str, *, user_id: str, checkout_id: str) -> int:
    """The checkout takes the hold as its own. -> units, or 0 (expired, another checkout has it, not this user's)."""
    now = c.clock.now()
    answer, qty, expires_at = await c.flash_store.claim(sale_id, hold_id, user_id, checkout_id, now)
    if answer != "ok":
        return 0
    await c.flash_store.remember_hold(user_id, reservation_id(sale_id, hold_id), expires_at, now, checkout_id)
    return qty


async def release_hold(c, sale_id: str, hold_id: str, *, checkout_id: str = "", user_id: str = "") -> int:
    """A cancelled or expired checkout: the hold's units go back to the pool and the user's count down, once
    (and the hold leaves `user_id`'s index)."""
    qty, ticked = await c.flash_store.release(sale_id, hold_id, checkout_id)
    if user_id:
        await c.flash_store.forget_hold(user_id, reservation_id(sale_id, hold_id))
    await _tick(c, sale_id, ticked)
    return qty


async def sell_hold(c, sale_id: str, hold_id: str, *, user_id: str, qty: int, checkout_id: str) -> str:
    """The checkout of this hold is paid: its units are sold, exactly once (the same call again says "ok").
    A hold that expired takes fresh units from the pool while the sale runs. -> "ok", or why not
    (ended / closed / sold_out / limit_reached / not_yours): then the payment must be refunded."""

    async def attempt():
        return await c.flash_store.sell(
            sale_id, hold_id=hold_id, user_id=user_id, qty=qty, checkout_id=checkout_id, now=c.clock.now()
        )

    reason, _sold, ticked = await attempt()
    if reason == "missing":
        reason, _sold, ticked = await _after_loss(c, sale_id, attempt)
    await _tick(c, sale_id, ticked)
    if reason == "ok":
        await c.flash_store.forget_hold(user_id, reservation_id(sale_id, hold_id))
    return "ended" if reason in ("missing", "not_started") else reason


async def live_holds(c, user_id: str) -> list[LiveHold]:
    """The shopper's holds still waiting for them (reserved, or claimed by a checkout not paid yet), soonest to
    expire first: what the header, the cart and a sale's page lead back to. One Redis read, and one more when a
    hold is not claimed yet: a reservation of a paused sale (its shop suspended) cannot be checked out, so it is
    not offered until the sale resumes (the checkout a claimed one leads to says why it cannot be paid)."""
    holds = await c.flash_store.live_holds(user_id, c.clock.now())
    unclaimed = sorted({hold.sale_id for hold in holds if hold.checkout_id is None})
    if not unclaimed:
        return holds
    paused = await c.flash_store.paused_among(unclaimed)
    return [hold for hold in holds if hold.checkout_id is not None or hold.sale_id not in paused]


async def expire_holds(c, sale_id: str) -> int:
    """Releases every hold whose expiry has passed (by c.clock); units returned."""
    qty, ticked = await c.flash_store.expire(sale_id, c.clock.now())
    await _tick(c, sale_id, ticked)
    return qty
