"""Joint platform campaigns (聯合促銷): marketers define theme, banner, window, rule and funding split;
merchants enter products; operators approve entries. Every status change is one conditional update
and is announced once, so prices on open pages follow it."""

from __future__ import annotations

from datetime import datetime

from mall.catalog import services as catalog
from mall.infra.ids import is_id, new_id
from mall.infra.text import N_
from mall.promotions.records import CampaignEntry, CampaignRecord, CampaignStatus, EntryStatus, State
from mall.promotions.services.common import PromotionError, announce, check_percent, check_tiers, check_window
from mall.promotions.services.lifecycle import schedule_campaign, step_campaign
from mall.reputation.services import standing

NOT_FOUND = N_("No such campaign.")
S = CampaignStatus
OPEN_FOR_ENTRIES = (S.DRAFT, S.SCHEDULED, S.LIVE, S.PAUSED)
EDITABLE = (
    "name",
    "theme",
    "starts_at",
    "ends_at",
    "tiers",
    "percent_off",
    "platform_share_percent",
    "banner",
    "min_health_score",
)


def _check(c, campaign: CampaignRecord) -> CampaignRecord:
    campaign.name, campaign.theme = (campaign.name or "").strip(), (campaign.theme or "").strip()
    if not 1 <= len(campaign.name) <= 60:
        raise PromotionError(N_("Give it a name of up to 60 characters."), field="name")
    if len(campaign.theme) > 300:
        raise PromotionError(N_("Keep the theme under 300 characters."), field="theme")
    if bool(campaign.tiers) == (campaign.percent_off is not None):
        raise PromotionError(N_("Give spend tiers or a percentage off, not both."), field="tiers")
    if campaign.tiers:
        campaign.tiers = check_tiers(campaign.tiers)
    else:
        check_percent(campaign.percent_off, "percent_off")
    share = campaign.platform_share_percent
    if type(share) is not int or not 0 <= share <= 100:
        raise PromotionError(N_("The platform funds 0 to 100 percent."), field="platform_share_percent")
    minimum = campaign.min_health_score
    if minimum is not None and (type(minimum) is not int or not 0 <= minimum <= 100):
        raise PromotionError(N_("A minimum health score is 0 to 100 (or none)."), field="min_health_score")
    campaign.starts_at, campaign.ends_at = check_window(c, campaign.starts_at, campaign.ends_at)
    campaign.engine(())
    return campaign


async def create_campaign(
    c,
    *,
    actor_id: str,
    name: str,
    theme: str,
    starts_at: datetime,
    ends_at: datetime,
    platform_share_percent: int,
    tiers: list[dict] = (),
    percent_off: int | None = None,
    banner: str | None = None,
    min_health_score: int | None = None,
) -> CampaignRecord:
    """A draft: merchants may enter products at once; it runs once scheduled (or launched)."""
    campaign = CampaignRecord(
        id=new_id(), name=name, theme=theme, starts_at=starts_at, ends_at=ends_at,
        platform_share_percent=platform_share_percent, created_by=actor_id, created_at=c.clock.now(),
        tiers=list(tiers), percent_off=percent_off, banner=banner, min_health_score=min_health_score,
    )  # fmt: skip
    await c.promotions.add_campaign(_check(c, campaign))
    await announce(c, "platform", "drafted", campaign_id=campaign.id)
    return campaign


async def get_campaign(c, campaign_id: str) -> CampaignRecord:
    found = await c.promotions.campaign(campaign_id) if is_id(campaign_id) else None
    if found is None:
        raise PromotionError(NOT_FOUND, 404)
    return found


async def update_campaign(c, campaign_id: str, changes: dict) -> CampaignRecord:
    """Before it runs only (draft or scheduled)."""
    current = await get_campaign(c, campaign_id)
    if current.status not in (S.DRAFT, S.SCHEDULED):
        raise PromotionError(N_("Only a campaign that has not started can be changed."), 409)
    changes = {k: v for k, v in changes.items() if k in EDITABLE}
    target = _check(c, CampaignRecord(**{**current.__dict__, **changes}))
    fields = {k: getattr(target, k) for k in changes} | {"version": current.version + 1}
    moved = await c.promotions.move_campaign(
        campaign_id, only_from=(S.DRAFT, S.SCHEDULED), changes=fields, version=current.version
    )
    if moved is None:
        raise PromotionError(N_("The campaign changed meanwhile. Reload and try again."), 409)
    if moved.status == S.SCHEDULED:
        await schedule_campaign(c, moved)
    await announce(c, "platform", "changed", campaign_id=campaign_id)
    return moved


async def schedule(c, campaign_id: str) -> CampaignRecord:
    """Draft -> scheduled: it goes live by itself at its start (and ends at its end)."""
    current = await get_campaign(c, campaign_id)
    _check(c, current)
    moved = await c.promotions.move_campaign(campaign_id, only_from=(S.DRAFT,), changes={"status": S.SCHEDULED})
    if moved is None:
        raise PromotionError(N_("Only a draft can be scheduled."), 409)
    await schedule_campaign(c, moved)
    await step_campaign(c, campaign_id)  # already due: live now (and announced as started)
    now_it = await get_campaign(c, campaign_id)
    if now_it.status == S.SCHEDULED:
        await announce(c, "platform", "scheduled", campaign_id=campaign_id)
    return now_it


