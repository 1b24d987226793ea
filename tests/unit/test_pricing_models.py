"""Promotions refuse to exist in a shape the engine could not price honestly."""

from __future__ import annotations

from datetime import datetime

import pytest

from mall.promotions.models import Coupon, CouponKind, Scope, Tier
from mall.promotions.pricing import PriceLine
from tests.pricing_factory import NOW, campaign, limited, nt, shop_coupon, threshold, window

NAIVE = datetime(2026, 1, 28)


@pytest.mark.parametrize(
    "make",
    [
        lambda: Tier(nt(300)),  # neither save nor percent
        lambda: Tier(nt(300), save=nt(30), percent=10),
        lambda: Tier(-1, save=nt(30)),
        lambda: Tier(nt(300), percent=0),
        lambda: Tier(nt(300), percent=101),
        lambda: limited("lt", "tea", {"v"}),  # neither percent_off nor fixed_price
        lambda: limited("lt", "tea", {"v"}, fixed_price=-1),
        lambda: limited("lt", "tea", {"v"}, percent_off=10, live=(1, 1)),  # empty window
        lambda: threshold("t", "tea"),  # no tier
        lambda: shop_coupon("PCT", "tea", 120, percent=True),
        lambda: shop_coupon("NEG", "tea", -1),
        lambda: Coupon(
            id="c", code="X", scope=Scope.PLATFORM, shop_id="tea", kind=CouponKind.FIXED, value=1, **window()
        ),
        lambda: Coupon(id="c", code="X", scope=Scope.SHOP, kind=CouponKind.FIXED, value=1, **window()),
        lambda: Coupon(
            id="c", code="X", scope=Scope.PLATFORM, kind=CouponKind.FIXED, value=1, starts_at=NAIVE, ends_at=NOW
        ),
        lambda: campaign("c", {"p"}),  # neither tiers nor percent_off
        lambda: campaign("c", {"p"}, percent_off=10, tiers=[Tier(0, save=1)]),
        lambda: campaign("c", {"p"}, percent_off=10, platform_share=101),
        lambda: PriceLine("l", "tea", "p", "v", nt(1), 0),
        lambda: PriceLine("l", "tea", "p", "v", -1, 1),
    ],
)
def test_a_promotion_or_line_that_makes_no_sense_is_refused(make):
    with pytest.raises(ValueError):
        make()
