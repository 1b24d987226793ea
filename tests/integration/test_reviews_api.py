"""JSON API v1 for reviews (issue 12, item 11): the rules through HTTP, typed closed bodies, photos, and
SECURITY rows 1 (another shop's review: 404, nothing written), 2 (role escalation: 403), 3/7 (unknown fields
and operator objects: 422) and 11 (SVG refused, images re-encoded without their metadata)."""

from __future__ import annotations

import asyncio

from PIL import Image

from mall.reviews import services as reviews
from tests.integration.orders_helpers import bearer, paid_order
from tests.integration.reviews_helpers import SVG, deliver, delivered_order, jpeg_with_location, review

RATINGS = {"described": 5, "service": 5, "shipping": 4}


def body(stars=5, text="Great oolong.", **line):
    return {"lines": [{"line_id": 0, "stars": stars, "text": text, **line}], "shop_ratings": RATINGS}


async def test_the_buyer_reviews_through_the_api_and_the_product_shows_it(api, factory, container):
    shopper, _merchant, product, order = await delivered_order(factory, qty=2)
    headers = await bearer(container, shopper)

    posted = await api.post(f"/api/v1/orders/{order.id}/reviews", json=body(4, tags=["quality"], anonymous=True),
                            headers=headers)  # fmt: skip
    page = await api.get(f"/api/v1/products/{product.id}/reviews")

    assert posted.status_code == 201, posted.text
    assert posted.json()["shop_ratings"] == RATINGS and posted.json()["reviews"][0]["stars"] == 4
    data = page.json()
    assert data["summary"] == {"average": 4.0, "count": 1, "distribution": {"5": 0, "4": 1, "3": 0, "2": 0, "1": 0},
                               "with_photos": 0, "with_followup": 0, "sold": 2}  # fmt: skip
    item = data["items"][0]
    assert item["anonymous"] and shopper.name not in item["author"] and "***" in item["author"]
    assert item["tags"] == ["quality"] and item["variant"] == order.lines[0].options
    assert "user_id" not in item and "order_id" not in item


async def test_the_rules_answer_403_409_and_422_through_the_api(api, factory, container):
    shopper, _merchant, _product, order = await delivered_order(factory, complete=True)
    headers = await bearer(container, shopper)
    stranger = await bearer(container, await factory.user())
    unpaid_shopper, _m, _p, paid = await paid_order(factory)

    not_buyer = await api.post(f"/api/v1/orders/{order.id}/reviews", json=body(), headers=stranger)
    not_delivered = await api.post(f"/api/v1/orders/{paid.id}/reviews", json=body(),
                                   headers=await bearer(container, unpaid_shopper))  # fmt: skip
    first = await api.post(f"/api/v1/orders/{order.id}/reviews", json=body(), headers=headers)
    second = await api.post(f"/api/v1/orders/{order.id}/reviews", json={"lines": [{"line_id": 0, "stars": 1}]},
                            headers=headers)  # fmt: skip
    no_line = await api.post(f"/api/v1/orders/{order.id}/reviews", json={"lines": [{"line_id": 7, "stars": 1}]},
                             headers=headers)  # fmt: skip

    assert (not_buyer.status_code, not_delivered.status_code, first.status_code) == (403, 409, 201)
    assert (second.status_code, no_line.status_code) == (409, 422)
    late_shopper, _m, _p, late = await delivered_order(factory, complete=True)
    container.clock.advance(days=container.settings.review_window_days, seconds=1)
    closed = await api.post(
        f"/api/v1/orders/{late.id}/reviews", json=body(), headers=await bearer(container, late_shopper)
    )
    assert closed.status_code == 409 and "over" in closed.json()["error"]["message"]


async def test_closed_typed_bodies_refuse_extra_fields_and_operator_objects(api, factory, container):
    shopper, _merchant, _product, order = await delivered_order(factory)
    headers = await bearer(container, shopper)
    bad = [
        {**body(), "shop_id": "0" * 24},
        body(status="visible"),
        body(stars="5"),
        body(stars=4.5),
        body(text={"$ne": ""}),
        body(tags=["<script>alert(1)</script>"]),
        body(photo_ids=[{"$gt": ""}]),
        {"lines": [{"line_id": 0, "stars": 5}], "shop_ratings": {**RATINGS, "helpful": 99}},
        {"lines": [], "shop_ratings": RATINGS},
    ]
    for payload in bad:
        answer = await api.post(f"/api/v1/orders/{order.id}/reviews", json=payload, headers=headers)
        assert answer.status_code == 422, (payload, answer.text)
    assert await container.reviews.of_order(order.id) == []
    assert (await api.get(f"/api/v1/products/{order.lines[0].product_id}/reviews?stars[$gt]=0")).status_code == 422


async def test_follow_up_once_through_the_api(api, factory, container):
    shopper, _merchant, _product, order = await delivered_order(factory)
    written = await review(container, shopper, order)
    headers = await bearer(container, shopper)

    first = await api.post(f"/api/v1/reviews/{written.id}/followup", json={"text": "Still good."}, headers=headers)
    again = await api.post(f"/api/v1/reviews/{written.id}/followup", json={"text": "Again."}, headers=headers)
    other = await api.post(f"/api/v1/reviews/{written.id}/followup", json={"text": "Me too."},
                           headers=await bearer(container, await factory.user()))  # fmt: skip

    assert (first.status_code, again.status_code, other.status_code) == (200, 409, 403)
    assert first.json()["followup"]["text"] == "Still good."


