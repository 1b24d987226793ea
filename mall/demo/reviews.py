"""Demo reviews, through the same services as real use: shoppers' orders of every shop, paid, shipped (some late),
delivered and completed (one shop cancels one), then reviewed with shop ratings, some with photos, tags, follow-ups
and the shop's replies, helpful votes and one report waiting for the operators; then every shop's health score.
The shops end up different: one keeps every promise, one ships late and collects poor reviews (below the warning
line), one is too new for a score.

The orders happened over the last week: they are written through a copy of the container whose clock is set back
(demo only), so timelines, ship-by deadlines and review windows read as they would have. Only when there are no
reviews yet."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta

from mall.accounts import services as accounts
from mall.cart import services as cart
from mall.catalog import services as catalog
from mall.demo.images import snapshot_image
from mall.infra.ids import new_id
from mall.orders import services as orders
from mall.orders.models import OrderStatus
from mall.reputation.services import scoring
from mall.reviews import services as reviews

REVIEWERS = [
    ("chen@demo.mall", "陳怡君 Chen"), ("wang@demo.mall", "王大明 Wang"), ("lee@demo.mall", "李小雨 Lee"),
    ("lin@demo.mall", "林志豪 Lin"), ("huang@demo.mall", "黃美玲 Huang"), ("wu@demo.mall", "吳家豪 Wu"),
]  # fmt: skip
ADDRESS = {"name": "陳怡君 Chen", "phone": "0922-123-456", "postal_code": "40041", "region": "TXG",
           "line": "中區民族路 88 號 No. 88, Minzu Rd., Central Dist."}  # fmt: skip
ON_TIME, LATE = 20, 62  # hours from payment to shipping (ship_by_hours is 48 by default)


@dataclass(frozen=True)
class Plan:
    """One demo order: who buys which of the shop's products; how the shop ships; what the buyer says."""

    who: int
    product: int
    stars: int = 5
    text: str = ""
    tags: tuple[str, ...] = ()
    dsr: tuple[int, int, int] = (5, 5, 5)
    ship_after: int = ON_TIME
    photos: int = 0
    anonymous: bool = False
    followup: str = ""
    reply: str = ""
    cancel: bool = False


PLANS: dict[str, list[Plan]] = {
    "mountain-tea": [
        Plan(
            0,
            0,
            5,
            "茶湯金黃透亮，回甘很明顯，第二泡最好喝。Lovely honey notes.",
            ("quality", "as_described"),
            photos=2,
            followup="喝了兩週還是很喜歡，已經回購了！Reordered after two weeks.",
            reply="謝謝您的支持！下次試試我們的冬茶。Thank you — try our winter harvest next.",
        ),
        Plan(1, 1, 5, "包裝很用心，出貨超快。", ("fast_shipping", "well_packed")),
        Plan(
            2,
            2,
            4,
            "香氣不錯，但比想像中淡一點。Nice aroma, a bit lighter than I expected.",
            ("good_value",),
            dsr=(4, 5, 5),
            reply="可以多放一點茶葉、水溫高一點試試看喔！",
        ),
        Plan(3, 0, 5, "送禮很體面，長輩很喜歡。", ("well_packed",), photos=1, anonymous=True),
        Plan(4, 3, 5, "Fresh leaves, sealed well. Will buy again.", ("quality", "fast_shipping")),
        Plan(5, 1, 5, "第三次買了，品質穩定。", ("quality",), dsr=(5, 5, 4)),
        Plan(0, 4, 4, "", ("as_described",)),
        Plan(1, 2, 5, "冷泡也很好喝！Great cold-brewed too.", ("good_value",), photos=1),
    ],
    "soundlife": [
        Plan(
            0,
            0,
            5,
            "音質清楚，低音有力，降噪效果比預期好。",
            ("quality",),
            photos=1,
            reply="感謝好評！有任何問題都歡迎私訊我們。",
        ),
        Plan(2, 1, 4, "Battery lasts about 6 hours, as described.", ("as_described",), dsr=(5, 4, 4)),
        Plan(
            3,
            2,
            2,
            "左耳偶爾斷訊，客服回覆很慢。Left earbud drops out now and then.",
            (),
            dsr=(3, 2, 3),
            ship_after=LATE,
            reply="非常抱歉！已私訊您安排換貨。We are sorry — a replacement is on its way.",
            followup="換貨後正常了，客服後來處理得不錯。Fine after the exchange.",
        ),
        Plan(4, 0, 5, "CP 值很高。", ("good_value", "fast_shipping")),
        Plan(5, 3, 4, "", ("well_packed",), dsr=(4, 4, 3)),
        Plan(1, 1, 5, "送貨快，包裝完整。", ("fast_shipping", "well_packed"), anonymous=True),
        Plan(2, 2, 4, "Good value for the price.", ("good_value",)),
    ],
    "cloth-and-thread": [
        Plan(1, 0, 3, "布料舒服但尺寸偏小，建議買大一號。Runs small: size up.", (), dsr=(4, 4, 3), photos=1),
        Plan(
            2,
            1,
            1,
            "等了快一週才出貨，顏色也和照片差很多。Shipped late; colour nothing like the photo.",
            (),
            dsr=(2, 3, 2),
            ship_after=LATE,
            photos=2,
        ),
        Plan(3, 2, 3, "線頭很多，洗一次就起毛球。", (), dsr=(4, 4, 4)),
        Plan(4, 0, 4, "版型好看，質感不錯。", ("quality",), dsr=(4, 5, 4)),
        Plan(5, 1, 4, "Nice cut, but the fabric is thinner than I hoped.", (), dsr=(4, 4, 4)),
        Plan(1, 3, 4, "穿起來很舒服，會再回購。", ("quality", "good_value"), dsr=(5, 5, 4)),
        Plan(0, 2, 5, "", cancel=True),
    ],
    "bookworm": [
        Plan(
            4,
            0,
            5,
            "書況全新，書角也沒有壓傷。",
            ("well_packed", "as_described"),
            photos=1,
            reply="謝謝您！祝閱讀愉快。",
        ),
        Plan(5, 1, 5, "Arrived the next day. Lovely edition.", ("fast_shipping",)),
        Plan(0, 2, 4, "內容很實用，排版有點擠。", ("good_value",)),
    ],
    "good-living": [
        Plan(1, 0, 4, "鍋子很好用，不沾效果不錯。", ("quality",), photos=1, dsr=(4, 5, 4)),
        Plan(2, 1, 5, "Soft sheets, washed well.", ("quality", "as_described")),
        Plan(
            3,
            2,
            4,
            "尺寸剛好，顏色比照片深一點。",
            ("as_described",),
            dsr=(4, 4, 5),
            reply="謝謝回饋，我們會更新照片！",
        ),
        Plan(4, 3, 3, "普通，價格可以再便宜一點。", (), dsr=(4, 3, 4)),
        Plan(5, 0, 5, "第二個了，送給家人。", ("good_value", "well_packed"), anonymous=True),
    ],
}
REPORTED = ("cloth-and-thread", 1)  # (shop, plan index): a report waits for the operators


