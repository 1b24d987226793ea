"""Test data for the buying loop (cart, addresses, checkouts, orders), made through the real services.

Mixed into tests.factories.Factory: `factory.stocked_product(...)`, `factory.address(user)`,
`factory.cart_with(user, (product, 2), ...)`, `factory.checkout(user, (product, 1))`, `factory.paid_checkout(...)`."""

from __future__ import annotations

import itertools

from mall.cart import services as cart
from mall.catalog import services as catalog
from mall.catalog.models import ProductDraft, VariantDraft
from mall.infra.ids import new_id
from mall.orders import services as orders

_seq = itertools.count(1)
ADDRESS = {
    "name": "Lin Mei",
    "phone": "0912-345-678",
    "postal_code": "10048",
    "region": "TPE",
    "line": "No. 1, Sec. 1, Zhongshan S. Rd., Zhongzheng Dist.",
}


class BuyingFactory:
    c = None

    async def stocked_product(
        self, *, shop=None, price: int = 45000, stock: int = 5, name: str | None = None, variants=None
    ):
        """A listed product of `shop` (a fresh open shop by default). `variants`: [(sku, price, stock, options)]."""
        shop = shop or await self.shop()
        n = next(_seq)
        rows = variants or [(f"SKU-{n}", price, stock, {})]
        draft = ProductDraft(
            name={"en": name or f"Product {n}", "zh_Hant": f"商品 {n}"},
            category_id=None,
            description="",
            attributes={},
            variants=[VariantDraft(sku=sku, price=p, stock=s, options=dict(o)) for sku, p, s, o in rows],
        )
        c = self.c
        return await catalog.create_product(
            c.products, c.categories, c.attribute_sets, c.clock, shop_id=shop.id, draft=draft
        )

    async def variant_stock(self, product, index: int = 0) -> int:
        """The variant's stock as stored now."""
        return (await self.c.products.get(product.id)).variants[index].stock

    async def address(self, user, *, default: bool = False, **fields):
        data = orders.AddressFields(**{**ADDRESS, **fields})
        return await orders.add_address(self.c.addresses, self.c.clock, user.id, data, make_default=default)

    async def cart_with(self, user, *items):
        """Put items in `user`'s cart: each (product, qty) or (product, variant_index, qty)."""
        store = self.c.carts.for_user(user.id)
        for item in items:
            product, index, qty = item if len(item) == 3 else (item[0], 0, item[1])
            variant = product.variants[index]
            await cart.add_item(store, self.c.products, product_id=product.id, variant_id=variant.id, qty=qty)
        return store

    async def checkout(self, user, *items, key: str | None = None, notes=None, address=None, codes=()):
        """A placed (unpaid) checkout of these items (with these coupon codes); returns orders.Placed."""
        if items:
            await self.cart_with(user, *items)
        chosen = address or orders.AddressFields(**ADDRESS)
        return await orders.place_checkout(
            self.c,
            user_id=user.id,
            cart=self.c.carts.for_user(user.id),
            key=key or new_id(),
            address=chosen,
            notes=notes or {},
            codes=tuple(codes),
        )

    async def paid_checkout(self, user, *items, **kw):
        """A placed checkout paid through the payments side, as the sandbox's Pay button does it."""
        placed = await self.checkout(user, *items, **kw)
        return await self.pay(user, placed.checkout)

    async def flash_checkout(self, user, reservation_id: str, *, key: str | None = None):
        """A placed (unpaid) checkout of a flash-sale reservation; returns orders.Placed."""
        return await orders.place_flash_checkout(
            self.c,
            user_id=user.id,
            reservation=reservation_id,
            key=key or new_id(),
            address=orders.AddressFields(**ADDRESS),
            notes={},
        )

    async def pay(self, user, checkout):
        """Pay a placed checkout through the payments side (signed sandbox webhook), as the Pay button does."""
        await orders.pay_in_sandbox(self.c, checkout)
        return await orders.checkout_for_user(self.c, user_id=user.id, checkout_id=checkout.id)