async def test_another_shops_merchant_cannot_reply_and_nothing_is_written(api, factory, container):
    shopper, owner, _product, order = await delivered_order(factory)
    written = await review(container, shopper, order, stars=2)
    stranger = await bearer(container, await factory.merchant())

    foreign = await api.post(f"/api/v1/merchant/reviews/{written.id}/reply", json={"text": "Hi"}, headers=stranger)
    listing = await api.get("/api/v1/merchant/reviews", headers=stranger)
    mine = await api.post(f"/api/v1/merchant/reviews/{written.id}/reply", json={"text": "We are sorry."},
                          headers=await bearer(container, owner))  # fmt: skip
    twice = await api.post(f"/api/v1/merchant/reviews/{written.id}/reply", json={"text": "Again"},
                           headers=await bearer(container, owner))  # fmt: skip

    assert foreign.status_code == 404 and listing.json()["items"] == []
    assert mine.status_code == 200 and mine.json()["reply"]["text"] == "We are sorry." and twice.status_code == 409
    stored = await container.reviews.get(written.id)
    assert stored.reply.text == "We are sorry."


async def test_roles_are_checked_shopper_to_merchant_and_merchant_to_operator_is_403(api, factory, container):
    shopper, owner, _product, order = await delivered_order(factory)
    written = await review(container, shopper, order)
    as_shopper = await bearer(container, shopper)
    as_merchant = await bearer(container, owner)

    answers = [
        await api.get("/api/v1/merchant/reviews", headers=as_shopper),
        await api.post(f"/api/v1/merchant/reviews/{written.id}/reply", json={"text": "x"}, headers=as_shopper),
        await api.post(f"/api/v1/operator/reviews/{written.id}/decision", json={"action": "hide", "reason": "No"},
                       headers=as_merchant),
        await api.post("/api/v1/operator/reviews/recompute", headers=as_merchant),
    ]  # fmt: skip
    assert [a.status_code for a in answers] == [403, 403, 403, 403]
    assert (await api.post(f"/api/v1/reviews/{written.id}/helpful")).status_code == 401
    assert (await container.reviews.get(written.id)).visible


async def test_fifty_people_vote_at_once_and_a_repeat_vote_counts_once(api, factory, container):
    shopper, _merchant, _product, order = await delivered_order(factory)
    written = await review(container, shopper, order)
    voters = [await bearer(container, await factory.user()) for _ in range(50)]

    answers = await asyncio.gather(*(api.post(f"/api/v1/reviews/{written.id}/helpful", headers=h) for h in voters))
    twice = await asyncio.gather(
        *(api.post(f"/api/v1/reviews/{written.id}/helpful", headers=voters[0]) for _ in range(5))
    )
    own = await api.post(f"/api/v1/reviews/{written.id}/helpful", headers=await bearer(container, shopper))

    assert all(a.status_code == 200 for a in answers) and (await container.reviews.get(written.id)).helpful == 50
    assert [a.json()["counted"] for a in twice] == [False] * 5 and own.status_code == 409
    assert (await container.reviews.get(written.id)).helpful == 50


async def test_report_then_the_operator_hides_and_the_product_summary_forgets_it(api, factory, container):
    shopper, _merchant, product, order = await delivered_order(factory)
    written = await review(container, shopper, order, stars=1, text="Buy from my-shop.example instead")
    reporter = await bearer(container, await factory.user())
    operator = await bearer(container, await factory.operator())

    reported = await api.post(f"/api/v1/reviews/{written.id}/report", json={"reason": "spam"}, headers=reporter)
    again = await api.post(f"/api/v1/reviews/{written.id}/report", json={"reason": "spam"}, headers=reporter)
    bad_reason = await api.post(f"/api/v1/reviews/{written.id}/report", json={"reason": "meh"}, headers=reporter)
    no_reason = await api.post(f"/api/v1/operator/reviews/{written.id}/decision", json={"action": "hide"},
                               headers=operator)  # fmt: skip
    hidden = await api.post(f"/api/v1/operator/reviews/{written.id}/decision",
                            json={"action": "hide", "reason": "Advertising another shop"}, headers=operator)  # fmt: skip
    summary = (await api.get(f"/api/v1/products/{product.id}/reviews")).json()

    assert reported.json() == {"reported": True} and again.json() == {"reported": False}
    assert (bad_reason.status_code, no_reason.status_code, hidden.status_code) == (422, 422, 200)
    assert hidden.json()["status"] == "hidden" and hidden.json()["hidden_reason"] == "Advertising another shop"
    assert summary["summary"]["count"] == 0 and summary["items"] == []


