"""Coupons (優惠券): a shop's or the platform's, fixed or percent (with a cap), a minimum spend, a window,
`total` redemptions and `per_user` each; claimed into a wallet, or entered as a code.

A redemption is taken by the checkout that uses it, in the same ledger as its stock (orders' services):
one conditional update per use and a move id, so a repeat changes nothing and a crash is repaired; it
is given back when the order is cancelled or the checkout expires."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import datetime

from mall.infra.ids import is_id, new_id
from mall.infra.text import N_
from mall.promotions.models import Coupon, CouponKind, Scope
from mall.promotions.records import Control, CouponRecord, State, WalletCoupon
from mall.promotions.repository import CODE_RE, CodeTaken
from mall.promotions.services.common import (
    PromotionError,
    announce,
    check_amount,
    check_percent,
    check_window,
    closed_shops,
)
from mall.promotions.services.lifecycle import schedule_announcements

NOT_FOUND = N_("No such coupon.")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def normalize_code(code: str) -> str:
    return (code or "").strip().upper()


async def create_coupon(
    c,
    *,
    actor_id: str,
    scope: Scope,
    shop_id: str | None,
    name: str,
    kind: CouponKind,
    value: int,
    min_spend: int,
    starts_at: datetime,
    ends_at: datetime,
    total: int,
    per_user: int,
    cap: int | None = None,
    code: str | None = None,
    claimable: bool = False,
) -> CouponRecord:
    """A shop coupon (scope SHOP, the merchant's shop_id) or a platform coupon (scope PLATFORM, marketers).
    Without a code one is drawn (8 characters, no 0/O or 1/I)."""
    if (scope is Scope.SHOP) != (shop_id is not None):
        raise PromotionError(N_("A shop coupon belongs to one shop; a platform coupon to none."), field="scope")
    if kind is CouponKind.PERCENT:
        check_percent(value, "value")
        if cap is not None:
            check_amount(cap, "cap", minimum=1)
    else:
        check_amount(value, "value", minimum=1)
        cap = None
    check_amount(min_spend, "min_spend")
    if kind is CouponKind.FIXED and min_spend and value >= min_spend:
        raise PromotionError(N_("A coupon must save less than its minimum spend."), field="value")
    if type(total) is not int or not 1 <= total <= 10**7:
        raise PromotionError(N_("Issue from 1 to 10,000,000 coupons."), field="total")
    if type(per_user) is not int or not 1 <= per_user <= min(total, 100):
        raise PromotionError(
            N_("Each shopper may use it 1 to 100 times (and no more than the total)."), field="per_user"
        )
    starts_at, ends_at = check_window(c, starts_at, ends_at)
    name = (name or "").strip()
    if not 1 <= len(name) <= 60:
        raise PromotionError(N_("Give it a name of up to 60 characters."), field="name")
    wanted = normalize_code(code) if code else None
    if wanted is not None and not CODE_RE.match(wanted):
        raise PromotionError(N_("A code has 3 to 32 letters, digits, - or _."), field="code")
    for _attempt in range(5):
        coupon = CouponRecord(
            id=new_id(), code=wanted or "".join(secrets.choice(CODE_ALPHABET) for _ in range(8)), scope=scope,
            name=name, kind=kind, value=value, min_spend=min_spend, starts_at=starts_at, ends_at=ends_at,
            total=total, per_user=per_user, created_by=actor_id, created_at=c.clock.now(), shop_id=shop_id,
            cap=cap, claimable=claimable,
        )  # fmt: skip
        coupon.engine()
        try:
            await c.promotions.add_coupon(coupon)
            break
        except CodeTaken:
            if wanted:
                raise PromotionError(N_("That code is taken. Choose another."), 409, field="code") from None
    else:
        raise PromotionError(N_("Could not draw a free code. Try again."), 409, field="code")
    await schedule_announcements(c, "coupon", coupon.id, coupon.starts_at, coupon.ends_at)
    return coupon


async def get_coupon(c, coupon_id: str, *, shop_id: str | None = None, scope: Scope | None = None) -> CouponRecord:
    coupon = await c.promotions.coupon(coupon_id) if is_id(coupon_id) else None
    if coupon is None or (shop_id is not None and coupon.shop_id != shop_id) or (scope and coupon.scope is not scope):
        raise PromotionError(NOT_FOUND, 404)
    return coupon


async def set_coupon_control(c, coupon_id: str, control: Control, *, scope: Scope, shop_id: str | None) -> CouponRecord:
    """Pause, resume or stop a coupon (a shop's own, or a platform one). Uses already taken stand. A coupon whose
    window is over can only be stopped (pausing or resuming it would change nothing a shopper sees)."""
    if control is not Control.STOPPED:
        current = await get_coupon(c, coupon_id, shop_id=shop_id, scope=scope)
        if current.state(c.clock.now()) is State.ENDED:
            raise PromotionError(N_("This coupon has ended."), 409)
    changed = await c.promotions.update_coupon(coupon_id, {"control": control}, shop_id=shop_id, scope=scope)
    if changed is None:
        await get_coupon(c, coupon_id, shop_id=shop_id, scope=scope)  # 404 when not theirs
        raise PromotionError(N_("A stopped coupon cannot change any more."), 409)
    reason = {Control.PAUSED: "paused", Control.ACTIVE: "resumed", Control.STOPPED: "stopped"}[control]
    await announce(c, scope.value, reason, coupon_id=coupon_id, shop_id=changed.shop_id)
    return changed


async def coupons_of(c, *, scope: Scope, shop_id: str | None = None) -> list[CouponRecord]:
    return await c.promotions.coupons_of(scope=scope, shop_id=shop_id)


async def claim_coupon(c, coupon_id: str, user_id: str) -> WalletCoupon:
    """Into the shopper's wallet (once). Only claimable coupons that have not ended and are not used up."""
    coupon = await get_coupon(c, coupon_id)
    if not coupon.claimable or coupon.state(c.clock.now()) in (State.ENDED, State.STOPPED, State.PAUSED):
        raise PromotionError(N_("This coupon cannot be claimed."), 409)
    if await closed_shops(c, [coupon.shop_id]):
        raise PromotionError(N_("This coupon cannot be claimed."), 409)
    if coupon.left <= 0:
        raise PromotionError(N_("This coupon is all used up."), 409)
    wallet = WalletCoupon(coupon_id=coupon.id, user_id=user_id, claimed_at=c.clock.now())
    if not await c.promotions.claim(wallet):
        raise PromotionError(N_("You already have this coupon."), 409)
    return wallet


@dataclass
class MyCoupon:
    coupon: CouponRecord
    uses: int
    claimed_at: datetime


async def my_coupons(c, user_id: str) -> list[MyCoupon]:
    """The shopper's wallet; a suspended shop's coupons show as paused (they are, until it is reinstated)."""
    wallet = await c.promotions.wallet(user_id)
    found = await c.promotions.coupons_by_ids([w.coupon_id for w in wallet])
    closed = await closed_shops(c, [cp.shop_id for cp in found.values()])
    uses = await c.promotions.uses_of_many(user_id, list(found))
    return [
        MyCoupon(_as_shown(found[w.coupon_id], closed), uses.get(w.coupon_id, 0), w.claimed_at)
        for w in wallet
        if w.coupon_id in found
    ]


def _as_shown(coupon: CouponRecord, closed: set[str]) -> CouponRecord:
    if coupon.shop_id in closed and coupon.control is Control.ACTIVE:
        return replace(coupon, control=Control.PAUSED)
    return coupon


@dataclass(frozen=True)
class Refusal:
    """A chosen code the engine never sees: unknown, not claimed, used up, or used as often as allowed."""

    code: str
    reason: str  # unknown | not_claimed | used_up | limit_reached | paused | stopped


async def resolve_codes(c, codes: list[str], user_id: str | None) -> tuple[list[Coupon], list[Refusal]]:
    """The coupons a shopper chose, for the engine (in the order chosen), and what cannot be used at all."""
    wanted = list(dict.fromkeys(normalize_code(code) for code in codes if normalize_code(code)))[:10]
    found = await c.promotions.coupons_by_code(wanted)
    claimed = await c.promotions.has_claimed(user_id, [cp.id for cp in found.values()]) if user_id else set()
    closed = await closed_shops(c, [cp.shop_id for cp in found.values()])
    uses = await c.promotions.uses_of_many(user_id, [cp.id for cp in found.values()]) if user_id else {}
    usable, refused = [], []
    for code in wanted:
        coupon = found.get(code)
        reason = None
        if coupon is None:
            reason = "unknown"
        elif coupon.shop_id in closed:
            reason = "paused"  # its shop is suspended
        elif coupon.control is not Control.ACTIVE:
            reason = "stopped" if coupon.control is Control.STOPPED else "paused"
        elif coupon.claimable and coupon.id not in claimed:
            reason = "not_claimed"
        elif coupon.left <= 0:
            reason = "used_up"
        elif uses.get(coupon.id, 0) >= coupon.per_user:
            reason = "limit_reached"
        if reason:
            refused.append(Refusal(code, reason))
        else:
            usable.append(coupon.engine())
    return usable, refused


# --- the checkout's ledger (called by orders' services, which hold the checkout's lock) -----------------


async def take_use(c, coupon_id: str, user_id: str, move: str) -> bool:
    """One redemption of this coupon for this user, unless none is left or the user reached the limit."""
    coupon = await c.promotions.coupon(coupon_id)
    if coupon is None or coupon.control is not Control.ACTIVE:
        if await c.promotions.move_applied(coupon_id, move):
            return True
        await c.promotions.undo_users_take(coupon_id, user_id, move)
        return False
    return await c.promotions.take_use(coupon, user_id, move)


async def give_use_back(c, coupon_id: str, user_id: str, move: str) -> None:
    await c.promotions.give_use_back(coupon_id, user_id, move)


async def use_moved(c, coupon_id: str, move: str) -> bool:
    return await c.promotions.move_applied(coupon_id, move)


async def undo_take(c, coupon_id: str, user_id: str, move: str) -> None:
    """A take that never reached the coupon (its holder died between the two steps): the shopper's count back."""
    await c.promotions.undo_users_take(coupon_id, user_id, move)


async def forget_move(c, coupon_id: str, user_id: str, move: str) -> None:
    await c.promotions.forget_move(coupon_id, user_id, move)
