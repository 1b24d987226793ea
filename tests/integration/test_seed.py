"""The demo seed makes the promised mall, and running it again changes nothing."""

from __future__ import annotations

from mall.accounts import services as accounts
from mall.catalog import services as catalog
from mall.catalog.models import SearchQuery
from mall.demo import seed
from mall.orders import services as orders
from mall.reviews import services as reviews
from mall.settlement import services as settlement


async def test_seed_builds_the_demo_mall_and_is_idempotent(container, app, api):
    lines: list[str] = []
    first = await seed(container, progress=lines.append)
    assert any("shop 5/5" in line for line in lines)

    shops = await container.db["shops"].find({}).to_list(None)
    assert sum(s["status"] == "approved" for s in shops) >= 5
    assert sum(s["status"] == "pending" for s in shops) == 1
    products = await container.db["products"].find({}).to_list(None)
    assert len(products) >= 60
    assert all(p["name"].get("en") and p["name"].get("zh_Hant") for p in products)
    assert all(p["images"] for p in products)
    media = container.settings.var_path / "media"
    assert all((media / name).exists() for p in products for name in p["images"])
    schemas = {
        tuple(sorted(d["key"] for d in s["defs"])) for s in await container.db["attribute_sets"].find({}).to_list(None)
    }
    assert len(schemas) == 5  # every shop its own attribute schema
    sets = await container.db["attribute_sets"].find({}).to_list(None)
    labels = [d.get("labels") or {} for s in sets for d in s["defs"]]
    assert labels and all(set(each) == {"en", "zh_Hant"} for each in labels)  # 產地 in Chinese, Origin in English

    for email in (
        "operator@demo.mall",
        "marketer@demo.mall",
        "shopper@demo.mall",
        "shopper2@demo.mall",
        *(f"merchant{i}@demo.mall" for i in range(1, 6)),
    ):
        assert await accounts.authenticate(container.users, email=email, password="demo1234"), email

    sales = await container.db["flash_sales"].find({}).to_list(None)
    assert sorted(s["status"] for s in sales) == ["pending_approval", "scheduled", "scheduled"]
    listed = (await api.get("/api/v1/flash-sales")).json()["items"]
    assert sorted(s["status"] for s in listed) == ["running", "upcoming"]
    assert all(0 < s["remaining"] == s["quantity"] for s in listed)

    live = (await api.get("/api/v1/promotions")).json()["items"]
    assert sorted((i["kind"], i["state"]) for i in live) == [
        ("campaign", "live"), ("campaign", "scheduled"), ("platform_coupon", "live")
    ]  # fmt: skip

    # two shoppers paid for the running campaign's products (one with WELCOME50): its dashboard has figures
    campaign_shops = {first["shops"][2].id, first["shops"][3].id}
    running = await container.db["campaigns"].find_one({"status": "live"})
    paid = [o async for o in container.db["orders"].find({"lines.allocations.promotion_id": running["_id"]})]
    assert len(paid) == 3 and all(o["paid_at"] for o in paid) and {o["shop_id"] for o in paid} == campaign_shops
    # after-sales cases on the demo orders (shipped and delivered first): one in each state a person should see
    cases = await container.db["aftersales_cases"].find({}).to_list(None)
    assert sorted(x["status"] for x in cases) == ["disputed", "refunded", "requested", "return_shipped"]
    figures = await orders.promotion_figures(container, running["_id"])
    assert (figures.orders, figures.checkouts, figures.units) == (3, 2, 4) and figures.discount > 0
    welcome = await container.db["coupons"].find_one({"code": "WELCOME50"})
    assert (await orders.promotion_figures(container, welcome["_id"])).checkouts == 1
    # TWD is paid in whole dollars: no demo order, line or checkout has cents (NT$406.93 could not be paid)
    checkouts = [c async for c in container.db["checkouts"].find({})]
    amounts = [o["total"] for o in paid] + [c["total"] for c in checkouts]
    amounts += [line[key] for o in paid for line in o["lines"] for key in ("unit_price", "discount")]
    assert amounts and all(amount % 100 == 0 for amount in amounts)

    # weeks of finance history: the first two shops' completed orders settled into statements, paid out but one
    statements, total = await settlement.statements_page(container, per_page=50)
    assert total == 8 and {s.shop_id for s, _p in statements} == {first["shops"][0].id, first["shops"][1].id}
    paid_out = [p for _s, p in statements if p is not None and p.status == "paid"]
    waiting, _moving = await settlement.queue(container)
    assert len(paid_out) == 7 and [s.shop_id for s in waiting] == [first["shops"][1].id]
    assert (await settlement.shop_balance(container, first["shops"][0].id)).paid_out == sum(
        p.amount for s, p in statements if p and s.shop_id == first["shops"][0].id
    )
    assert (await settlement.check_ledger(container)).balanced

    orders_made = await container.db["orders"].count_documents({})
    users_made = await container.db["users"].count_documents({})
    again: list[str] = []
    await seed(container, progress=again.append)
    assert await container.db["orders"].count_documents({}) == orders_made
    assert await container.db["reviews"].count_documents({}) == await demo_reviews(container)
    assert await container.db["aftersales_cases"].count_documents({}) == 4
    assert (await settlement.statements_page(container, per_page=50))[1] == 8
    assert await container.db["flash_sales"].count_documents({}) == 3
    assert await container.db["campaigns"].count_documents({}) == 2
    assert await container.db["products"].count_documents({}) == len(products)
    assert await container.db["shops"].count_documents({}) == len(shops)
    assert await container.db["users"].count_documents({}) == users_made

    page = await catalog.search_products(container.products, container.categories, SearchQuery(q="烏龍茶"))
    assert page.total >= 5
    response = await api.get("/api/v1/products", params={"q": "耳機"})
    names = [item["name"]["zh_Hant"] for item in response.json()["items"]]
    assert names and all("耳機" in name for name in names)


async def demo_reviews(container) -> int:
    """The demo's reviews (issue 12): photos, replies, follow-ups, a report; shops of different health."""
    found = await container.db["reviews"].find({}).to_list(None)
    assert len(found) >= 20
    assert sum(bool(r["photos"]) for r in found) >= 5 and sum(bool(r.get("reply")) for r in found) >= 5
    assert sum(bool(r.get("followup")) for r in found) >= 2 and sum(r["reports_open"] for r in found) == 1
    health = {h["_id"]: h async for h in container.db["shop_health"].find({})}
    shops = {s["slug"]: s["_id"] async for s in container.db["shops"].find({"status": "approved"})}
    assert health[shops["bookworm"]]["score"] is None  # too new for a score
    assert health[shops["mountain-tea"]]["score"] >= 90
    assert health[shops["cloth-and-thread"]]["score"] < container.settings.health_warning_score
    shopper = await accounts.find_by_email(container.users, "shopper@demo.mall")
    waiting = await container.db["orders"].find_one({"user_id": shopper.id, "status": "delivered"})
    assert waiting and await container.reviews.of_order(waiting["_id"]) == []  # her review form has a line to show
    report = await reviews.recompute(container, fix=False)
    assert report.drift == [], report.lines()  # written through the services: every kept figure is exact
    return len(found)
