"""The order lifecycle table, shipping fees and the cart's pure rules."""

from __future__ import annotations

import pytest

from mall.cart.models import MAX_LINES, MAX_QTY, CartLine, Problem
from mall.cart.repository import CartFull, add_to
from mall.cart.services import check_line
from mall.catalog.models import Variant
from mall.orders.models import (
    Action,
    Actor,
    IllegalTransition,
    OrderStatus,
    ShippingTemplate,
    allowed_actions,
    default_template,
    next_status,
)
from mall.orders.services.addresses import AddressFields
from mall.orders.services.checkout import body_hash

S = OrderStatus


def test_the_happy_path_runs_from_pending_payment_to_completed():
    status = S.PENDING_PAYMENT
    for action, actor in [
        (Action.PAY, Actor.SYSTEM),
        (Action.SHIP, Actor.MERCHANT),
        (Action.DELIVER, Actor.MERCHANT),
        (Action.COMPLETE, Actor.SHOPPER),
    ]:
        status = next_status(status, action, actor)
    assert status is S.COMPLETED


@pytest.mark.parametrize(
    ("status", "action", "actor"),
    [
        (S.PENDING_PAYMENT, Action.SHIP, Actor.MERCHANT),  # not paid yet
        (S.SHIPPED, Action.CANCEL, Actor.SHOPPER),  # too late to cancel
        (S.SHIPPED, Action.CANCEL, Actor.MERCHANT),
        (S.PAID, Action.COMPLETE, Actor.SHOPPER),  # nothing to receive yet
        (S.COMPLETED, Action.CANCEL, Actor.OPERATOR),
        (S.CANCELLED, Action.PAY, Actor.SYSTEM),
        (S.PENDING_PAYMENT, Action.PAY, Actor.SHOPPER),  # only the payment side pays
        (S.PAID, Action.SHIP, Actor.SHOPPER),  # only the shop ships
        (S.PENDING_PAYMENT, Action.CANCEL, Actor.MERCHANT),  # an unpaid order expires on its own
        (S.EXPIRED, Action.CANCEL, Actor.SHOPPER),
    ],
)
def test_illegal_transitions_are_refused(status, action, actor):
    with pytest.raises(IllegalTransition) as refused:
        next_status(status, action, actor)
    assert refused.value.status is status and refused.value.action is action


def test_allowed_actions_drive_the_buttons():
    assert allowed_actions(S.PAID, Actor.MERCHANT) == {Action.SHIP, Action.CANCEL}
    assert allowed_actions(S.PAID, Actor.SHOPPER) == {Action.CANCEL}
    assert allowed_actions(S.SHIPPED, Actor.SHOPPER) == {Action.COMPLETE}
    assert allowed_actions(S.COMPLETED, Actor.SHOPPER) == set()


def test_shipping_is_flat_per_region_and_free_from_the_threshold():
    template = ShippingTemplate(shop_id="s", flat_fee=6000, free_over=100000, region_fees={"PEN": 15000})
    assert template.fee_for(99999, "TPE") == 6000
    assert template.fee_for(99999, "PEN") == 15000
    assert template.fee_for(100000, "PEN") == 0
    assert ShippingTemplate(shop_id="s", flat_fee=8000).fee_for(10**9, "TPE") == 8000
    assert default_template("s").fee_for(50000, "KHH") == 6000 and default_template("s").fee_for(100000, "KHH") == 0


def test_adding_the_same_variant_merges_lines_and_caps_the_quantity():
    lines: list[CartLine] = []
    first = add_to(lines, "p", "v", 60, 100)
    second = add_to(lines, "p", "v", 60, 120)
    assert first is second and len(lines) == 1
    assert lines[0].qty == MAX_QTY and lines[0].price_seen == 120


def test_a_full_cart_refuses_another_line():
    lines = [CartLine(id=str(i), product_id=f"p{i}", variant_id="v", qty=1, price_seen=1) for i in range(MAX_LINES)]
    with pytest.raises(CartFull):
        add_to(lines, "new", "v", 1, 1)


class FakeProduct:
    def __init__(self, variant):
        self.variants = [variant]


@pytest.mark.parametrize(
    ("stock", "price", "expected"),
    [
        (10, 450, []),
        (2, 450, [Problem.LOW_STOCK]),
        (10, 420, [Problem.PRICE_CHANGED]),
        (0, 450, [Problem.UNAVAILABLE]),
    ],
)
def test_a_cart_line_is_checked_against_current_price_and_stock(stock, price, expected):
    line = CartLine(id="l", product_id="p", variant_id="v", qty=3, price_seen=450)
    view = check_line(line, FakeProduct(Variant(id="v", sku="S", options={}, price=price, stock=stock)))
    assert view.problems == expected
    assert view.buyable is (not expected or expected == [Problem.PRICE_CHANGED])


def test_a_line_whose_product_is_gone_is_unavailable():
    view = check_line(CartLine(id="l", product_id="p", variant_id="v", qty=1, price_seen=1), None)
    assert view.problems == [Problem.UNAVAILABLE] and view.total == 0


def test_the_idempotency_fingerprint_covers_the_address_and_the_notes():
    address = AddressFields(name="A", phone="0912345678", postal_code="100", region="TPE", line="Road 1")
    assert body_hash(address, {}) == body_hash(AddressFields(**vars(address)), {})
    assert body_hash(address, {}) != body_hash(address, {"s": "note"})
    assert body_hash(address, {}) != body_hash("0" * 24, {})
