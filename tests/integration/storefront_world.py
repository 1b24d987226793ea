"""A small mall for the storefront tests, built through the real catalog and shops services:
a tea shop and an electronics shop (which also sells a tea kettle), a category tree, attribute schemas."""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image

from mall.catalog import services as catalog
from mall.catalog.models import AttributeDef, AttrType, Product, ProductDraft, ProductStatus, VariantDraft
from mall.infra.images import save_image
from mall.shops import services as shops

TEA_DEFS = [
    AttributeDef("origin", "Origin 產地", AttrType.ENUM, required=True, options=["凍頂", "阿里山", "日月潭"]),
    AttributeDef("weight", "Net weight 淨重", AttrType.NUMBER, unit="g"),
    AttributeDef("organic", "Organic 有機", AttrType.BOOLEAN),
]
AUDIO_DEFS = [
    AttributeDef("brand", "Brand 品牌", AttrType.TEXT),
    AttributeDef("connectivity", "Connectivity 連接方式", AttrType.ENUM, options=["Bluetooth", "Wired"]),
    AttributeDef("weight", "Weight 重量", AttrType.NUMBER, unit="g"),
    AttributeDef("anc", "Noise cancelling 降噪", AttrType.BOOLEAN),
]


@dataclass
class World:
    categories: dict = field(default_factory=dict)
    shops: dict = field(default_factory=dict)
    products: dict[str, Product] = field(default_factory=dict)


def picture(c, colour: str = "#2f7d4a") -> str:
    """A real stored picture (a coloured square), as merchants' uploads end up."""
    return save_image(Image.new("RGB", (64, 64), colour), c.settings.var_path / "media")


async def category(c, slug: str, en: str, zh: str, parent=None):
    return await catalog.create_category(
        c.categories, slug=slug, name={"en": en, "zh_Hant": zh}, parent_id=parent.id if parent else None
    )


async def product(c, shop, *, name: dict, category=None, attributes=None, variants=None, images=(), tick=True, **kw):
    """A listed product; `variants` are (sku, options, price in minor units, stock). The clock moves a minute
    first so "newest" has a clear order."""
    if tick:
        c.clock.advance(minutes=1)
    drafts = [VariantDraft(sku=s, options=o, price=p, stock=n) for s, o, p, n in (variants or [])]
    draft = ProductDraft(
        name=name,
        category_id=category.id if category else None,
        description=kw.pop("description", "<p>Good.</p>"),
        attributes=attributes or {},
        variants=drafts,
        images=list(images),
    )
    return await catalog.create_product(
        c.products, c.categories, c.attribute_sets, c.clock, shop_id=shop.id, draft=draft, **kw
    )


async def delist(c, item):
    await catalog.set_product_status(
        c.products, c.clock, shop_id=item.shop_id, product_id=item.id, status=ProductStatus.DELISTED
    )


async def suspend(c, shop):
    return await shops.suspend(c.shops, c.products, c.clock, shop_id=shop.id, operator_id=None, reason="Test")


async def build(c, factory) -> World:
    w = World()
    cats = w.categories
    cats["tea"] = await category(c, "tea", "Tea", "茶葉")
    cats["oolong"] = await category(c, "oolong", "Oolong", "烏龍", cats["tea"])
    cats["black-tea"] = await category(c, "black-tea", "Black", "紅", cats["tea"])
    cats["electronics"] = await category(c, "electronics", "Electronics", "3C 電子")
    cats["audio"] = await category(c, "audio", "Audio", "耳機音響", cats["electronics"])

    tea = w.shops["tea"] = await factory.shop(name="山茶行 Mountain Tea", slug="mountain-tea", category="tea")
    sound = w.shops["sound"] = await factory.shop(name="聲活 SoundLife", slug="soundlife", category="electronics")
    await catalog.save_attribute_defs(c.attribute_sets, c.clock, tea.id, TEA_DEFS)
    await catalog.save_attribute_defs(c.attribute_sets, c.clock, sound.id, AUDIO_DEFS)

    p = w.products
    p["dongding"] = await product(
        c, tea, name={"en": "Dong Ding Oolong", "zh_Hant": "凍頂烏龍茶"}, category=cats["oolong"],
        attributes={"origin": "凍頂", "weight": 150, "organic": False},
        variants=[("DD-150", {"size": "150g"}, 45000, 3), ("DD-300", {"size": "300g"}, 85000, 20)],
        images=[picture(c, "#2f7d4a"), picture(c, "#1b4d2e")],
    )  # fmt: skip
    p["alishan"] = await product(
        c, tea, name={"en": "Alishan High Mountain Oolong", "zh_Hant": "阿里山高山烏龍茶"}, category=cats["oolong"],
        attributes={"origin": "阿里山", "weight": 150, "organic": True},
        variants=[("AL-150", {}, 120000, 8)], images=[picture(c, "#3c8d5a")],
    )  # fmt: skip
    p["black"] = await product(
        c, tea, name={"en": "Sun Moon Lake Black Tea", "zh_Hant": "日月潭紅茶"}, category=cats["black-tea"],
        attributes={"origin": "日月潭", "weight": 75, "organic": True}, variants=[("BT-75", {}, 38000, 0)],
    )  # fmt: skip
    p["earphones"] = await product(
        c, sound, name={"en": "Bluetooth Earphones", "zh_Hant": "藍牙耳機"}, category=cats["audio"],
        attributes={"brand": "SoundLife", "connectivity": "Bluetooth", "weight": 48, "anc": True},
        variants=[("EP-BLK", {"colour": "black"}, 299000, 12), ("EP-WHT", {"colour": "white"}, 279000, 0)],
        images=[picture(c, "#1f5fbf")],
    )  # fmt: skip
    p["kettle"] = await product(
        c, sound, name={"en": "Smart Tea Kettle", "zh_Hant": "智慧電茶壺"}, category=cats["electronics"],
        attributes={"brand": "SoundLife", "connectivity": "Wired"}, variants=[("KT-1", {}, 159000, 4)],
    )  # fmt: skip
    return w
