"""Reviews meet the realtime hub (issue 12, item 9): a new review reaches its shop's people as a toast within a
second (a chime for 1-2★) and no other shop; open product pages are asked to reload their rating line; the author
hears of a reply; a shop falling below the warning line is told which component caused it."""

from __future__ import annotations

import asyncio
import json

from mall.realtime import live
from mall.reputation.services import scoring
from mall.reviews import services as reviews
from tests.integration.reviews_helpers import delivered_order, review
from tests.integration.test_realtime_hub import next_message, open_socket, session_header


async def wait_for(sock, kind: str, timeout: float = 1.0, **data) -> dict:
    """The next message of this kind (whose data has these values) within `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        message = await next_message(sock, timeout=max(0.01, deadline - loop.time()))
        if message.get("kind") == kind and all(message.get("data", {}).get(k) == v for k, v in data.items()):
            return message


async def test_a_new_low_review_reaches_its_shop_within_a_second_and_no_other(app, web, factory, container):
    shopper, owner, _product, order = await delivered_order(factory)
    other = await factory.merchant()
    await web.sign_in(owner.email)
    sock = await open_socket(app, headers=session_header(web))
    loop = asyncio.get_running_loop()
    started = loop.time()

    written = await review(container, shopper, order, stars=1, text="Arrived broken.")
    message = await wait_for(sock, "review.posted")

    assert loop.time() - started < 1.0
    assert message["channel"] == f"shop:{owner.shop_id}" and message["data"]["sound"] is True
    assert f"/live/alerts/review/{written.id}" in message["html"] and "Arrived broken." not in message["html"]
    assert "#merchant-reviews" in message["data"]["refresh"]
    assert not [m for m in await container.channels.since(f"shop:{other.shop_id}", 0)]
    toast = await web.page(f"/live/alerts/review/{written.id}")
    assert "New 1★ review" in toast.text and "Arrived broken." in toast.text and "toast-warning" in toast.text
    await sock.close()


async def test_open_product_pages_are_asked_to_reload_their_rating_line(app, factory, container):
    shopper, _owner, product, order = await delivered_order(factory)
    sock = await open_socket(app, "channels=deals")

    await review(container, shopper, order, stars=5)
    # at once, or (the sale moments ago already pushed this product's figures) when its cool-down ends
    message = await wait_for(sock, "review.figures", timeout=live.REVIEW_FIGURES_EVERY + 1.0, product_id=product.id)

    assert f"#review-summary[data-product='{product.id}']" in message["data"]["refresh"]
    assert f"#review-overview[data-product='{product.id}']" in message["data"]["refresh"]
    assert message["html"] == ""
    await sock.close()


async def test_the_author_hears_of_the_shops_reply(web, factory, container):
    shopper, owner, product, order = await delivered_order(factory)
    written = await review(container, shopper, order)
    await reviews.reply(container, shop_id=owner.shop_id, actor_id=owner.id, review_id=written.id, text="Thanks!")

    notes = await container.db["notifications"].find({"user_id": shopper.id, "kind": "review.replied"}).to_list(None)
    assert len(notes) == 1 and notes[0]["link"] == f"/p/{product.id}#review-{written.id}"
    await web.sign_in(shopper.email)
    assert "replied to your review of" in (await web.page("/notifications")).text


async def test_a_shop_below_the_warning_line_is_told_which_component_in_its_language(web, factory, container):
    from tests.integration.test_reputation import shop_with_orders

    shop, owner = await shop_with_orders(factory, 6, late=4, stars=2, ratings=4)
    await scoring.compute(container, shop.id)

    notes = await container.db["notifications"].find({"user_id": owner.id, "kind": "reputation.warning"}).to_list(None)
    assert len(notes) == 1 and notes[0]["params"]["component"] == {"msgid": "Late shipments"}
    kinds = [json.loads(raw)["kind"] for raw in await container.channels.since(f"shop:{shop.id}", 0)]
    assert "reputation.warning" in kinds
    await web.sign_in(owner.email)
    english = await web.page("/notifications")
    assert "What pulled it down most: Late shipments." in english.text
    toast = await web.page("/live/alerts/reputation")
    assert "/merchant/reputation" in toast.text and "Late shipments" in toast.text
