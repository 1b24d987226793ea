"""The review pages: the product page's summary near the price, distribution, filters, sorts and pages; helpful
and report; the buyer's forms (photos kept on an error); the merchant's list and replies; the operators' queue;
SECURITY row 8 (script in review text, tags, replies and names is shown escaped)."""

from __future__ import annotations

import re

from mall.reviews import services as reviews
from tests.integration.reviews_helpers import delivered_order, jpeg_with_location, review

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


async def test_the_product_page_shows_the_summary_distribution_and_reviews(web, factory, container):
    shopper, owner, product, order = await delivered_order(factory, qty=3)
    written = await review(container, shopper, order, stars=4, text="Smooth and floral.", tags=["quality"])
    await reviews.reply(container, shop_id=owner.shop_id, actor_id=owner.id, review_id=written.id, text="Thank you!")

    page = await web.page(f"/p/{product.id}")

    assert page.status_code == 200
    summary = re.search(r'<div id="review-summary".*?</div>', page.text, re.S).group(0)
    assert "4.0" in summary and "1 review" in summary and "3 sold" in summary
    assert 'id="review-overview"' in page.text and "Smooth and floral." in page.text
    assert "Good quality" in page.text and "Thank you!" in page.text and "Reply from" in page.text
    assert f'href="/p/{product.id}/reviews?stars=4' in page.text


async def test_filters_and_sorts_work_without_javascript_and_as_fragments(web, factory, container):
    shopper, _owner, product, order = await delivered_order(factory)
    await review(container, shopper, order, stars=2, text="Too bitter for me.")

    five = await web.page(f"/p/{product.id}/reviews?stars=5")
    two = await web.page(f"/p/{product.id}/reviews?stars=2&sort=helpful", headers={"HX-Request": "true"})
    bad = await web.page(f"/p/{product.id}/reviews?stars=9")

    assert five.status_code == 200 and "No reviews match" in five.text and "<html" in five.text
    assert two.status_code == 200 and "Too bitter for me." in two.text and "<html" not in two.text
    assert bad.status_code == 200 and "Too bitter for me." in bad.text  # a bad filter shows everything


async def test_script_in_review_text_reply_and_names_is_escaped_everywhere(web, factory, container):
    shopper, owner, product, order = await delivered_order(factory)
    await container.users.users.update_one({"_id": shopper.id}, {"$set": {"name": SCRIPT}})
    shopper = await container.users.get(shopper.id)
    written = await review(container, shopper, order, stars=1, text=SCRIPT)
    await reviews.reply(container, shop_id=owner.shop_id, actor_id=owner.id, review_id=written.id, text=SCRIPT)
    await reviews.post_followup(container, user=shopper, review_id=written.id, text=SCRIPT)

    pages = [await web.page(f"/p/{product.id}"), await web.page(f"/p/{product.id}/reviews")]
    await web.sign_in(owner.email)
    pages.append(await web.page("/merchant/reviews"))
    pages.append(await web.page(f"/live/alerts/review/{written.id}"))
    for page in pages:
        assert page.status_code == 200, page.url
        assert "<script>alert" not in page.text and "<img src=x" not in page.text
        assert "&lt;script&gt;alert(" in page.text


