""" "Helpful" votes: one per person per review (a unique key), counted with `$inc` once it is in."""

from __future__ import annotations

from mall.infra.ids import is_id
from mall.infra.text import N_
from mall.reviews.services.errors import NOT_FOUND, ReviewError


async def vote_helpful(c, *, user_id: str, review_id: str) -> tuple[int, bool]:
    """(the review's helpful count now, whether this vote was new). A second vote by the same person is a no-op."""
    review = await c.reviews.get(review_id) if is_id(review_id) else None
    if review is None or not review.visible:
        raise ReviewError(NOT_FOUND, 404)
    if review.user_id == user_id:
        raise ReviewError(N_("You cannot vote for your own review."), 409)
    new = await c.reviews.add_vote(review.id, user_id, c.clock.now())
    if new:
        await c.reviews.count_helpful(review.id, 1)
    return (await c.reviews.get(review.id)).helpful, new


async def voted(c, *, user_id: str | None, review_ids: list[str]) -> set[str]:
    if not user_id or not review_ids:
        return set()
    return await c.reviews.voted(user_id, review_ids)
