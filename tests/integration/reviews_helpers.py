"""Shared steps for the reviews tests: orders taken through the real lifecycle to delivered or completed."""

from __future__ import annotations

from mall.orders import services as orders
from mall.reviews import services as reviews
from tests.integration.orders_helpers import paid_order

RATINGS = reviews.ShopRatings(described=5, service=4, shipping=3)


async def deliver(c, merchant, order, *, complete: bool = False):
    """Ship and deliver a paid order as its merchant; `complete`: the shopper confirms receipt too."""
    await orders.ship_order(
        c, shop_id=merchant.shop_id, order_id=order.id, actor_id=merchant.id, carrier="Post", tracking_number="RR123"
    )
    done = await orders.mark_delivered(c, shop_id=merchant.shop_id, order_id=order.id, actor_id=merchant.id)
    if complete:
        done = await orders.confirm_receipt(c, user_id=order.user_id, order_id=order.id)
    return done


async def delivered_order(factory, *, complete: bool = False, qty: int = 1, price: int = 45000, stock: int = 5):
    """(shopper, merchant, product, order): one delivered (or completed) order of a fresh shop."""
    shopper, merchant, product, order = await paid_order(factory, price=price, stock=stock, qty=qty)
    return shopper, merchant, product, await deliver(factory.c, merchant, order, complete=complete)


async def review(c, shopper, order, *, stars: int = 5, line: int = 0, text: str = "Lovely tea.", ratings=RATINGS,
                 **kw):  # fmt: skip
    """Post one line's review (with the shop ratings unless ratings=None); returns the Review."""
    posted = await reviews.post_reviews(
        c, user=shopper, order_id=order.id, lines=[reviews.LineReview(line=line, stars=stars, text=text, **kw)],
        shop_ratings=ratings,
    )  # fmt: skip
    return posted.reviews[0]


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'


def jpeg_with_location(size=(64, 48), colour=(180, 90, 40)) -> bytes:
    """A JPEG whose EXIF says where it was taken (what a re-encoded upload must not keep)."""
    import io

    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (25.0, 2.0, 0.0)}  # GPS info
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()