async def test_the_buyer_reviews_on_the_page_with_a_photo_and_an_error_loses_nothing(web, factory, container):
    shopper, _owner, product, order = await delivered_order(factory)
    await web.sign_in(shopper.email)
    form_page = await web.page(f"/orders/{order.id}/review")
    assert form_page.status_code == 200 and 'name="stars-0"' in form_page.text and 'name="described"' in form_page.text

    typed = {"stars-0": "5", "text-0": "Lovely, fresh leaves.", "tags-0": "quality", "described": "5", "service": "9",
             "shipping": "4"}  # fmt: skip
    photo = {"photos-0": ("tea.jpg", jpeg_with_location(), "image/jpeg")}
    refused = await web.form(f"/orders/{order.id}/review", typed, files=photo)

    assert refused.status_code == 422 and "Lovely, fresh leaves." in refused.text
    kept = re.search(r'name="photo_ids-0" value="([0-9a-f]{24})" checked', refused.text)
    assert kept, "the uploaded photo is kept on the re-shown form"
    assert await container.reviews.of_order(order.id) == []

    posted = await web.form(f"/orders/{order.id}/review", {**typed, "service": "4", "photo_ids-0": kept.group(1)})
    assert posted.status_code == 303
    written = (await container.reviews.of_order(order.id))[0]
    assert written.stars == 5 and written.text == "Lovely, fresh leaves." and len(written.photos) == 1
    assert (await reviews.product_figures(container, product.id)).photos == 1
    done = await web.page(f"/orders/{order.id}/review")
    assert "Your reviews" in done.text and f"/reviews/{written.id}/followup" in done.text
    status = await web.page(f"/orders/{order.id}/reviews-status")
    assert "You reviewed 1 item" in status.text


async def test_a_stranger_cannot_open_or_post_someone_elses_review_form(web, factory, container):
    _shopper, _owner, _product, order = await delivered_order(factory)
    await web.sign_in((await factory.user()).email)

    opened = await web.page(f"/orders/{order.id}/review")
    posted = await web.form(f"/orders/{order.id}/review", {"stars-0": "1", "described": "1", "service": "1",
                                                            "shipping": "1"})  # fmt: skip

    assert opened.status_code == 403 and posted.status_code == 403
    assert await container.reviews.of_order(order.id) == []


async def test_an_svg_photo_is_refused_on_the_page_too(web, factory, container):
    from tests.integration.reviews_helpers import SVG

    shopper, _owner, _product, order = await delivered_order(factory)
    await web.sign_in(shopper.email)
    await web.page(f"/orders/{order.id}/review")
    answer = await web.form(
        "/reviews/photos", {"field": "photo_ids-0"}, files={"photo": ("x.svg", SVG, "image/svg+xml")}
    )
    assert answer.status_code == 422 and "SVG" in answer.text and "<svg" not in answer.text
    good = await web.form("/reviews/photos", {"field": "photo_ids-0"}, files={"photo": ("a.jpg", jpeg_with_location(),
                                                                                          "image/jpeg")})  # fmt: skip
    assert good.status_code == 200 and 'name="photo_ids-0"' in good.text


async def test_helpful_and_report_from_the_product_page(web, factory, container):
    shopper, _owner, product, order = await delivered_order(factory)
    written = await review(container, shopper, order, stars=3)
    await web.sign_in((await factory.user()).email)
    page = await web.page(f"/p/{product.id}")
    assert (
        f'action="/reviews/{written.id}/helpful"' in page.text and f'action="/reviews/{written.id}/report"' in page.text
    )

    voted = await web.form(f"/reviews/{written.id}/helpful", headers={"HX-Request": "true"})
    again = await web.form(f"/reviews/{written.id}/helpful", headers={"HX-Request": "true"})
    reported = await web.form(f"/reviews/{written.id}/report", {"reason": "off_topic"}, headers={"HX-Request": "true"})

    assert 'aria-pressed="true"' in voted.text and '<span class="helpful-count">1</span>' in again.text
    assert "team will look at it" in reported.text
    assert (await container.reviews.get(written.id)).helpful == 1
    assert (await container.reviews.get(written.id)).reports_open == 1


