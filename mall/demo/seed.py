"""Demo data, created through the same services the web uses. Idempotent:
running it twice changes nothing the second time."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from datetime import timedelta
from functools import partial

from mall.accounts import services as accounts
from mall.accounts.models import Role
from mall.catalog import services as catalog
from mall.catalog.models import AttributeDef, AttrType, ProductDraft, VariantDraft
from mall.demo.aftersales import seed_aftersales
from mall.demo.data import CATEGORIES, DESCRIPTION, PENDING_APPLICATION, PRODUCTS, SHOPS
from mall.demo.images import banner_image, logo_image, product_image
from mall.demo.promotions import seed_promotions
from mall.demo.reviews import seed_reviews
from mall.demo.settlement import seed_settlement
from mall.flash_sales import services as flash
from mall.shops import services as shops
from mall.shops.models import Application

DEMO_PASSWORD = "demo1234"  # noqa: S105 (demo mode only)
TWD = 100  # minor units per dollar of the demo prices

DEMO_PEOPLE = [
    ("operator@demo.mall", "Olivia Operator 營運", [Role.SHOPPER.value, Role.OPERATOR.value]),
    ("marketer@demo.mall", "Mark Marketer 行銷", [Role.SHOPPER.value, Role.MARKETER.value]),
    ("shopper@demo.mall", "Sam Shopper 小明", [Role.SHOPPER.value]),
    ("shopper2@demo.mall", "Sara Shopper 小華", [Role.SHOPPER.value]),
] + [(f"merchant{i}@demo.mall", f"Merchant {i} 店主", [Role.SHOPPER.value]) for i in range(1, 7)]


def demo_logins() -> str:
    """Who can sign in to the demo, as the start-up log shows it (the README's table says the same)."""
    people = ", ".join(email for email, *_ in DEMO_PEOPLE[:4])
    owners = f"{SHOPS[0]['owner']} … {SHOPS[-1]['owner']} (a shop each)"
    return f"{people}, {owners}, {PENDING_APPLICATION['owner']} (a pending shop application); password {DEMO_PASSWORD}"


async def ensure_user(c, email: str, name: str, roles: list[str], password_hash: str):
    user = await accounts.find_by_email(c.users, email)
    if user is None:
        user = await accounts.register(
            c.users, c.clock, email=email, password=DEMO_PASSWORD, name=name, roles=roles, password_hash=password_hash
        )
    return user


async def ensure_categories(c) -> dict[str, str]:
    """slug -> id for the whole demo tree."""
    ids: dict[str, str] = {}
    for slug, en, zh, children in CATEGORIES:
        ids[slug] = await _category(c, slug, en, zh, None)
        for child_slug, child_en, child_zh in children:
            ids[child_slug] = await _category(c, child_slug, child_en, child_zh, ids[slug])
    return ids


async def _category(c, slug, en, zh, parent_id) -> str:
    existing = await catalog.get_category_by_slug(c.categories, slug)
    if existing:
        return existing.id
    created = await catalog.create_category(
        c.categories, slug=slug, name={"en": en, "zh_Hant": zh}, parent_id=parent_id
    )
    return created.id


def _defs(spec) -> list[AttributeDef]:
    """Each label in both languages: a Chinese page says 產地, an English one Origin."""
    return [
        AttributeDef(
            key=key,
            label=en,
            type=AttrType(kind),
            unit=unit,
            required=required,
            options=list(options),
            labels={"en": en, "zh_Hant": zh},
        )
        for key, (en, zh), kind, unit, required, options in spec
    ]


def _variants(prefix: str, index: int, price: int, stock: int, spec) -> list[VariantDraft]:
    if spec is None:
        return [VariantDraft(sku=f"{prefix}-{index:02d}", price=price * TWD, stock=stock)]
    dimensions, deltas = spec
    keys = list(dimensions)
    combos = list(itertools.product(*(dimensions[k] for k in keys)))
    per_variant = max(stock // len(combos), 0) if stock else 0
    drafts = []
    for n, combo in enumerate(combos, start=1):
        delta = sum(deltas.get(value, 0) for value in combo)
        drafts.append(
            VariantDraft(
                sku=f"{prefix}-{index:02d}-{n:02d}",
                price=(price + delta) * TWD,
                stock=per_variant + (n % 3 if stock else 0),
                options=dict(zip(keys, combo, strict=True)),
            )
        )
    return drafts


async def seed_shop(c, spec: dict, owner, category_ids: dict[str, str], media) -> tuple:
    """Pictures are drawn in a worker thread: the server keeps answering ("starting") meanwhile."""
    theme = spec["theme"]
    logo = await asyncio.to_thread(logo_image, media, theme=theme, name=spec["name"])
    banner = await asyncio.to_thread(banner_image, media, theme=theme, name=spec["name"])
    shop = await shops.create_approved_shop(
        c,
        owner=owner,
        name=spec["name"],
        slug=spec["slug"],
        category=spec["category"],
        description=spec["description"],
        announcement=spec["announcement"],
        about=spec["about"],
        theme_color=theme,
        logo=logo,
        banner=banner,
    )
    await catalog.save_attribute_defs(c.attribute_sets, c.clock, shop.id, _defs(spec["attributes"]))
    created = 0
    if await catalog.count_products(c.products, shop.id) == 0:
        prefix = spec["slug"][:4].upper()
        for index, (cat, en, zh, price, stock, attrs, variants) in enumerate(PRODUCTS[spec["slug"]], start=1):
            draw = partial(product_image, media, theme=theme, en=en, zh=zh)
            images = [await asyncio.to_thread(draw, variant=v) for v in (0, 1)]
            draft = ProductDraft(
                name={"en": en, "zh_Hant": zh},
                category_id=category_ids[cat],
                description=DESCRIPTION.format(en=en, zh=zh, shop=spec["name"]),
                attributes=attrs,
                variants=_variants(prefix, index, price, stock, variants),
                images=images,
            )
            await catalog.create_product(
                c.products, c.categories, c.attribute_sets, c.clock, shop_id=shop.id, draft=draft
            )
            created += 1
    return shop, created


async def seed(c, progress: Callable[[str], None] = print) -> dict:
    """Create the demo people, categories, shops and products that are missing."""
    media = c.settings.var_path / "media"
    shared_hash = accounts.hash_password(DEMO_PASSWORD)  # one argon2id hash for the shared demo password
    people = {email: await ensure_user(c, email, name, roles, shared_hash) for email, name, roles in DEMO_PEOPLE}
    progress(f"seed: {len(people)} demo accounts")
    category_ids = await ensure_categories(c)
    progress(f"seed: {len(category_ids)} categories")
    made = []
    for n, spec in enumerate(SHOPS, start=1):
        shop, created = await seed_shop(c, spec, people[spec["owner"]], category_ids, media)
        made.append(shop)
        progress(f"seed: shop {n}/{len(SHOPS)} {spec['slug']}: {created} new products")
    pending = PENDING_APPLICATION
    applicant = people[pending["owner"]]
    if await shops.application_for(c.shops, applicant.id) is None:
        await shops.apply(
            c.shops,
            c.clock,
            applicant=applicant,
            application=Application(
                name=pending["name"],
                slug=pending["slug"],
                category=pending["category"],
                description=pending["description"],
                contact_email=applicant.email,
                contact_phone="",
                logo=None,
            ),
        )
    progress("seed: 1 pending shop application")
    sales = await seed_flash_sales(c, made, people)
    progress(f"seed: {sales} flash sales")
    progress(f"seed: {await seed_promotions(c, made, people)} promotions")
    progress(f"seed: {await seed_reviews(c, made, people)} reviews of completed orders, and every shop's health score")
    progress(f"seed: {await seed_aftersales(c, made, people)} after-sales cases")
    progress(f"seed: {await seed_settlement(c, made, people)} statements")
    return {"users": people, "shops": made, "categories": category_ids}


async def seed_flash_sales(c, shops_made: list, people: dict) -> int:
    """A sale running now, one opening in two minutes (watch the countdown flip) and a platform-featured
    one waiting for the operator; only when there are no sales yet."""

    if (await flash.sales_page(c))[0]:
        return 0
    now = c.clock.now()
    plans = [  # shop index, minutes from now to the start, hours it lasts, quantity, limit, featured
        (0, -5, 3, 30, 2, False),
        (1, 2, 2, 20, 1, False),
        (2, 60, 4, 50, 2, True),
    ]
    made = 0
    for index, starts_in, hours, quantity, limit, featured in plans:
        shop = shops_made[index]
        listed, _total = await catalog.merchant_products(c.products, c.attribute_sets, shop_id=shop.id)
        product = listed[-1].product  # the shop's first product
        variant = max(product.variants, key=lambda v: v.stock)
        starts_at = now + timedelta(minutes=starts_in)
        await flash.create_sale(
            c,
            actor_id=(people["marketer@demo.mall"] if featured else await c.users.get(shop.owner_id)).id,
            product_id=product.id,
            variant_id=variant.id,
            price=variant.price * 7 // 10 // TWD * TWD,
            quantity=min(quantity, variant.stock),
            per_user_limit=limit,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=hours),
            shop_id=None if featured else shop.id,
            featured=featured,
        )
        made += 1
    return made
