"""The repair (`python -m mall reviews recompute` and the operators' action): it finds drift, repairs it, and a
second run reports zero drift; in embedded mode the command says plainly it cannot reach the server's data and
where to run it instead."""

from __future__ import annotations

from mall.cli import EMBEDDED_REVIEWS, main, reviews_recompute
from mall.reviews import services as reviews
from tests.integration.orders_helpers import bearer
from tests.integration.reviews_helpers import delivered_order, review


async def broken_figures(factory, container):
    """A product whose kept figures and searchable copy drifted (as after a crash between two writes)."""
    shopper, _owner, product, order = await delivered_order(factory, qty=2)
    await review(container, shopper, order, stars=4)
    await container.reviews.figures.update_one({"_id": product.id}, {"$inc": {"count": 3, "sold": -1}})
    await container.reviews.days.delete_many({})
    await container.db["products"].update_one({"_id": product.id}, {"$set": {"rating_avg": 1.0}})
    return product


async def test_recompute_reports_the_drift_repairs_it_and_then_finds_none(factory, container):
    product = await broken_figures(factory, container)

    code, text = await reviews_recompute(container, fix=True)
    again, text_again = await reviews_recompute(container, fix=True)

    assert code == 1 and "drift: " in text and f"product {product.id}" in text and "dsr shop:" in text
    assert again == 0 and "drift: 0" in text_again
    figures = await reviews.product_figures(container, product.id)
    stored = await container.products.get(product.id)
    assert (figures.count, figures.sold, stored.rating_avg, stored.sold) == (1, 2, 4.0, 2)


async def test_a_dry_run_changes_nothing(factory, container):
    product = await broken_figures(factory, container)
    code, _text = await reviews_recompute(container, fix=False)
    assert code == 1 and (await reviews.product_figures(container, product.id)).count == 4


async def test_the_operators_run_it_in_the_app(api, web, factory, container):
    await broken_figures(factory, container)
    operator = await factory.operator()

    first = await api.post("/api/v1/operator/reviews/recompute", headers=await bearer(container, operator))
    second = await api.post("/api/v1/operator/reviews/recompute", headers=await bearer(container, operator))
    await web.sign_in(operator.email)
    await web.page("/operator/reviews")
    page = await web.form("/operator/reviews/recompute")

    assert first.status_code == 200 and first.json()["drift"] == 2 and first.json()["repaired"]
    assert second.json()["drift"] == 0 and not second.json()["repaired"]
    assert "No drift" in page.text


def test_in_embedded_mode_the_command_says_where_to_run_it(monkeypatch, capsys):
    monkeypatch.delenv("MALL_MONGO_URL", raising=False)
    monkeypatch.setenv("MALL_MONGO_URL", "")

    assert main(["reviews", "recompute"]) == 2
    err = capsys.readouterr().err
    assert (
        err.strip() == EMBEDDED_REVIEWS and "/operator/reviews" in err and "/api/v1/operator/reviews/recompute" in err
    )
