"""Test data built through the real services (so it obeys the same rules)."""

from __future__ import annotations

import itertools

from mall.accounts import services as accounts
from mall.accounts.models import Role
from mall.shops import services as shops
from mall.shops.models import Application
from tests.buying_factory import BuyingFactory

PASSWORD = "password123"
_seq = itertools.count(1)


class Factory(BuyingFactory):
    def __init__(self, c):
        self.c = c

    async def user(self, *, email: str | None = None, name: str = "Test User", roles=None):
        email = email or f"user{next(_seq)}@example.test"
        return await accounts.register(
            self.c.users,
            self.c.clock,
            email=email,
            password=PASSWORD,
            name=name,
            roles=roles or [Role.SHOPPER.value],
        )

    async def operator(self, **kw):
        return await self.user(roles=[Role.SHOPPER.value, Role.OPERATOR.value], **kw)

    async def marketer(self, **kw):
        return await self.user(roles=[Role.SHOPPER.value, Role.MARKETER.value], **kw)

    async def shop(
        self, *, owner=None, status: str = "approved", name: str | None = None, slug: str | None = None, **fields
    ):
        """A shop made through the real services; returns the Shop (its owner: `await factory.owner_of(shop)`).

        status "pending" = applied only; "approved" = open, owner is a merchant (shop_role "owner");
        "rejected" = turned down with reason "Not a fit"; "suspended" = approved then suspended.
        `fields` override the application (category, description, contact_email, contact_phone, logo)."""
        n = next(_seq)
        owner = owner or await self.user(name=f"Owner {n}")
        application = Application(
            name=name or f"Shop {n}",
            slug=slug or f"shop-{n}",
            category=fields.pop("category", "tea"),
            description=fields.pop("description", "A test shop."),
            contact_email=fields.pop("contact_email", owner.email),
            contact_phone=fields.pop("contact_phone", ""),
            logo=fields.pop("logo", None),
        )
        assert not fields, f"unknown shop fields: {fields}"
        c = self.c
        shop = await shops.apply(c.shops, c.clock, applicant=owner, application=application)
        if status == "rejected":
            return await shops.reject(c.shops, c.clock, shop_id=shop.id, operator_id=None, reason="Not a fit")
        if status in ("approved", "suspended"):
            shop = await shops.approve(c.shops, c.users, c.clock, shop_id=shop.id, operator_id=None)
        if status == "suspended":
            shop = await shops.suspend(c.shops, c.products, c.clock, shop_id=shop.id, operator_id=None, reason="Test")
        return shop

    async def owner_of(self, shop):
        return await self.c.users.get(shop.owner_id)

    async def merchant(self, *, shop=None, role: str = "owner", **kw):
        """A user in a shop (a fresh approved one unless `shop` is given), re-read so shop_id is set.

        role "owner" returns that shop's owner; role "staff" adds a new user to the shop's staff."""
        shop = shop or await self.shop()
        if role == "owner":
            return await self.owner_of(shop)
        user = await self.user(**kw)
        await accounts.join_shop(self.c.users, user.id, shop.id, "staff")
        return await self.c.users.get(user.id)

    async def payment(self, *, user=None, amount: int = 45000, checkout_id: str | None = None, **kw):
        """A pending sandbox payment for a checkout of `user` (a fresh shopper unless given)."""
        from mall.infra.ids import new_id
        from mall.payments import services as payments

        user = user or await self.user()
        c = self.c
        return await payments.start_payment(
            c.payments,
            c.clock,
            c.settings,
            checkout_id=checkout_id or new_id(),
            amount=amount,
            currency=c.settings.currency,
            user_id=user.id,
            **kw,
        )

    async def category(self, *, slug: str | None = None, name=None, parent=None):
        """A platform category (bilingual name; a plain string is used for both languages)."""
        from mall.catalog import services as catalog

        n = next(_seq)
        name = name or {"en": f"Category {n}", "zh_Hant": f"分類 {n}"}
        if isinstance(name, str):
            name = {"en": name, "zh_Hant": name}
        return await catalog.create_category(
            self.c.categories, slug=slug or f"cat-{n}", name=name, parent_id=parent.id if parent else None
        )

    async def attributes(self, shop_id: str, defs: list):
        """Save a shop's attribute definitions (AttributeDef objects)."""
        from mall.catalog import services as catalog

        return await catalog.save_attribute_defs(self.c.attribute_sets, self.c.clock, shop_id, defs)

    async def product(
        self,
        *,
        shop_id: str | None = None,
        name="Test product",
        variants: list[dict] | None = None,
        attributes: dict | None = None,
        category=None,
        status: str = "listed",
        description: str = "",
        images: list[str] | None = None,
        shop_visible: bool = True,
    ):
        """A product made through catalog.create_product (a fresh approved shop unless `shop_id` is given).

        `name` is a string (English) or {"en":, "zh_Hant":}; `variants` are dicts with sku, price (minor units),
        stock, options (defaults: one variant at 450.00); `category` is a Category or its id."""
        from mall.catalog import services as catalog
        from mall.catalog.models import ProductDraft, ProductStatus, VariantDraft

        n = next(_seq)
        shop_id = shop_id or (await self.shop()).id
        variants = variants or [{}]
        drafts = [
            VariantDraft(
                sku=v.get("sku", f"SKU-{n}-{i}"),
                price=v.get("price", 45000),
                stock=v.get("stock", 10),
                options=v.get("options", {}),
            )
            for i, v in enumerate(variants)
        ]
        draft = ProductDraft(
            name=name if isinstance(name, dict) else {"en": name},
            category_id=getattr(category, "id", category),
            description=description,
            attributes=attributes or {},
            variants=drafts,
            images=list(images or []),
        )
        c = self.c
        return await catalog.create_product(
            c.products, c.categories, c.attribute_sets, c.clock,
            shop_id=shop_id, draft=draft, status=ProductStatus(status), shop_visible=shop_visible,
        )  # fmt: skip
