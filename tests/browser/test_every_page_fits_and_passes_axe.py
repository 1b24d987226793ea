"""Every public page and every console page of the demo mall, in Chromium, as each kind of person sees it:
on a phone (390 px) no page is wider than the screen, and axe-core finds no serious or critical violation on a
phone or on a laptop (1366 px). One browser context per person, one tab reused for all of their pages.

Set MALL_SHOT_ALL=1 to keep a screenshot of every page at both sizes (in MALL_SCREENSHOTS) for a look."""

from __future__ import annotations

import os

import pytest
import pytest_asyncio
from axe_playwright_python.base import AXE_FILE_PATH

from mall.demo import seed
from tests.browser.conftest import shot, sign_in

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
BLOCKING = {"serious", "critical"}
# moderate in axe's own scale, but named by the outside review (issue 11): a skipped heading level, two
# landmarks of one kind with the same name
ALSO_BLOCKING = {"heading-order", "landmark-unique"}
SHOT_ALL = os.environ.get("MALL_SHOT_ALL") == "1"

# what sticks out past the right edge, leaving out what a scrolling row (a carousel) keeps inside itself
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const kept = (el) => {  // inside a scroller; an absolute box escapes the scrollers below its containing block
    const position = getComputedStyle(el).position;
    let up = position === "absolute" || position === "fixed" ? el.offsetParent : el.parentElement;
    for (; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 1 && !kept(el)) {
      const cls = typeof el.className === "string" && el.className.trim() ? "." + el.className.trim().split(/\\s+/).join(".") : "";
      out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + cls + " “" + (el.textContent || "").trim().slice(0, 20) + "” (right " + Math.round(box.right) + ")");
    }
  }
  return out.slice(0, 6);
}"""

# axe leaves unnamed search landmarks alone; a screen reader lists them by name, so each needs its own
SEARCH_NAMES = """() => [...document.querySelectorAll("[role=search], search")].map(el =>
  el.getAttribute("aria-label") || (el.getAttribute("aria-labelledby") || "").split(" ")
    .map(id => (document.getElementById(id) || {}).textContent || "").join(" ").trim())"""

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 4).map(n => n.target.join(" ") + " — " + (n.failureSummary || "").split("\\n").slice(1, 2).join(""))}));
}"""


@pytest_asyncio.fixture
async def demo(container, app):
    """The demo mall, with the ids of the pages that need one."""
    made = await seed(container, progress=lambda _line: None)
    db = container.db
    shops = {s.slug: s for s in made["shops"]}
    clothes = shops["cloth-and-thread"]  # merchant3: paid orders, a featured flash sale waiting for approval
    product = await db["products"].find_one({"shop_id": shops["soundlife"].id, "variants.1": {"$exists": True}})
    running = await db["flash_sales"].find_one({"shop_id": shops["mountain-tea"].id})
    waiting = await db["flash_sales"].find_one({"shop_id": clothes.id})
    order = await db["orders"].find_one({"shop_id": clothes.id})
    payment = await db["payments"].find_one({"checkout_id": order["checkout_id"]})
    campaign = await db["campaigns"].find_one({"status": "live"})
    coupon = await db["coupons"].find_one({"code": "WELCOME50"})
    own_product = await db["products"].find_one({"shop_id": clothes.id})
    category = await db["categories"].find_one({"slug": "tea"})
    shopper = await db["users"].find_one({"email": "shopper@demo.mall"})
    to_review = await db["orders"].find_one({"user_id": shopper["_id"], "status": "delivered"})
    own_case = await db["aftersales_cases"].find_one({"user_id": shopper["_id"]})
    shop_case = await db["aftersales_cases"].find_one({"shop_id": clothes.id})
    dispute = await db["aftersales_cases"].find_one({"status": "disputed"})
    return {
        "guest": [
            "/",
            "/categories",
            "/c/tea",
            "/search?q=" + "茶",
            "/search?q=tea&min_price=-100",
            f"/p/{product['_id']}",
            "/shops",
            "/shops/mountain-tea",
            "/compare",
            "/deals",
            f"/flash/{running['_id']}",
            f"/campaigns/{campaign['_id']}",
            "/cart",
            "/login",
            "/signup",
        ],
        "shopper": [
            "/orders",
            f"/orders/{order['_id']}",
            f"/checkouts/{order['checkout_id']}",
            f"/pay/sandbox/{payment['_id']}",
            "/account/addresses",
            "/account/addresses/new",
            "/account/coupons",
            "/notifications",
            "/apply",
            "/invites",
            f"/orders/{to_review['_id']}/review",
            f"/orders/{to_review['_id']}/after-sales/new",
            "/account/after-sales",
            f"/account/after-sales/{own_case['_id']}",
        ],
        "merchant": [
            "/merchant",
            "/merchant/products",
            "/merchant/products/new",
            f"/merchant/products/{own_product['_id']}/edit",
            "/merchant/attributes",
            "/merchant/orders",
            f"/merchant/orders/{order['_id']}",
            f"/merchant/orders/{order['_id']}/packing-slip",
            "/merchant/shipping",
            "/merchant/shop",
            "/merchant/staff",
            "/merchant/flash-sales",
            "/merchant/flash-sales/new",
            f"/merchant/flash-sales/{waiting['_id']}",
            "/merchant/promotions",
            "/merchant/promotions/limited/new",
            "/merchant/promotions/threshold/new",
            "/merchant/promotions/coupons/new",
            "/merchant/promotions/funding",
            "/merchant/campaigns",
            f"/merchant/campaigns/{campaign['_id']}",
            "/merchant/reviews",
            "/merchant/reputation",
            "/merchant/after-sales",
            f"/merchant/after-sales/{shop_case['_id']}",
        ],
        "marketer": [
            "/marketing",
            "/marketing/flash-sales",
            "/marketing/flash-sales/new",
            f"/marketing/flash-sales/{waiting['_id']}",
            "/marketing/campaigns",
            "/marketing/campaigns/new",
            f"/marketing/campaigns/{campaign['_id']}",
            "/marketing/coupons",
            "/marketing/coupons/new",
            f"/marketing/coupons/{coupon['_id']}",
        ],
        "operator": [
            "/operator",
            "/operator/applications",
            "/operator/shops",
            f"/operator/shops/{clothes.id}",
            "/operator/categories",
            f"/operator/categories/{category['_id']}/edit",
            "/operator/orders",
            f"/operator/orders/{order['_id']}",
            "/operator/flash-sales",
            f"/operator/flash-sales/{waiting['_id']}",
            "/operator/campaign-entries",
            "/operator/reviews",
            "/operator/disputes",
            f"/operator/disputes/{dispute['_id']}",
        ],
    }


