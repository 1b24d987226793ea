"""The shop's one public reply to a review (and one to its follow-up), by the owner or staff. The shop is
always the merchant's own from the session: another shop's review is a 404 and nothing is written."""

from __future__ import annotations

from mall.infra.ids import is_id
from mall.infra.text import N_
from mall.reviews import events
from mall.reviews.models import MAX_REPLY, Reply, Review, plain_text
from mall.reviews.services.errors import NOT_FOUND, ReviewError


async def shop_review(c, *, shop_id: str, review_id: str) -> Review:
    review = await c.reviews.get(review_id, shop_id=shop_id) if is_id(review_id) else None
    if review is None:
        raise ReviewError(NOT_FOUND, 404)
    return review


async def reply(c, *, shop_id: str, actor_id: str, review_id: str, text: str, followup: bool = False) -> Review:
    review = await shop_review(c, shop_id=shop_id, review_id=review_id)
    body = plain_text(text)
    if not body:
        raise ReviewError(N_("Write your reply first."), 422, field="text")
    if len(body) > MAX_REPLY:
        raise ReviewError(N_("Keep the reply to 500 characters."), 422, field="text")
    if followup and review.followup is None:
        raise ReviewError(N_("There is no follow-up to answer yet."), 409)
    answered = await c.reviews.set_reply(
        review.id, shop_id, Reply(text=body, at=c.clock.now(), by=actor_id), followup=followup
    )
    if answered is None:
        raise ReviewError(N_("The shop has already replied to this."), 409)
    await c.events.publish(events.REPLIED, events.review_payload(answered, followup=followup))
    return answered
