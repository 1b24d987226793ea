"""Shared steps for the cart and order tests."""

from __future__ import annotations

from mall.accounts import services as accounts


async def bearer(c, user) -> dict:
    """Authorization headers for API calls as `user` (a token issued through the real service)."""
    return {"Authorization": f"Bearer {await accounts.issue_token(c.tokens, user)}"}


async def paid_order(factory, *, price: int = 45000, stock: int = 5, qty: int = 1):
    """(shopper, merchant, product, order): one paid order of a fresh shop."""
    shop = await factory.shop()
    merchant = await factory.owner_of(shop)
    product = await factory.stocked_product(shop=shop, price=price, stock=stock)
    shopper = await factory.user()
    placed = await factory.paid_checkout(shopper, (product, qty))
    return shopper, merchant, product, placed.orders[0]


ADDRESS_JSON = {
    "name": "Lin Mei",
    "phone": "0912-345-678",
    "postal_code": "10048",
    "region": "TPE",
    "line": "No. 1, Sec. 1, Zhongshan S. Rd.",
}
