"""Repair where the data is: operators run a sale's reconcile inside the running app (console and API), since
an embedded mall's data lives only in its server process, out of reach of `python -m mall flash reconcile`."""

from __future__ import annotations

from mall.cli import main
from tests.integration.flash_helpers import make_sale, reserve
from tests.integration.orders_helpers import bearer


async def test_an_operator_rebuilds_a_sale_redis_lost_through_the_api(api, container, factory):
    sale = await make_sale(container, factory, quantity=5, limit=3)
    await reserve(container, sale, "u1", 2)
    await container.redis.flushdb()  # Redis lost the sale (and the hold with it)
    operator = await bearer(container, await factory.operator())
    path = f"/api/v1/operator/flash-sales/{sale.id}/reconcile"

    checked = await api.post(path, json={}, headers=operator)

    assert checked.status_code == 200, checked.text
    body = checked.json()
    assert (body["allocated"], body["remaining"], body["held"], body["sold"], body["drift"]) == (5, 5, 0, 0, 0)
    assert body["rebuilt"] is True and body["sale_id"] == sale.id
    again = (await api.post(path, json={"rebuild": True}, headers=operator)).json()
    assert again["rebuilt"] is True and again["remaining"] == 5
    assert (await api.post(path, json={}, headers=await bearer(container, await factory.user()))).status_code == 403
    assert (await api.post(path, json={"rebuild": "yes"}, headers=operator)).status_code == 422
    assert (await api.post(path, json={"force": True}, headers=operator)).status_code == 422
    missing = await api.post(f"/api/v1/operator/flash-sales/{'0' * 24}/reconcile", json={}, headers=operator)
    assert missing.status_code == 404


async def test_an_operator_finds_a_running_sale_and_checks_its_units_in_the_console(web, container, factory):
    sale = await make_sale(container, factory, quantity=5, limit=3)
    await reserve(container, sale, "u1", 2)
    operator = await factory.operator()
    await web.sign_in(operator.email, "password123")

    listing = await web.page("/operator/flash-sales")
    assert f'href="/operator/flash-sales/{sale.id}"' in listing.text and "On sale now and coming up" in listing.text
    page = await web.page(f"/operator/flash-sales/{sale.id}")
    assert page.status_code == 200 and "Check units" in page.text
    assert f"/operator/flash-sales/{sale.id}/edit" not in page.text  # operators look and repair; they do not edit

    checked = await web.form(f"/operator/flash-sales/{sale.id}/reconcile")
    assert checked.status_code == 303 and checked.headers["location"] == f"/operator/flash-sales/{sale.id}"
    shown = await web.page(checked.headers["location"])
    assert "Every unit adds up." in shown.text and "5 allocated = 3 remaining + 2 held + 0 sold" in shown.text

    await container.flash_store.drop(sale.id)  # Redis lost the sale (the sessions survived)
    rebuilt = await web.page((await web.form(f"/operator/flash-sales/{sale.id}/reconcile")).headers["location"])
    assert "Redis had lost this sale: it was rebuilt from the orders." in rebuilt.text
    assert (await web.form(f"/operator/flash-sales/{sale.id}/reconcile", {"drop": "1"})).status_code == 303
    assert "does not accept the field" in (await web.page(f"/operator/flash-sales/{sale.id}")).text


async def test_a_merchant_cannot_reach_the_units_check(web, container, factory):
    sale = await make_sale(container, factory, quantity=5)
    merchant = await factory.merchant()
    await web.sign_in(merchant.email)
    assert (await web.page(f"/operator/flash-sales/{sale.id}")).status_code == 403
    assert (await web.form(f"/operator/flash-sales/{sale.id}/reconcile")).status_code == 403


def test_the_command_says_plainly_that_it_cannot_reach_an_embedded_mall(capsys, monkeypatch):
    monkeypatch.delenv("MALL_MONGO_URL", raising=False)
    sale_id = "0123456789abcdef01234567"
    assert main(["flash", "reconcile", sale_id]) == 2
    said = capsys.readouterr().err
    assert "cannot reach it" in said and "No such flash sale" not in said
    assert f"/operator/flash-sales/{sale_id}" in said and f"/api/v1/operator/flash-sales/{sale_id}/reconcile" in said
