"""The finance pages and API as people use them: a merchant's balance and statements (only its own: another shop's
statement is a 404 on the page, the API and the CSV), CSV cells neutralised, the operators' summary, approvals,
commission rules (operators only) and the ledger check."""

import re
from datetime import timedelta

from mall.settlement import services as settlement
from mall.web.i18n import money
from tests.factories import PASSWORD
from tests.integration.orders_helpers import bearer
from tests.integration.settlement_helpers import buy, complete, settle_day


async def _settled_shop(container, factory, *, name="Oolong 烏龍茶", price=45000):
    """A shop with one completed order settled into an issued statement: (shop, owner, statement)."""
    shop = await factory.shop()
    product = await factory.stocked_product(shop=shop, price=price, stock=5, name=name)
    (order,) = await buy(factory, await factory.user(), (product, 1))
    await complete(container, order)
    (statement,) = await settle_day(container, days=7)
    return shop, await factory.owner_of(shop), statement


def _m(container, minor):
    return money(minor, container.settings.currency)


async def test_the_merchant_sees_its_balance_and_statements(web, container, factory):
    _shop, owner, statement = await _settled_shop(container, factory)
    await web.sign_in(owner.email, PASSWORD)
    page = await web.page("/merchant/finance")
    assert page.status_code == 200
    assert statement.number in page.text and _m(container, 48750) in page.text
    assert 'data-balance="available"' in page.text and "Awaiting approval" in page.text
    one = await web.page(f"/merchant/finance/statements/{statement.id}")
    assert one.status_code == 200 and "Oolong" in one.text and "/merchant/orders/" in one.text


async def test_another_shops_statement_is_not_found_anywhere(web, api, container, factory):
    _shop, _owner, statement = await _settled_shop(container, factory)
    other = await factory.merchant()
    await web.sign_in(other.email, PASSWORD)
    for path in (f"/merchant/finance/statements/{statement.id}", f"/merchant/finance/statements/{statement.id}.csv"):
        assert (await web.get(path)).status_code == 404
    headers = await bearer(container, other)
    for path in (
        f"/api/v1/merchant/finance/statements/{statement.id}",
        f"/api/v1/merchant/finance/statements/{statement.id}.csv",
    ):
        assert (await api.get(path, headers=headers)).status_code == 404
    listed = (await api.get("/api/v1/merchant/finance/statements", headers=headers)).json()
    assert (
        listed["total"] == 0
        and (await api.get("/api/v1/merchant/finance/balance", headers=headers)).json()["pending"] == 0
    )


async def test_shop_staff_and_shoppers_do_not_see_finance(web, api, container, factory):
    shop, _owner, _statement = await _settled_shop(container, factory)
    staff = await factory.merchant(shop=shop, role="staff")
    await web.sign_in(staff.email, PASSWORD)
    assert (await web.get("/merchant/finance")).status_code == 403
    shopper = await factory.user()
    assert (
        await api.get("/api/v1/merchant/finance/balance", headers=await bearer(container, shopper))
    ).status_code == 403


