"""The one refusal of the reviews domain: `message` is user-facing (translated where shown)."""

from __future__ import annotations

from mall.infra.text import N_
from mall.reviews.models import Refusal


class ReviewError(Exception):
    """`status`: 403 not yours, 404 unknown, 409 not now / already done, 422 bad input (`field` at fault),
    429 too many (`retry_after` seconds)."""

    def __init__(self, message: str, status: int = 409, field: str | None = None, retry_after: int = 0):
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field
        self.retry_after = retry_after


REFUSALS: dict[Refusal, tuple[str, int]] = {
    Refusal.NOT_BUYER: (N_("Only the buyer of this order can review it."), 403),
    Refusal.NO_SUCH_LINE: (N_("This order has no such item."), 422),
    Refusal.NOT_DELIVERED: (N_("You can review an order once it has been delivered."), 409),
    Refusal.ALREADY_REVIEWED: (N_("You have already reviewed this item."), 409),
    Refusal.WINDOW_CLOSED: (N_("The time to review this order is over."), 409),
}
FOLLOWUP_REFUSALS: dict[Refusal, tuple[str, int]] = {
    Refusal.NOT_BUYER: (N_("Only the author of a review can add to it."), 403),
    Refusal.ALREADY_REVIEWED: (N_("You have already added a follow-up to this review."), 409),
    Refusal.WINDOW_CLOSED: (N_("The time to add a follow-up to this review is over."), 409),
}


def refusal(reason: Refusal, table=REFUSALS) -> ReviewError:
    message, status = table[reason]
    return ReviewError(message, status)


NOT_FOUND = N_("No such review.")
