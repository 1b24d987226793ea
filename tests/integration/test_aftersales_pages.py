"""After-sales pages as people use them: the shopper requests from the order page (with a photo), the shop answers
from its console, the operator decides; bad input comes back explained with nothing lost."""

from __future__ import annotations

import io

from PIL import Image

from mall.aftersales import services as aftersales
from mall.aftersales.models import Status
from tests.integration.aftersales_helpers import refunded_amount, request, two_line_order


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


async def test_the_shopper_requests_a_return_with_a_photo_from_the_order_page(web, factory, container):
    w = await two_line_order(factory, delivered=True)
    await web.sign_in(w.shopper.email)
    order_page = await web.page(f"/orders/{w.order.id}")
    assert f'hx-get="/orders/{w.order.id}/after-sales"' in order_page.text
    region = await web.page(f"/orders/{w.order.id}/after-sales")
    assert f"/orders/{w.order.id}/after-sales/new?line=1" in region.text
    form = await web.page(f"/orders/{w.order.id}/after-sales/new?line=0")
    assert 'name="amount"' in form.text and "no_reason" in form.text

    bad = await web.form(f"/orders/{w.order.id}/after-sales",
                         {"line_id": "0", "kind": "return_and_refund", "reason": "damaged", "qty": "1",
                          "amount": "99999", "note": "Cracked <b>lid</b>"},
                         files={"photos": ("lid.png", png(), "image/png")})  # fmt: skip
    assert bad.status_code == 422
    assert "Enter an amount from 1 up to what you paid" in bad.text
    assert "Cracked &lt;b&gt;lid&lt;/b&gt;" in bad.text  # kept, escaped
    kept = bad.text.count('name="photo_ids"')
    assert kept == 1  # the photo uploaded with the failed form is kept

    photo_id = bad.text.split('name="photo_ids" value="')[1].split('"')[0]
    ok = await web.form(f"/orders/{w.order.id}/after-sales",
                        {"line_id": "0", "kind": "return_and_refund", "reason": "damaged", "qty": "1",
                         "amount": "300", "note": "Cracked <b>lid</b>", "photo_ids": photo_id})  # fmt: skip
    assert ok.status_code == 303
    case_url = ok.headers["location"]
    page = await web.page(case_url)
    assert "Waiting for the shop" in page.text and f"/media/{photo_id}" in page.text
    assert "Cracked &lt;b&gt;lid&lt;/b&gt;" in page.text and "<b>lid</b>" not in page.text
    listing = await web.page("/account/after-sales")
    assert case_url.rsplit("/", 1)[1] in listing.text or "as-row" in listing.text


async def test_the_shop_rejects_the_shopper_escalates_and_the_operator_decides(web, factory, container):
    c = container
    w = await two_line_order(factory, shipped=True)
    operator = await factory.operator()
    case = await request(c, w, qty=2)
    await web.sign_in(w.merchant.email)
    listing = await web.page("/merchant/after-sales?filter=waiting")
    assert case.number in listing.text and "data-deadline" in listing.text
    missing = await web.form(f"/merchant/after-sales/{case.id}/decision", {"action": "reject", "reason": ""})
    assert missing.status_code == 303
    again = await web.page(f"/merchant/after-sales/{case.id}")
    assert "Give a reason in a few words" in again.text
    await web.form(f"/merchant/after-sales/{case.id}/decision", {"action": "reject", "reason": "Looks <i>used</i>"})
    await web.form("/logout")

    await web.sign_in(w.shopper.email)
    page = await web.page(f"/account/after-sales/{case.id}")
    assert "Looks &lt;i&gt;used&lt;/i&gt;" in page.text and 'id="as-escalate"' in page.text
    await web.form(f"/account/after-sales/{case.id}/escalate", {"note": "It was broken"})
    await web.form(f"/account/after-sales/{case.id}/evidence", {"note": "<script>x</script> box photo"})
    await web.form("/logout")

    await web.sign_in(operator.email)
    queue = await web.page("/operator/disputes")
    assert case.number in queue.text
    page = await web.page(f"/operator/disputes/{case.id}")
    assert "&lt;script&gt;x&lt;/script&gt; box photo" in page.text and "<script>x</script>" not in page.text
    await web.form(f"/operator/disputes/{case.id}/decision",
                   {"outcome": "refund_partial", "amount": "250", "reason": "Half: the box shows wear"})  # fmt: skip
    done = await aftersales.any_case(c, case.id)
    assert done.status is Status.REFUNDED and done.refunded == 25000 and await refunded_amount(c, w) == 25000