async def launch_now(c, campaign_id: str) -> CampaignRecord:
    """Start it now instead of at its start time."""
    current = await get_campaign(c, campaign_id)
    if current.status not in (S.DRAFT, S.SCHEDULED):
        raise PromotionError(N_("Only a campaign that has not started can be launched."), 409)
    changes = {"starts_at": c.clock.now(), "status": S.SCHEDULED, "version": current.version + 1}
    moved = await c.promotions.move_campaign(campaign_id, only_from=(S.DRAFT, S.SCHEDULED), changes=changes)
    if moved is None:
        raise PromotionError(N_("The campaign changed meanwhile. Reload and try again."), 409)
    await schedule_campaign(c, moved)
    await step_campaign(c, campaign_id)
    return await get_campaign(c, campaign_id)


async def pause(c, campaign_id: str) -> CampaignRecord:
    return await _flip(c, campaign_id, (S.LIVE,), S.PAUSED, "paused", N_("Only a live campaign can be paused."))


async def resume(c, campaign_id: str) -> CampaignRecord:
    return await _flip(c, campaign_id, (S.PAUSED,), S.LIVE, "resumed", N_("Only a paused campaign can be resumed."))


async def stop(c, campaign_id: str) -> CampaignRecord:
    """For good: it stops discounting now (already placed orders keep their prices)."""
    return await _flip(c, campaign_id, (S.DRAFT, S.SCHEDULED, S.LIVE, S.PAUSED), S.STOPPED, "stopped",
                       N_("This campaign is already over."))  # fmt: skip


async def _flip(c, campaign_id: str, only_from, to: CampaignStatus, reason: str, refusal: str) -> CampaignRecord:
    await get_campaign(c, campaign_id)
    await step_campaign(c, campaign_id)  # its end may have passed: then it is over, not paused
    moved = await c.promotions.move_campaign(campaign_id, only_from=only_from, changes={"status": to})
    if moved is None:
        raise PromotionError(refusal, 409)
    await announce(c, "platform", reason, campaign_id=campaign_id)
    return moved


async def campaigns(c, *, statuses=None) -> list[CampaignRecord]:
    if statuses is None:
        return await c.promotions.all_campaigns()
    return await c.promotions.campaigns_in(statuses)


# --- entries: merchants put products in, operators approve ----------------------------------------------


async def enter_products(c, *, shop_id: str, campaign_id: str, product_ids: list[str]) -> list[CampaignEntry]:
    """The shop's products into the campaign, each pending an operator's approval (again after a refusal)."""
    campaign = await get_campaign(c, campaign_id)
    if campaign.status not in OPEN_FOR_ENTRIES or c.clock.now() >= campaign.ends_at:
        raise PromotionError(N_("This campaign is over."), 409)
    too_low = await standing.refusal_for_minimum(c, shop_id, campaign.min_health_score)
    if too_low is not None:
        raise PromotionError(too_low[0], 409, params=too_low[1])
    products = await catalog.products_by_ids(c.products, product_ids, include_hidden=True)
    if not product_ids or len(products) != len(set(product_ids)) or any(p.shop_id != shop_id for p in products):
        raise PromotionError(N_("Choose products of your own shop."), field="product_ids")
    entered = []
    for product in products:
        entry = CampaignEntry(
            id=f"{campaign.id}:{product.id}", campaign_id=campaign.id, shop_id=shop_id, product_id=product.id,
            status=EntryStatus.PENDING, created_at=c.clock.now(),
        )  # fmt: skip
        if await c.promotions.put_entry(entry):
            entered.append(entry)
    if entered:
        await announce(c, "platform", "entered", campaign_id=campaign.id, shop_id=shop_id,
                       product_ids=[e.product_id for e in entered])  # fmt: skip
    return entered


async def withdraw_entry(c, *, shop_id: str, entry_id: str) -> CampaignEntry:
    moved = await c.promotions.decide_entry(
        entry_id, only_from=(EntryStatus.PENDING, EntryStatus.APPROVED), changes={"status": EntryStatus.WITHDRAWN},
        shop_id=shop_id,
    )  # fmt: skip
    if moved is None:
        raise PromotionError(N_("No such entry."), 404)
    await announce(c, "platform", "entries", campaign_id=moved.campaign_id, product_ids=[moved.product_id])
    return moved


async def decide_entry(c, *, operator_id: str, entry_id: str, approve: bool, reason: str = "") -> CampaignEntry:
    if not approve and not 3 <= len(reason.strip()) <= 500:
        raise PromotionError(N_("Tell the shop why, in 3 to 500 characters."), field="reason")
    current = await c.promotions.entry(entry_id)
    campaign = await c.promotions.campaign(current.campaign_id) if current else None
    if campaign is not None and campaign.state(c.clock.now()) in (State.ENDED, State.STOPPED):
        raise PromotionError(N_("This campaign is over."), 409)
    status = EntryStatus.APPROVED if approve else EntryStatus.REJECTED
    changes = {"status": status, "decided_by": operator_id, "reason": "" if approve else reason.strip()}
    moved = await c.promotions.decide_entry(entry_id, only_from=(EntryStatus.PENDING,), changes=changes)
    if moved is None:
        raise PromotionError(N_("This entry is not waiting for a decision."), 409)
    await announce(c, "platform", "entries", campaign_id=moved.campaign_id, product_ids=[moved.product_id])
    return moved


async def entries(c, *, campaign_id: str | None = None, shop_id: str | None = None, status=None):
    return await c.promotions.entries_of(campaign_id=campaign_id, shop_id=shop_id, status=status)


async def campaign_products(c, campaign_id: str):
    """The products shoppers find in the campaign: approved entries, listed products only."""
    approved = await c.promotions.entries_of(campaign_id=campaign_id, status=EntryStatus.APPROVED)
    return await catalog.products_by_ids(c.products, [e.product_id for e in approved])
