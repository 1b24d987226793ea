"""聯合促銷 (joint platform campaigns): across shops, on approved products, funding split on each line."""

from __future__ import annotations

from mall.promotions.models import Offers, PromotionKind, Tier
from mall.promotions.pricing import Detail
from tests.pricing_factory import campaign, line, nets, nt, price_cart, savings

TWO_SHOPS = [line("t1", "tea", nt(400), product="oolong"), line("b1", "books", nt(600), product="atlas")]


def funding(priced, line_id):
    return [(a.promotion_id, a.amount, a.platform_funded, a.merchant_funded) for a in priced.line(line_id).allocations]


def test_a_campaign_across_two_shops_splits_each_saving_60_40_between_platform_and_merchant():
    # given 全館 9 折 on oolong (tea) and the atlas (books), the platform funding 60 %
    offers = Offers(campaigns=(campaign("cny", {"oolong", "atlas"}, platform_share=60, percent_off=10),))
    priced = price_cart(TWO_SHOPS, offers)
    # then NT$100 comes off, NT$40 on the tea and NT$60 on the book, each funded 60 / 40
    [applied] = priced.applied
    assert (applied.kind, applied.shop_id, applied.amount) == (PromotionKind.CAMPAIGN, None, nt(100))
    assert applied.detail == Detail(name="聯合 cny", percent=10)  # "全館 9 折"
    assert funding(priced, "t1") == [("cny", nt(40), nt(24), nt(16))]
    assert funding(priced, "b1") == [("cny", nt(60), nt(36), nt(24))]
    assert (priced.shop("tea").discount, priced.shop("books").discount) == (nt(40), nt(60))


def test_the_funding_split_rounds_half_up_on_the_campaign_and_is_allocated_over_its_lines():
    # given 10 % off NT$0.55 + NT$0.55 (11 minor units saved), the platform funding 50 %: 5.5 -> 6
    offers = Offers(campaigns=(campaign("c", {"oolong", "atlas"}, platform_share=50, percent_off=10),))
    lines = [line("t1", "tea", 55, product="oolong"), line("b1", "books", 55, product="atlas")]
    priced = price_cart(lines, offers)
    assert funding(priced, "b1") == [("c", 6, 3, 3)] and funding(priced, "t1") == [("c", 5, 3, 2)]


def test_a_campaign_touches_only_the_approved_products():
    offers = Offers(campaigns=(campaign("c", {"oolong"}, percent_off=10),))
    priced = price_cart(TWO_SHOPS, offers)
    assert nets(priced) == {"t1": nt(360), "b1": nt(600)}


def test_campaign_tiers_are_reached_by_the_approved_goods_of_all_shops_together():
    # given 滿 1000 減 100 platform-wide: NT$400 of tea + NT$600 of books reach it together
    offers = Offers(campaigns=(campaign("c", {"oolong", "atlas"}, tiers=[Tier(nt(1000), save=nt(100))]),))
    assert nets(price_cart(TWO_SHOPS, offers)) == {"t1": nt(360), "b1": nt(540)}
    assert savings(price_cart(TWO_SHOPS[:1], offers)) == []


def test_a_line_takes_at_most_one_campaign_the_first_given_that_applies():
    offers = Offers(campaigns=(
        campaign("first", {"oolong"}, percent_off=10),
        campaign("second", {"oolong", "atlas"}, percent_off=20),
    ))  # fmt: skip
    priced = price_cart(TWO_SHOPS, offers)
    assert savings(priced) == [("first", nt(40)), ("second", nt(120))]
    assert [a.promotion_id for a in priced.line("t1").allocations] == ["first"]


def test_a_campaign_that_is_not_reached_leaves_its_lines_to_a_later_one():
    offers = Offers(campaigns=(
        campaign("big-spenders", {"oolong"}, tiers=[Tier(nt(5000), save=nt(500))]),
        campaign("everyone", {"oolong"}, percent_off=5),
    ))  # fmt: skip
    assert savings(price_cart(TWO_SHOPS, offers)) == [("everyone", nt(20))]


def test_campaigns_outside_their_window_are_ignored():
    offers = Offers(campaigns=(
        campaign("over", {"oolong"}, percent_off=10, live=(-2, -1)),
        campaign("soon", {"oolong"}, percent_off=10, live=(1, 2)),
    ))  # fmt: skip
    priced = price_cart(TWO_SHOPS, offers)
    assert priced.applied == () and priced.rejected == ()


def test_flash_sale_lines_take_no_campaign_discount():
    offers = Offers(campaigns=(campaign("c", {"oolong"}, percent_off=10),))
    lines = [line("t1", "tea", nt(400), product="oolong", flash="sale-1")]
    priced = price_cart(lines, offers)
    assert priced.applied == () and priced.line("t1").net == nt(400)
