"""Reports and the operators' queue. Anyone signed in reports a review (a reason from the list, once per
review); an operator hides it with a reason (its author is told, it leaves every average) or dismisses the
reports. Every decision is kept on the review (who, when, what, why): the audit trail."""

from __future__ import annotations

from dataclasses import dataclass

from mall.infra.ids import is_id, new_id
from mall.infra.text import N_
from mall.reviews import events
from mall.reviews.models import REPORT_REASONS, Report, ReportStatus, Review, plain_text, review_delta
from mall.reviews.services import figures
from mall.reviews.services.errors import NOT_FOUND, ReviewError
from mall.reviews.services.posting import limit

QUEUE_PAGE = 20


async def report(c, *, user_id: str, review_id: str, reason: str) -> bool:
    """True when this is the person's first report of the review (a repeat changes nothing)."""
    if reason not in REPORT_REASONS:
        raise ReviewError(N_("Choose a reason from the list."), 422, field="reason")
    review = await c.reviews.get(review_id) if is_id(review_id) else None
    if review is None or not review.visible:
        raise ReviewError(NOT_FOUND, 404)
    if review.user_id == user_id:
        raise ReviewError(N_("You cannot report your own review."), 409)
    await limit(c, "report", user_id, c.settings.report_rate_limit)
    entry = Report(
        id=new_id(), review_id=review.id, shop_id=review.shop_id, reporter_id=user_id, reason=reason,
        created_at=c.clock.now(),
    )  # fmt: skip
    if not await c.reviews.add_report(entry):
        return False
    await c.reviews.count_report(review.id)
    return True


async def hide(c, *, operator_id: str, review_id: str, reason: str) -> Review:
    """Hidden once, with a reason its author sees; out of the product's figures at the same step."""
    reason = plain_text(reason)
    if not 3 <= len(reason) <= 500:
        raise ReviewError(N_("Tell the author why, in 3 to 500 characters."), 422, field="reason")
    if not is_id(review_id) or await c.reviews.get(review_id) is None:
        raise ReviewError(NOT_FOUND, 404)
    hidden = await c.reviews.hide(review_id, at=c.clock.now(), by=operator_id, reason=reason)
    if hidden is None:
        raise ReviewError(N_("This review is hidden already."), 409)
    await figures.move_product(c, hidden.product_id, review_delta(hidden, -1))
    await c.reviews.close_reports(hidden.id, ReportStatus.UPHELD, by=operator_id, at=c.clock.now())
    await c.events.publish(events.HIDDEN, events.review_payload(hidden))
    return hidden


async def dismiss(c, *, operator_id: str, review_id: str) -> Review:
    """The reports were unfounded: closed, the review stays."""
    review = await c.reviews.get(review_id) if is_id(review_id) else None
    if review is None:
        raise ReviewError(NOT_FOUND, 404)
    closed = await c.reviews.close_reports(review.id, ReportStatus.DISMISSED, by=operator_id, at=c.clock.now())
    if not closed:
        raise ReviewError(N_("This review has no open reports."), 409)
    entry = {"at": c.clock.now(), "by": operator_id, "action": "dismiss", "reason": ""}
    await c.reviews.note_moderation(review.id, entry, reports_open=0)
    return await c.reviews.get(review.id)


@dataclass
class QueueItem:
    review: Review
    reports: list[Report]

    @property
    def reasons(self) -> list[tuple[str, int]]:
        """(reason key, how many) most reported first."""
        counts: dict[str, int] = {}
        for entry in self.reports:
            counts[entry.reason] = counts.get(entry.reason, 0) + 1
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


async def queue(c, *, page: int = 1) -> tuple[list[QueueItem], int]:
    """Visible reviews with open reports, most reported first."""
    query = {"status": "visible", "reports_open": {"$gt": 0}}
    found, total = await c.reviews.page(query, sort="reported", skip=(page - 1) * QUEUE_PAGE, limit=QUEUE_PAGE)
    reports = await c.reviews.reports_of([r.id for r in found])
    return [QueueItem(r, [x for x in reports if x.review_id == r.id]) for r in found], total
