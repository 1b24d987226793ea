"""What the flash-sale use cases share: the refusal type, move ids, jobs and events."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from mall.flash_sales.events import sale_payload
from mall.flash_sales.models import FlashSale
from mall.infra.text import N_

log = logging.getLogger("mall.flash_sales")
LEASE = timedelta(seconds=60)  # an ALLOCATING / EDITING step older than this was abandoned: the sweep repairs it
SETTLE_GRACE = timedelta(seconds=5)


class FlashSaleError(Exception):
    """A refused flash-sale action; `message` is user-facing (translated when shown)."""

    def __init__(self, message: str, status: int = 409, params: dict | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.params = params or {}  # filled into the translated message


NO_SUCH_SALE = N_("No such flash sale.")


def move_id(sale_id: str, what: str) -> str:
    """The id of one stock move of a sale (the product records it, so it applies once)."""
    return f"flash:{sale_id}:{what}"


def settle_at(c, sale: FlashSale) -> datetime:
    """When the last hold taken before the end has expired: then the unsold units go home."""
    return sale.ends_at + timedelta(seconds=c.settings.flash_hold_seconds) + SETTLE_GRACE


async def enqueue(c, function: str, when: datetime, key: str, **kwargs) -> None:
    """A timed step (deduplicated by key). Losing it is survivable: the minutely sweep does every step too."""
    try:
        await c.queue.enqueue(function, key=key, scheduled=int(when.timestamp()), retries=3, **kwargs)
    except Exception:
        log.exception("could not schedule %s (%s)", function, key)


async def schedule_steps(c, sale: FlashSale) -> None:
    """Open at the start, announce the end, and settle once the last hold expired (per version of the sale)."""
    v = f"{sale.id}:{sale.version}"
    await enqueue(c, "flash_open_sale", sale.starts_at, f"flash-open:{v}", sale_id=sale.id)
    await enqueue(c, "flash_close_sale", sale.ends_at, f"flash-close:{v}", sale_id=sale.id)
    await enqueue(c, "flash_end_sale", settle_at(c, sale), f"flash-end:{v}", sale_id=sale.id)


async def announce(c, name: str, sale: FlashSale, **extra) -> None:
    await c.events.publish(name, {**sale_payload(sale), **extra})