PEOPLE = {
    "guest": None,
    "shopper": "shopper@demo.mall",
    "merchant": "merchant3@demo.mall",
    "marketer": "marketer@demo.mall",
    "operator": "operator@demo.mall",
}


async def audit(tab, path: str, name: str) -> list[str]:
    """What is wrong with one page: wider than a phone, or axe's serious and critical findings at either size."""
    problems: list[str] = []
    await tab.set_viewport_size(PHONE)
    response = await tab.goto(path)
    assert response is not None and (response.ok or "min_price=-100" in path), f"{path}: {response and response.status}"
    await tab.wait_for_load_state("load")
    width = await tab.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        problems.append(f"390 px {path}: the page is {width} px wide: {await tab.evaluate(OVERFLOWING)}")
    names = await tab.evaluate(SEARCH_NAMES)
    if "" in names or len(set(names)) < len(names):
        problems.append(f"{path}: search landmarks need a name each, and different ones: {names}")
    for size, label in ((PHONE, "390 px"), (LAPTOP, "1366 px")):
        await tab.set_viewport_size(size)
        if SHOT_ALL:
            await shot(tab, f"all-{name}-{label.split()[0]}")
        for v in await tab.evaluate(AXE_RUN):
            if v["impact"] in BLOCKING or v["id"] in ALSO_BLOCKING:
                problems.append(f"{label} {path}: {v['id']} ({v['impact']}) {v['help']}: {v['targets']}")
    return problems


@pytest.mark.parametrize("person", list(PEOPLE))
async def test_every_page_fits_a_phone_and_axe_finds_nothing_serious(browser, app, demo, person):
    # reduced motion: axe reads colours, and a toast caught halfway through its fade-in is not what anyone reads
    context = await browser.new_context(base_url=app.ctx.base_url, viewport=PHONE, reduced_motion="reduce")
    context.set_default_timeout(15_000)
    await context.add_init_script(path=str(AXE_FILE_PATH))
    tab = await context.new_page()
    try:
        if PEOPLE[person]:
            await sign_in(tab, PEOPLE[person], "demo1234")
        problems: list[str] = []
        for index, path in enumerate(demo[person]):
            problems += await audit(tab, path, f"{person}-{index:02d}")
        assert not problems, "\n".join(problems)
    finally:
        await context.close()
