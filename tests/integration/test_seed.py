"""The demo seed makes the promised mall, and running it again changes nothing."""

from __future__ import annotations

from mall.accounts import services as accounts
from mall.catalog import services as catalog
from mall.catalog.models import SearchQuery
from mall.demo import seed
from mall.orders import services as orders


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
    paid = [o async for o in container.db["orders"].find({"shop_id": {"$in": list(campaign_shops)}})]
    assert len(paid) == 3 and all(o["paid_at"] for o in paid) and {o["shop_id"] for o in paid} == campaign_shops
    # after-sales cases on the demo orders (shipped and delivered first): one in each state a person should see
    cases = await container.db["aftersales_cases"].find({}).to_list(None)
    assert sorted(x["status"] for x in cases) == ["disputed", "refunded", "requested", "return_shipped"]
    running = await container.db["campaigns"].find_one({"status": "live"})
    figures = await orders.promotion_figures(container, running["_id"])
    assert (figures.orders, figures.checkouts, figures.units) == (3, 2, 4) and figures.discount > 0
    welcome = await container.db["coupons"].find_one({"code": "WELCOME50"})
    assert (await orders.promotion_figures(container, welcome["_id"])).checkouts == 1

    again: list[str] = []
    await seed(container, progress=again.append)
    assert await container.db["orders"].count_documents({}) == 4  # the three above and the decided case's
    assert await container.db["aftersales_cases"].count_documents({}) == 4
    assert await container.db["flash_sales"].count_documents({}) == 3
    assert await container.db["campaigns"].count_documents({}) == 2
    assert await container.db["products"].count_documents({}) == len(products)
    assert await container.db["shops"].count_documents({}) == len(shops)
    assert await container.db["users"].count_documents({}) == len(first["users"])

    page = await catalog.search_products(container.products, container.categories, SearchQuery(q="烏龍茶"))
    assert page.total >= 5
    response = await api.get("/api/v1/products", params={"q": "耳機"})
    names = [item["name"]["zh_Hant"] for item in response.json()["items"]]
    assert names and all("耳機" in name for name in names)
