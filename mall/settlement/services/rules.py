"""Commission rules: the platform default, per category, per shop; each effective from a date (midnight in the
platform's time zone). Only rules that have not taken effect may change: what was earned keeps its rate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from mall.catalog import services as catalog
from mall.infra.ids import is_id, new_id
from mall.settlement.earnings import BP
from mall.settlement.models import CommissionRule, RuleScope, rate_for
from mall.shops import services as shops


class RuleRefused(Exception):
    """field -> a code the page words: rate_range, past_date, unknown_category, unknown_shop, target_needed."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class RuleDraft:
    scope: RuleScope
    target_id: str | None
    rate_bp: int
    effective_from: date


def local_midnight(c, day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(c.settings.timezone))


def today(c) -> date:
    return c.clock.now().astimezone(ZoneInfo(c.settings.timezone)).date()


async def list_rules(c) -> list[CommissionRule]:
    return await c.commission_rules.all()


async def put_rules(c, drafts: list[RuleDraft], *, actor_id: str) -> list[CommissionRule]:
    """Set each rule (a new one, or the rate of the same scope, target and date replaced): all or nothing.

    Refused (RuleRefused, nothing written): a rate outside 0..10,000 bp, a date before today (earnings already made
    keep their rate), a category or shop that does not exist, a target on the default or none on the others."""
    errors: dict[str, str] = {}
    for n, draft in enumerate(drafts):
        errors.update({f"rules.{n}.{k}": v for k, v in (await _check(c, draft)).items()})
    if errors:
        raise RuleRefused(errors)
    saved = []
    for draft in drafts:
        rule = CommissionRule(
            id=new_id(),
            scope=draft.scope,
            target_id=draft.target_id if draft.scope is not RuleScope.DEFAULT else None,
            rate_bp=draft.rate_bp,
            effective_from=local_midnight(c, draft.effective_from),
            created_at=c.clock.now(),
            created_by=actor_id,
        )
        saved.append(await c.commission_rules.put(rule))
    return saved


async def _check(c, draft: RuleDraft) -> dict[str, str]:
    errors = {}
    if not 0 <= draft.rate_bp <= BP:
        errors["rate_bp"] = "rate_range"
    if draft.effective_from < today(c):
        errors["effective_from"] = "past_date"
    if draft.scope is RuleScope.DEFAULT:
        if draft.target_id:
            errors["target_id"] = "no_target"
    elif not draft.target_id or not is_id(draft.target_id):
        errors["target_id"] = "target_needed"
    elif draft.scope is RuleScope.CATEGORY and await catalog.get_category(c.categories, draft.target_id) is None:
        errors["target_id"] = "unknown_category"
    elif draft.scope is RuleScope.SHOP and await shops.get_shop(c.shops, draft.target_id) is None:
        errors["target_id"] = "unknown_shop"
    return errors


async def withdraw_rule(c, rule_id: str) -> bool:
    """Remove a rule that has not taken effect yet; False otherwise."""
    return is_id(rule_id) and await c.commission_rules.delete(rule_id, c.clock.now())


async def rates_for_order(c, order) -> tuple[list[int], int]:
    """The commission rate of each of the order's lines and of its shipping, as in effect when it was paid."""
    rules = await c.commission_rules.all()
    at = order.paid_at or order.created_at
    products = await catalog.products_by_ids(c.products, [line.product_id for line in order.lines], include_hidden=True)
    category_of = {p.id: p.category_id for p in products}
    every = await catalog.list_categories(c.categories) if any(category_of.values()) else []

    def rate(category_id: str | None) -> int:
        trail = [cat.id for cat in catalog.trail(every, category_id)] if category_id else []
        return rate_for(
            rules, shop_id=order.shop_id, category_trail=trail, at=at, default_bp=c.settings.commission_default_bp
        )

    lines = [rate(category_of.get(line.product_id)) for line in order.lines]
    shipping = 0 if c.settings.shipping_commission_free else rate(None)
    return lines, shipping
