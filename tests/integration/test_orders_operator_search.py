"""The operator finds an order by any part of its number, by the buyer's email or by the recipient's name;
what is typed is matched literally, and a search stays bounded however much it matches."""

from __future__ import annotations

from urllib.parse import quote

from mall.orders import services as orders
from mall.orders.services.addresses import AddressFields
from tests.buying_factory import ADDRESS


async def _order(factory, *, email: str, recipient: str):
    shopper = await factory.user(email=email, name="Buyer")
    product = await factory.stocked_product(stock=5)
    placed = await factory.paid_checkout(shopper, (product, 1), address=AddressFields(**{**ADDRESS, "name": recipient}))
    return placed.orders[0]


async def _found(web, q: str) -> str:
    return (await web.page(f"/operator/orders?q={quote(q)}")).text


async def test_the_operator_finds_orders_by_any_part_of_the_number_the_buyers_email_or_the_recipient(web, factory):
    lin = await _order(factory, email="Lin.Mei@Example.test", recipient="林美玲")
    chen = await _order(factory, email="chen@example.test", recipient="Chen Wei-Ting")
    await web.sign_in((await factory.operator()).email)

    middle = lin.number.split("-")[1][1:4].lower()  # a piece from the middle of the number, typed in lower case
    assert lin.number in await _found(web, middle) and chen.number not in await _found(web, middle)
    by_email = await _found(web, "  LIN.MEI@example.TEST ")
    assert lin.number in by_email and chen.number not in by_email
    assert chen.number in await _found(web, "wei-ting") and lin.number not in await _found(web, "wei-ting")
    assert lin.number in await _found(web, "美玲") and chen.number not in await _found(web, "美玲")
    for literal in (".*", "(", "Chen.*", "$ne"):
        page = await _found(web, literal)
        assert lin.number not in page and chen.number not in page, literal
    assert "No matching orders" in await _found(web, "nobody@example.test")


async def test_a_search_counts_and_pages_through_a_bounded_number_of_matches(container, factory):
    c = container
    first = await _order(factory, email="a@example.test", recipient="Ann")
    second = await _order(factory, email="b@example.test", recipient="Anna")

    found, total = await orders.all_orders(c, q="ann")
    assert {o.id for o in found} == {first.id, second.id} and total == 2
    assert (await c.orders.search(name="ann", cap=1))[1] == 1  # counting stops at the cap
    assert orders.search_pages(10**6) == orders.SEARCH_CAP // orders.PER_PAGE
    assert await orders.all_orders(c, q="ann", page=orders.search_pages(10**6) + 1) == ([], 0)
