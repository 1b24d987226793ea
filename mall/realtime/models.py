"""Channels and who may join them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mall.accounts.models import Role, User
from mall.infra.text import N_

CHANNEL_RE = re.compile(r"^(deals|ops|marketing|shop:[0-9a-f]{24}|user:[0-9a-f]{24})$")
PERSISTED_PREFIXES = ("shop:", "user:", "ops")  # what a user must not miss is kept for resync
# "marketing" (marketers: live figures of every shop's flash sales) only nudges pages to refresh: not kept.


def persisted(channel: str) -> bool:
    return channel.startswith(PERSISTED_PREFIXES)


def allowed_channels(user: User | None) -> set[str]:
    """Every channel this session may join."""
    channels = {"deals"}
    if user is None:
        return channels
    channels.add(f"user:{user.id}")
    if user.shop_id:
        channels.add(f"shop:{user.shop_id}")
    if user.has_role(Role.OPERATOR):
        channels.add("ops")
    if user.has_role(Role.MARKETER):
        channels.add("marketing")
    return channels


def may_join(user: User | None, channel: str) -> bool:
    return bool(CHANNEL_RE.match(channel)) and channel in allowed_channels(user)


@dataclass(frozen=True)
class Envelope:
    """What travels on a channel: kind, server-rendered HTML and a little data."""

    channel: str
    seq: int
    kind: str
    html: str
    data: dict


# What each kept notification says; translated and filled in when shown.
NOTE_KINDS = {
    "order.paid": N_("Payment received for your order %(number)s."),
    "order.shipped": N_("Your order %(number)s has shipped."),
    "order.delivered": N_("Your order %(number)s was delivered."),
    "order.completed": N_("Your order %(number)s is complete. Thank you!"),
    "order.cancelled": N_("Your order %(number)s was cancelled."),
    "order.expired": N_("Your order %(number)s expired before it was paid."),
    "shop.approved": N_("Your shop %(shop)s is approved. Welcome aboard!"),
    "shop.rejected": N_("Your application for %(shop)s was not approved. See why."),
    "flash.reminder": N_("The flash sale you asked about has started: %(product)s"),
    "review.replied": N_("%(shop)s replied to your review of %(product)s."),
    "review.hidden": N_("Your review of %(product)s was hidden by the mall. See why."),
    "reputation.warning": N_("Your shop's health score fell to %(score)s. What pulled it down most: %(component)s."),
    "aftersales.answered": N_("The shop answered your after-sales request %(number)s."),
    "aftersales.decided": N_("The platform decided on your after-sales request %(number)s."),
    "aftersales.refunded": N_("Your refund for after-sales request %(number)s is on its way."),
    "settlement.statement_issued": N_("Your statement %(number)s is ready."),
    "settlement.payout_paid": N_("The payout of statement %(number)s was paid."),
    "settlement.payout_failed": N_("The payout of statement %(number)s failed: it is back in your balance."),
}


@dataclass
class Notification:
    id: str
    user_id: str
    kind: str
    params: dict  # filled into NOTE_KINDS[kind]
    link: str  # a local path
    created_at: object
    read_at: object = None

    @classmethod
    def from_doc(cls, doc: dict) -> Notification:
        return cls(
            id=doc["_id"],
            user_id=doc["user_id"],
            kind=doc["kind"],
            params=doc.get("params", {}),
            link=doc.get("link", "/"),
            created_at=doc["created_at"],
            read_at=doc.get("read_at"),
        )