class ShiftedClock:
    """The real clock, set back: what the demo's past orders read as 'now'."""

    def __init__(self, at: datetime):
        self.at = at

    def now(self) -> datetime:
        return self.at


def at(c, when: datetime):
    """A copy of the container whose clock reads `when` (and whose checkouts do not expire before today)."""
    days = max(1, (c.clock.now() - when).days + 2)
    settings = c.settings.replace(checkout_expiry_minutes=c.settings.checkout_expiry_minutes + days * 24 * 60)
    return dataclasses.replace(c, clock=ShiftedClock(when), settings=settings)


async def seed_reviews(c, shops: list, people: dict) -> int:
    if await c.reviews.reviews.count_documents({}):
        return 0
    password_hash = people["shopper@demo.mall"].password_hash
    buyers = [await _reviewer(c, email, name, password_hash) for email, name in REVIEWERS]
    start = c.clock.now() - timedelta(days=6)
    written = []
    for shop in shops:
        products = await _products(c, shop)
        owner = await c.users.get(shop.owner_id)
        for n, plan in enumerate(PLANS.get(shop.slug, ())):
            when = start + timedelta(minutes=23 * n + 7 * len(written))
            review = await _order_and_review(c, shop, owner, products, buyers, plan, when)
            if review is not None:
                written.append(review)
                if (shop.slug, n) == REPORTED:
                    await reviews.report(c, user_id=buyers[5].id, review_id=review.id, reason="off_topic")
    await _awaiting_review(c, shops[-1], people["shopper@demo.mall"], start + timedelta(days=3))
    for n, review in enumerate(written):  # helpful votes from the other buyers
        for voter in buyers[: (n * 7) % 5]:
            if voter.id != review.user_id:
                await reviews.vote_helpful(c, user_id=voter.id, review_id=review.id)
    await scoring.compute_all(c)
    return len(written)


async def _reviewer(c, email: str, name: str, password_hash: str):
    user = await accounts.find_by_email(c.users, email)
    if user is None:
        user = await accounts.register(
            c.users, c.clock, email=email, password="unused-demo", name=name, roles=["shopper"],  # noqa: S106
            password_hash=password_hash,
        )  # fmt: skip
    return user