async def test_a_statement_csv_neutralises_formulas(web, container, factory):
    _shop, owner, statement = await _settled_shop(container, factory, name='=HYPERLINK("http://evil")')
    await web.sign_in(owner.email, PASSWORD)
    response = await web.get(f"/merchant/finance/statements/{statement.id}.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert re.match(r'attachment; filename="S\d{8}-[0-9A-F]{6}\.csv"', response.headers["content-disposition"])
    text = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text and '"=HYPERLINK' not in text
    assert ",487.50," not in text and "427.50" in text  # 450 − 22.50 commission, in dollars


async def test_the_merchant_api(api, container, factory):
    _shop, owner, statement = await _settled_shop(container, factory)
    headers = await bearer(container, owner)
    balance = (await api.get("/api/v1/merchant/finance/balance", headers=headers)).json()
    assert balance == {"currency": "TWD", "pending": 0, "available": 48750, "held": 0, "in_transit": 0, "paid_out": 0}
    listed = (await api.get("/api/v1/merchant/finance/statements", headers=headers)).json()
    assert [s["id"] for s in listed["items"]] == [statement.id] and listed["items"][0]["payable"] == 48750
    one = (await api.get(f"/api/v1/merchant/finance/statements/{statement.id}", headers=headers)).json()
    assert [(line["kind"], line["line_id"], line["merchant"]) for line in one["lines"]] == [
        ("sale", 0, 42750), ("shipping", None, 6000),
    ]  # fmt: skip
    assert (await api.get("/api/v1/merchant/finance/statements?page=0", headers=headers)).status_code == 422
    assert (await api.get("/api/v1/merchant/finance/statements/nope", headers=headers)).status_code == 404


async def test_operators_approve_and_the_payout_is_paid(web, api, container, factory):
    _shop, _owner, statement = await _settled_shop(container, factory)
    operator = await factory.operator()
    await web.sign_in(operator.email, PASSWORD)
    page = await web.page("/operator/finance")
    assert page.status_code == 200 and statement.number in page.text and _m(container, 48750) in page.text
    approved = await web.form(f"/operator/finance/statements/{statement.id}/approve")
    assert approved.status_code == 302
    payout = await settlement.payout_for(container, statement.id)
    assert payout.status == "sent" and payout.amount == 48750
    await settlement.sandbox_report(container, payout.id)
    summary = (await api.get("/api/v1/operator/finance/summary", headers=await bearer(container, operator))).json()
    assert (summary["gmv"], summary["commission"], summary["paid_out"], summary["owed"]) == (51000, 2250, 48750, 0)
    assert summary["take_rate_bp"] == 441  # 2250 / 51000
    again = await api.post(
        f"/api/v1/operator/finance/statements/{statement.id}/approve", headers=await bearer(container, operator)
    )
    assert again.status_code == 200 and again.json()["payout"]["id"] == payout.id
    csv = await web.get("/operator/finance.csv")
    assert csv.status_code == 200 and "GMV,510\r\n" in csv.content.decode("utf-8-sig")


async def test_only_operators_touch_commission_rules(api, container, factory):
    operator, merchant = await factory.operator(), await factory.merchant()
    today = settlement.today(container)
    body = {"rules": [{"scope": "default", "rate_bp": 600, "effective_from": today.isoformat()}]}
    assert (
        await api.put("/api/v1/operator/finance/commission-rules", json=body, headers=await bearer(container, merchant))
    ).status_code == 403
    put = await api.put(
        "/api/v1/operator/finance/commission-rules", json=body, headers=await bearer(container, operator)
    )
    assert put.status_code == 200 and [(r["scope"], r["rate_bp"]) for r in put.json()["rules"]] == [("default", 600)]
    headers = await bearer(container, operator)
    for bad, field in (
        ({"rules": [{**body["rules"][0], "rate_bp": 10_001}]}, "rules.0.rate_bp"),
        (
            {"rules": [{**body["rules"][0], "effective_from": (today - timedelta(days=1)).isoformat()}]},
            "rules.0.effective_from",
        ),
        ({"rules": [{**body["rules"][0], "effective_from": "2026-02-30"}]}, "rules.0.effective_from"),
        ({"rules": [{**body["rules"][0], "scope": "shop", "target_id": "a" * 24}]}, "rules.0.target_id"),
        ({"rules": [{**body["rules"][0], "shop_id": "x"}]}, "rules.0.shop_id"),
    ):
        answer = await api.put("/api/v1/operator/finance/commission-rules", json=bad, headers=headers)
        assert answer.status_code == 422 and field in answer.json()["error"]["fields"], (bad, answer.text)


async def test_a_rule_typed_on_the_page_is_checked_and_saved(web, container, factory):
    operator = await factory.operator()
    shop = await factory.shop()
    await web.sign_in(operator.email, PASSWORD)
    await web.page("/operator/finance/commission")
    bad = await web.form(
        "/operator/finance/commission",
        {"scope": "shop", "shop_id": "", "rate": "5.255", "effective_from": "2020-01-01"},
    )
    assert (
        bad.status_code == 422
        and "at most two decimals" in bad.text
        and "Choose one." in bad.text
        and 'value="5.255"' in bad.text
    )
    day = settlement.today(container).isoformat()
    good = await web.form(
        "/operator/finance/commission", {"scope": "shop", "shop_id": shop.id, "rate": "8", "effective_from": day}
    )
    assert good.status_code == 302
    page = await web.page("/operator/finance/commission")
    assert "8.00%" in page.text and shop.name in page.text


async def test_the_ledger_check_in_the_app(web, api, container, factory):
    await _settled_shop(container, factory)
    operator = await factory.operator()
    answer = (await api.get("/api/v1/operator/finance/ledger/check", headers=await bearer(container, operator))).json()
    assert answer["balanced"] is True and answer["problems"] == [] and answer["entries"] == 2
    assert sum(answer["accounts"].values()) == 0 and answer["accounts"]["platform:commission"] == -2250
    await web.sign_in(operator.email, PASSWORD)
    fragment = await web.get("/operator/finance/check", headers={"HX-Request": "true"})
    assert 'data-ledger="balanced"' in fragment.text


async def test_the_finance_api_is_described(api):
    spec = (await api.get("/api/v1/openapi.json")).json()
    paths = spec["paths"]
    for path, method in (
        ("/api/v1/merchant/finance/balance", "get"), ("/api/v1/merchant/finance/statements", "get"),
        ("/api/v1/merchant/finance/statements/{statement_id}", "get"), ("/api/v1/operator/finance/summary", "get"),
        ("/api/v1/operator/finance/statements/{statement_id}/approve", "post"),
        ("/api/v1/operator/finance/commission-rules", "put"), ("/api/v1/operator/finance/ledger/check", "get"),
        ("/api/v1/payouts/webhook/sandbox", "post"),
    ):  # fmt: skip
        assert "200" in paths[path][method]["responses"], path
    one = paths["/api/v1/merchant/finance/statements/{statement_id}"]["get"]["responses"]
    assert set(one["200"]["content"]) == {"application/json", "text/csv"}
    assert {"401", "403", "404", "422"} <= set(one)  # every refusal it gives is declared, with its body
    assert {"401", "403", "404", "409"} <= set(
        paths["/api/v1/operator/finance/statements/{statement_id}/approve"]["post"]["responses"]
    )