async def test_the_merchant_lists_filters_and_replies_and_another_shop_gets_a_404(web, factory, container):
    shopper, owner, _product, order = await delivered_order(factory)
    written = await review(container, shopper, order, stars=2, text="Leaked in transit.")
    stranger = await factory.merchant()
    await web.sign_in(stranger.email)
    assert (await web.form(f"/merchant/reviews/{written.id}/reply", {"text": "Hi"})).status_code == 404
    assert "Leaked in transit." not in (await web.page("/merchant/reviews")).text
    assert (await web.page(f"/live/alerts/review/{written.id}")).status_code == 404
    await web.form("/logout")

    await web.sign_in(owner.email)
    listed = await web.page("/merchant/reviews?unreplied=true&stars=2")
    empty_reply = await web.form(
        f"/merchant/reviews/{written.id}/reply", {"text": "  "}, headers={"HX-Request": "true"}
    )
    replied = await web.form(f"/merchant/reviews/{written.id}/reply", {"text": "So sorry, a new one is on its way."},
                             headers={"HX-Request": "true"})  # fmt: skip
    after = await web.page("/merchant/reviews?unreplied=true")

    assert "Leaked in transit." in listed.text and empty_reply.status_code == 422
    assert replied.status_code == 200 and "So sorry, a new one is on its way." in replied.text
    assert "Leaked in transit." not in after.text
    assert (await container.reviews.get(written.id)).reply.by == owner.id


async def test_the_operator_hides_a_reported_review_and_its_author_is_told(web, factory, container):
    shopper, _owner, _product, order = await delivered_order(factory)
    written = await review(container, shopper, order, stars=1, text="Visit cheap-tea.example")
    await reviews.report(container, user_id=(await factory.user()).id, review_id=written.id, reason="spam")
    operator = await factory.operator()
    await web.sign_in(shopper.email)
    assert (await web.page("/operator/reviews")).status_code == 403
    await web.form("/logout")

    await web.sign_in(operator.email)
    queue = await web.page("/operator/reviews")
    no_reason = await web.form(f"/operator/reviews/{written.id}/hide", {"reason": ""})
    hidden = await web.form(f"/operator/reviews/{written.id}/hide", {"reason": "Advertising another site"})

    assert "Visit cheap-tea.example" in queue.text and "Spam or advertising" in queue.text
    assert no_reason.status_code == 422 and hidden.status_code == 303
    assert not (await container.reviews.get(written.id)).visible
    notes = await container.db["notifications"].find({"user_id": shopper.id, "kind": "review.hidden"}).to_list(None)
    assert len(notes) == 1 and notes[0]["link"] == f"/orders/{order.id}/review"
    await web.form("/logout")
    await web.sign_in(shopper.email)
    own = await web.page(f"/orders/{order.id}/review")
    assert "Advertising another site" in own.text
    bell = await web.page("/notifications")
    assert "was hidden by the mall" in bell.text


async def test_a_search_for_4_stars_and_up_and_the_rating_and_sales_sorts(web, factory, container):
    from tests.integration.reviews_helpers import deliver

    shop = await factory.shop()
    owner = await factory.owner_of(shop)
    good = await factory.stocked_product(shop=shop, name="Oolong Supreme", stock=50)
    meh = await factory.stocked_product(shop=shop, name="Oolong Basic", stock=50)
    for product, stars, qty in ((good, 5, 1), (meh, 3, 4)):
        buyer = await factory.user()
        placed = await factory.paid_checkout(buyer, (product, qty))
        done = await deliver(container, owner, placed.orders[0])
        await review(container, buyer, done, stars=stars)

    four_up = await web.page("/search?q=oolong&rating=4")
    by_rating = await web.page("/search?q=oolong&sort=rating")
    by_sales = await web.page("/search?q=oolong&sort=sales")

    assert "Oolong Supreme" in four_up.text and "Oolong Basic" not in four_up.text
    assert "4★ and up" in four_up.text  # the removable chip
    assert by_rating.text.index("Oolong Supreme") < by_rating.text.index("Oolong Basic")
    assert by_sales.text.index("Oolong Basic") < by_sales.text.index("Oolong Supreme")
    assert "4 sold" in by_sales.text
    assert (await web.page("/search?q=oolong&rating=9")).status_code == 400