async def _products(c, shop) -> list:
    """Products of the shop that no demo campaign or flash sale uses (those are its newest three and its first)."""
    listed, _total = await catalog.merchant_products(c.products, c.attribute_sets, shop_id=shop.id, per_page=20)
    return [row.product for row in listed[3:-1]] or [row.product for row in listed]


async def _order_and_review(c, shop, owner, products, buyers, plan: Plan, when: datetime):
    buyer = buyers[plan.who]
    product = products[plan.product % len(products)]
    variant = max(product.variants, key=lambda v: v.stock)
    then = at(c, when)
    fields = orders.AddressFields(**{**ADDRESS, "name": buyer.name})
    store = c.carts.for_user(buyer.id)
    await cart.add_item(store, c.products, product_id=product.id, variant_id=variant.id, qty=1 + plan.who % 2)
    placed = await orders.place_checkout(then, user_id=buyer.id, cart=store, key=new_id(), address=fields, notes={})
    await orders.pay_in_sandbox(then, placed.checkout)
    order = next(o for o in await orders.sibling_orders(c, placed.orders[0]) + placed.orders if o.shop_id == shop.id)
    if plan.cancel:
        await orders.cancel_by_merchant(c, shop_id=shop.id, order_id=order.id, actor_id=owner.id,
                                        reason="缺貨，已全額退款 Out of stock: refunded in full")  # fmt: skip
        return None
    shipped = when + timedelta(hours=plan.ship_after)
    tracking = "TW" + order.number[-7:].replace("-", "")
    await orders.ship_order(at(c, shipped), shop_id=shop.id, order_id=order.id, actor_id=owner.id,
                            carrier="黑貓宅急便 Black Cat", tracking_number=tracking)  # fmt: skip
    await orders.mark_delivered(at(c, shipped + timedelta(hours=20)), shop_id=shop.id, order_id=order.id,
                                actor_id=owner.id)  # fmt: skip
    done = await orders.confirm_receipt(at(c, shipped + timedelta(hours=30)), user_id=buyer.id, order_id=order.id)
    if done.status is not OrderStatus.COMPLETED:
        return None
    reviewed_at = shipped + timedelta(hours=34)
    then = at(c, reviewed_at)
    photo_ids = [
        (await reviews.add_photo(then, user_id=buyer.id, name=_snapshot(c, shop, product, k))).id
        for k in range(plan.photos)
    ]
    item = reviews.LineReview(line=0, stars=plan.stars, text=plan.text, tags=plan.tags, photo_ids=photo_ids,
                              anonymous=plan.anonymous)  # fmt: skip
    posted = await reviews.post_reviews(then, user=buyer, order_id=order.id, lines=[item],
                                        shop_ratings=reviews.ShopRatings(*plan.dsr))  # fmt: skip
    review = posted.reviews[0]
    if plan.reply:
        await reviews.reply(at(c, reviewed_at + timedelta(hours=3)), shop_id=shop.id, actor_id=owner.id,
                            review_id=review.id, text=plan.reply)  # fmt: skip
    if plan.followup:
        later = min(reviewed_at + timedelta(days=2), c.clock.now() - timedelta(hours=1))
        await reviews.post_followup(at(c, later), user=buyer, review_id=review.id, text=plan.followup)
    return review


async def _awaiting_review(c, shop, shopper, when: datetime) -> None:
    """shopper@demo.mall's delivered order, waiting for her review (the review form has something to show)."""
    owner = await c.users.get(shop.owner_id)
    product = (await _products(c, shop))[-1]
    store = c.carts.for_user(shopper.id)
    variant = max(product.variants, key=lambda v: v.stock)
    await cart.add_item(store, c.products, product_id=product.id, variant_id=variant.id, qty=1)
    fields = orders.AddressFields(**{**ADDRESS, "name": shopper.name})
    placed = await orders.place_checkout(at(c, when), user_id=shopper.id, cart=store, key=new_id(), address=fields,
                                         notes={})  # fmt: skip
    await orders.pay_in_sandbox(at(c, when), placed.checkout)
    order = placed.orders[0]
    shipped = when + timedelta(hours=ON_TIME)
    await orders.ship_order(at(c, shipped), shop_id=shop.id, order_id=order.id, actor_id=owner.id,
                            carrier="7-ELEVEN 交貨便", tracking_number="F7DEMO0001")  # fmt: skip
    await orders.mark_delivered(at(c, shipped + timedelta(hours=20)), shop_id=shop.id, order_id=order.id,
                                actor_id=owner.id)  # fmt: skip


def _snapshot(c, shop, product, k: int) -> str:
    media = c.settings.var_path / "media"
    return snapshot_image(media, theme=shop.theme_color, en=product.name.get("en", ""),
                          zh=product.name.get("zh_Hant", ""), n=k)  # fmt: skip