async def test_photos_are_re_encoded_without_metadata_svg_is_refused_and_only_the_uploader_may_use_them(
    api, factory, container
):
    shopper, _merchant, product, order = await delivered_order(factory)
    headers = await bearer(container, shopper)
    thief = await bearer(container, await factory.user())

    svg = await api.post("/api/v1/uploads/review-photos", files={"photo": ("x.svg", SVG, "image/svg+xml")},
                         headers=headers)  # fmt: skip
    photo = await api.post("/api/v1/uploads/review-photos", files={"photo": ("me.jpg", jpeg_with_location(),
                                                                             "image/jpeg")}, headers=headers)  # fmt: skip
    stolen = await api.post("/api/v1/uploads/review-photos", files={"photo": ("a.jpg", jpeg_with_location(),
                                                                              "image/jpeg")}, headers=thief)  # fmt: skip
    with_theirs = await api.post(f"/api/v1/orders/{order.id}/reviews", json=body(photo_ids=[stolen.json()["id"]]),
                                 headers=headers)  # fmt: skip
    posted = await api.post(f"/api/v1/orders/{order.id}/reviews", json=body(photo_ids=[photo.json()["id"]]),
                            headers=headers)  # fmt: skip

    assert svg.status_code == 422 and "SVG" in svg.json()["error"]["fields"]["photo"]
    assert photo.status_code == 201 and with_theirs.status_code == 422 and posted.status_code == 201
    url = posted.json()["reviews"][0]["photos"][0]
    assert url == photo.json()["url"] and url.endswith(".webp")
    with Image.open(container.settings.var_path / "media" / url.rsplit("/", 1)[1]) as stored:
        assert stored.format == "WEBP" and not stored.getexif() and "exif" not in stored.info
    assert (await reviews.product_figures(container, product.id)).photos == 1
    served = await api.get(url)
    assert served.headers["x-content-type-options"] == "nosniff"


async def test_the_api_document_describes_the_review_operations_and_their_answers(api):
    document = (await api.get("/api/v1/openapi.json")).json()
    paths = document["paths"]
    post = paths["/api/v1/orders/{order_id}/reviews"]["post"]
    assert {"201", "403", "409", "422"} <= set(post["responses"])
    for path in ("/api/v1/products/{product_id}/reviews", "/api/v1/reviews/{review_id}/helpful",
                 "/api/v1/merchant/reviews/{review_id}/reply", "/api/v1/operator/reviews/{review_id}/decision",
                 "/api/v1/shops/{shop_id}/reputation", "/api/v1/uploads/review-photos"):  # fmt: skip
        assert path in paths, path
    text = str(paths["/api/v1/orders/{order_id}/reviews"])
    assert "exclusiveMinimum" not in text and "exclusiveMaximum" not in text


async def test_reporting_is_rate_limited_with_retry_after(api, factory, container):
    container.settings = container.settings.replace(report_rate_limit=2)
    reviewed = []
    for _ in range(3):
        shopper, _merchant, _product, order = await delivered_order(factory)
        reviewed.append(await review(container, shopper, order))
    reporter = await bearer(container, await factory.user())

    answers = [await api.post(f"/api/v1/reviews/{r.id}/report", json={"reason": "spam"}, headers=reporter)
               for r in reviewed]  # fmt: skip

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert int(answers[2].headers["retry-after"]) > 0
    assert (await container.reviews.get(reviewed[2].id)).reports_open == 0


async def test_posting_is_rate_limited(api, factory, container):
    container.settings = container.settings.replace(review_rate_limit=1)
    first_shopper = await factory.user()
    orders_ = []
    for _ in range(2):
        _s, merchant, product, _o = await delivered_order(factory)
        placed = await factory.paid_checkout(first_shopper, (product, 1))
        orders_.append(await deliver(container, merchant, placed.orders[0]))
    headers = await bearer(container, first_shopper)

    first = await api.post(f"/api/v1/orders/{orders_[0].id}/reviews", json=body(), headers=headers)
    second = await api.post(f"/api/v1/orders/{orders_[1].id}/reviews", json=body(), headers=headers)

    assert (first.status_code, second.status_code) == (201, 429) and "retry-after" in second.headers
    assert await container.reviews.of_order(orders_[1].id) == []


async def test_nobody_can_edit_or_delete_a_review_not_even_its_shop(api, factory, container):
    shopper, owner, _product, order = await delivered_order(factory)
    written = await review(container, shopper, order, stars=1, text="Broken lid.")
    as_owner = await bearer(container, owner)
    as_author = await bearer(container, shopper)

    attempts = [
        await api.delete(f"/api/v1/reviews/{written.id}", headers=as_owner),
        await api.patch(f"/api/v1/reviews/{written.id}", json={"stars": 5}, headers=as_author),
        await api.delete(f"/api/v1/merchant/reviews/{written.id}", headers=as_owner),
        await api.post(f"/api/v1/merchant/reviews/{written.id}/reply", json={"text": "ok", "stars": 5},
                       headers=as_owner),
    ]  # fmt: skip

    assert all(a.status_code in (404, 405, 422) for a in attempts), [a.status_code for a in attempts]
    stored = await container.reviews.get(written.id)
    assert (stored.stars, stored.text, stored.visible, stored.reply) == (1, "Broken lid.", True, None)
