"""Timed transitions: a campaign goes live and ends, a shop promotion or coupon starts and ends, each
exactly once whatever runs it (the job at its second, the minutely sweep, several workers): one
conditional write decides who moves it, and only that one announces it."""

from __future__ import annotations

from datetime import datetime, timedelta

from mall.promotions.records import CampaignStatus
from mall.promotions.services.common import announce, enqueue, log
from mall.shops import events as shop_events

ANNOUNCE_JOB = "promo_announce"
CAMPAIGN_JOB = "promo_campaign_step"
CLAIM_LEASE = timedelta(seconds=60)  # a claim still counting after this was interrupted: the sweep finishes it


async def schedule_announcements(c, what: str, item_id: str, starts_at: datetime, ends_at: datetime) -> None:
    """Announce the start and the end at their seconds (the start now, when it already passed)."""
    for edge, when in (("start", starts_at), ("end", ends_at)):
        if when > c.clock.now():
            key = f"promo-{what}-{edge}:{item_id}:{int(when.timestamp())}"
            await enqueue(c, ANNOUNCE_JOB, when, key, what=what, item_id=item_id, edge=edge)
        elif edge == "start":
            await announce_edge(c, what, item_id, edge)


async def announce_edge(c, what: str, item_id: str, edge: str) -> bool:
    """A shop promotion's (or coupon's) start or end second passed: tell open pages, once."""
    item = await (c.promotions.promotion(item_id) if what == "promotion" else c.promotions.coupon(item_id))
    if item is None:
        return False
    when = item.starts_at if edge == "start" else item.ends_at
    if c.clock.now() < when or not await c.promotions.mark_once(what, item_id, f"{edge}_announced_at", c.clock.now()):
        return False
    scope = "shop" if item.shop_id else "platform"
    await announce(c, scope, "started" if edge == "start" else "ended", shop_id=item.shop_id, **{f"{what}_id": item_id})
    return True


async def schedule_campaign(c, campaign) -> None:
    v = f"{campaign.id}:{campaign.version}"
    await enqueue(c, CAMPAIGN_JOB, campaign.starts_at, f"promo-campaign-start:{v}", campaign_id=campaign.id)
    await enqueue(c, CAMPAIGN_JOB, campaign.ends_at, f"promo-campaign-end:{v}", campaign_id=campaign.id)


async def step_campaign(c, campaign_id: str) -> str | None:
    """Whatever is due now: a scheduled campaign whose start passed goes live; a live or paused one whose
    end passed ends. -> "started" / "ended" for the one caller that moved it, None otherwise."""
    campaign = await c.promotions.campaign(campaign_id)
    now = c.clock.now()
    if campaign is None:
        return None
    if campaign.status == CampaignStatus.SCHEDULED and now >= campaign.starts_at and now < campaign.ends_at:
        moved = await c.promotions.move_campaign(
            campaign_id, only_from=(CampaignStatus.SCHEDULED,), changes={"status": CampaignStatus.LIVE}
        )
        if moved is not None:
            await announce(c, "platform", "started", campaign_id=campaign_id)
            return "started"
    live = (CampaignStatus.SCHEDULED, CampaignStatus.LIVE, CampaignStatus.PAUSED)
    if campaign.status in live and now >= campaign.ends_at:
        moved = await c.promotions.move_campaign(campaign_id, only_from=live, changes={"status": CampaignStatus.ENDED})
        if moved is not None:
            await announce(c, "platform", "ended", campaign_id=campaign_id)
            return "ended"
    return None


async def sweep(c) -> int:
    """The minutely safety net behind the jobs: every campaign and announcement that is due, and the wallet
    claims a crash left uncounted."""
    moved = 0
    for campaign in await c.promotions.campaigns_in(
        (CampaignStatus.SCHEDULED, CampaignStatus.LIVE, CampaignStatus.PAUSED)
    ):
        try:
            moved += bool(await step_campaign(c, campaign.id))
        except Exception:
            log.exception("campaign %s: sweep step failed", campaign.id)
    for what, item_id, edge in await c.promotions.due_announcements(c.clock.now()):
        try:
            moved += await announce_edge(c, what, item_id, edge)
        except Exception:
            log.exception("%s %s: announcing its %s failed", what, item_id, edge)
    return moved + await c.promotions.finish_claims(c.clock.now() - CLAIM_LEASE)


def install(c) -> None:
    """A shop suspended or reinstated: its promotions stop or come back at once (every read asks the shops
    domain, see common.closed_shops); open pages showing its prices reload them."""

    async def shop_changed(name: str, payload: dict) -> None:
        reason = "paused" if name == shop_events.SHOP_SUSPENDED else "resumed"
        await announce(c, "shop", reason, shop_id=payload["shop_id"])

    c.events.subscribe(shop_events.SHOP_SUSPENDED, shop_changed)
    c.events.subscribe(shop_events.SHOP_REINSTATED, shop_changed)
