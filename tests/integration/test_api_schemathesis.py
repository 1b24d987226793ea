"""Schemathesis against the running mall, as an outside reviewer runs it: every operation of
/api/v1/openapi.json with generated valid and invalid input (its coverage and fuzzing phases, every check),
signed in as the role each path is for, over a world where the ids in the paths exist. No 5xx, no status,
header or body the document does not declare, no undeclared method answered, auth enforced."""

from __future__ import annotations

import asyncio
import os
import re
import sys

from mall.accounts import services as accounts
from mall.aftersales import services as aftersales
from mall.aftersales.models import Kind, Reason
from mall.promotions import services as promotions
from mall.settlement import services as settlement
from tests.integration.flash_helpers import loosen_rate_limits, make_sale
from tests.integration.promo_helpers import campaign, coupon
from tests.integration.reviews_helpers import deliver, review
from tests.integration.settlement_helpers import complete

# fuzzing examples per operation (a deeper search: SCHEMATHESIS_EXAMPLES=50); the coverage phase adds its boundary
# and invalid cases (~2,700 calls in all). SCHEMATHESIS_SEED=<the seed a report printed> replays that run.
EXAMPLES_PER_OPERATION = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "5"))
SEED = ("--seed", os.environ["SCHEMATHESIS_SEED"]) if os.environ.get("SCHEMATHESIS_SEED") else ()
ENOUGH = 240  # seconds: the run takes ~15 s on an idle 2-core machine; a hang is not a pass
ROLE_PATHS = {"merchant": "merchant", "marketer": "marketing", "operator": "operator"}


async def _world(c, factory) -> tuple[dict[str, str], dict[str, str]]:
    """(Bearer tokens by role, a value for every path parameter): a shop with products, a shopper with a cart
    line, a paid order and a pending payment, a running flash sale, a claimable coupon and a live campaign
    with the shop's product entered, a review and an after-sales request of a delivered order, and a statement of a completed one."""
    shop = await factory.shop()
    product = await factory.stocked_product(shop=shop, stock=50)
    other = await factory.stocked_product(shop=shop, stock=50)
    settled = await factory.paid_checkout(await factory.user(), (other, 1))
    await complete(c, settled.orders[0])
    c.clock.advance(days=c.settings.settle_after_days + 1)
    statement = await settlement.issue_statement(c, shop.id)
    shopper = await factory.user()
    await factory.address(shopper, default=True)
    paid = await factory.paid_checkout(shopper, (other, 1))
    pending = await factory.checkout(shopper, (other, 1))
    owner = await factory.owner_of(shop)
    reviewed = await factory.paid_checkout(shopper, (other, 1))
    delivered = await deliver(c, owner, reviewed.orders[0])
    written = await review(c, shopper, delivered)
    case = await aftersales.request_case(
        c, user_id=shopper.id, order_id=delivered.id, line_id=0, kind=Kind.RETURN_AND_REFUND, reason=Reason.DAMAGED,
        qty=1, amount=(await aftersales.quote(c, delivered, 0)).max_for(1, delivered), note="Cracked", photo_ids=[],
    )  # fmt: skip
    store = await factory.cart_with(shopper, (product, 1))
    sale = await make_sale(c, factory, shop=shop)
    claimable = await coupon(c, claimable=True)
    live = await campaign(c)
    (entry,) = await promotions.enter_products(c, shop_id=shop.id, campaign_id=live.id, product_ids=[product.id])
    people = {
        "shopper": shopper,
        "merchant": owner,
        "marketer": await factory.marketer(),
        "operator": await factory.operator(),
    }
    tokens = {role: await accounts.issue_token(c.tokens, user) for role, user in people.items()}
    ids = {
        "product_id": product.id,
        "line_id": (await store.lines())[0].id,
        "order_id": paid.orders[0].id,
        "payment_id": pending.checkout.payment_id,
        "slug": shop.slug,
        "sale_id": sale.id,
        "coupon_id": claimable.id,
        "campaign_id": live.id,
        "promotion_id": live.id,
        "entry_id": entry.id,
        "review_id": written.id,
        "case_id": case.id,
        "statement_id": statement.id,
        "shop_id": shop.id,
    }
    return tokens, ids


def _config(base_url: str, tokens: dict[str, str], ids: dict[str, str]) -> str:
    parameters = "\n".join(f'"path.{name}" = "{value}"' for name, value in ids.items())
    roles = "\n".join(
        f'[[operations]]\ninclude-path-regex = "^/api/v1/{prefix}/"\n'
        f'headers = {{ Authorization = "Bearer {tokens[role]}" }}'
        for role, prefix in ROLE_PATHS.items()
    )
    return f"""
base-url = "{base_url}"
[auth]
auto-signup = false
[generation]
max-examples = {EXAMPLES_PER_OPERATION}
database = "none"
[phases.stateful]
enabled = false
[checks.positive_data_acceptance]
# Input the schema allows may still be refused by a rule of the business, declared as 422 ("email already
# registered", "no such saved address", 1.0 where an integer belongs: JSON Schema calls it an integer, strict
# parsing does not) or of the state (409).
expected-statuses = ["2xx", "3xx", 401, 403, 404, 409, 422, 429]
[checks.negative_data_rejection]
# Schemathesis's own list, plus 413: a long invalid query (e.g. 1,000 characters of 3-byte UTF-8 where 1,250
# hex digits belong) makes the request line and headers outgrow the server's 8 KiB, which it refuses as too large.
expected-statuses = [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429, "5xx"]
[parameters]
{parameters}
{roles}
[[operations]]
exclude-path-regex = "^/api/v1/({"|".join(ROLE_PATHS.values())})/"
headers = {{ Authorization = "Bearer {tokens["shopper"]}" }}
"""


async def test_schemathesis_finds_no_server_error_and_no_undocumented_answer(app, factory, tmp_path):
    # given a world with a shopper, a merchant, a marketer, an operator and the things the API's paths name
    c = app.ctx.c
    loosen_rate_limits(c)
    tokens, ids = await _world(c, factory)
    config = tmp_path / "schemathesis.toml"
    config.write_text(_config(app.ctx.base_url, tokens, ids))

    # when Schemathesis runs every check over every operation of the published document
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "schemathesis.cli", "--no-color", "--config-file", str(config), "run",
        f"{app.ctx.base_url}/api/v1/openapi.json", "--checks", "all", *SEED,
        cwd=tmp_path, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), ENOUGH)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise AssertionError(f"Schemathesis did not finish in {ENOUGH} s") from None
    report = out.decode()

    # then it tested every operation of the document and found nothing to report
    assert proc.returncode == 0, report[-15000:]
    selected, total = re.search(r"Selected: (\d+)/(\d+)", report).groups()
    assert selected == total and f"Tested: {total}" in report, report[-3000:]
