"""Forms and a signed-in merchant for the merchant's promotions pages. The clock stands at 2026-11-24 12:00 UTC
= 20:00 in Taipei (the configured zone), so the local form times are eight hours ahead of the UTC ones."""

from __future__ import annotations

LATER = ("2026-11-24T21:00", "2026-12-01T21:00")  # starts in an hour, runs a week
NOW = ("2026-11-24T19:00", "2026-12-01T21:00")  # started an hour ago: live


async def signed_in_merchant(web, factory, *, variants=None, name="Lishan oolong"):
    """An open shop with one product (three SKUs by default), its owner signed in."""
    shop = await factory.shop()
    variants = variants or [
        ("LS-75", 68000, 40, {"size": "75 g"}),
        ("LS-150", 128000, 25, {"size": "150 g"}),
        ("LS-300", 240000, 5, {"size": "300 g"}),
    ]
    product = await factory.stocked_product(shop=shop, name=name, variants=variants)
    await web.sign_in((await factory.owner_of(shop)).email)
    return shop, product


def limited_form(*products, variants=(), mode="percent", percent="10", fixed="", name="Weekend tea sale", window=LATER,
                 **extra) -> dict:  # fmt: skip
    return {
        "name": name,
        "product_ids": [p.id for p in products],
        "variant_ids": list(variants),
        "mode": mode,
        "percent_off": percent,
        "fixed_price": fixed,
        "starts_at": window[0],
        "ends_at": window[1],
        **extra,
    }


def threshold_form(*tiers, name="Spend more, save more", free_shipping=False, window=LATER, **extra) -> dict:
    """tiers: (min spend, "amount" | "percent", saving) as typed."""
    data = {"name": name, "starts_at": window[0], "ends_at": window[1], **extra}
    for n, (min_spend, kind, off) in enumerate(tiers or [("300", "amount", "30")], start=1):
        data |= {f"min_spend_{n}": min_spend, f"off_kind_{n}": kind, f"off_{n}": off}
    if free_shipping:
        data["free_shipping"] = "on"
    return data


def coupon_form(*, code="THANKS50", mode="fixed", amount="50", percent="", cap="", min_spend="300", total="100",
                per_user="1", delivery="code", name="Thank-you coupon", window=LATER, **extra) -> dict:  # fmt: skip
    return {
        "name": name, "code": code, "mode": mode, "amount": amount, "percent": percent, "cap": cap,
        "min_spend": min_spend, "total": total, "per_user": per_user, "delivery": delivery,
        "starts_at": window[0], "ends_at": window[1], **extra,
    }  # fmt: skip


async def counts(c) -> tuple[int, int, int]:
    """(shop promotions, coupons, campaign entries) stored."""
    return (
        await c.promotions.promotions.count_documents({}),
        await c.promotions.coupons.count_documents({}),
        await c.promotions.entries.count_documents({}),
    )
