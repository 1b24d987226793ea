"""`python -m mall finance check`: proves the ledger of a real database, lists every problem, and says plainly
that in embedded mode the ledger lives in the running server (where the same check is a button and an API call)."""

from mall.cli import finance_check, main
from mall.settlement import services as settlement
from tests.integration.settlement_helpers import buy


async def test_the_check_prints_the_accounts_and_ok(container, factory):
    product = await factory.stocked_product(price=45000, stock=5)
    await buy(factory, await factory.user(), (product, 1))
    code, text = await finance_check(container)
    assert code == 0 and "ledger: 1 entries" in text and "platform:commission" in text and "-2250" in text
    assert text.endswith("every paid line posted once")


async def test_the_check_lists_what_is_wrong_and_catches_up(container, factory, monkeypatch):
    product = await factory.stocked_product(price=45000, stock=5)

    async def down(*_a, **_k):
        raise RuntimeError("settlement was down")

    monkeypatch.setattr(settlement.intake, "post_paid", down)
    (order,) = await buy(factory, await factory.user(), (product, 1))
    monkeypatch.undo()
    code, text = await finance_check(container)
    assert code == 1 and f"order {order.number} was paid but never posted" in text
    code, text = await finance_check(container, catch_up=True)
    assert code == 0 and "caught up: 1 postings" in text


def test_in_embedded_mode_the_command_says_where_the_ledger_is(monkeypatch, capsys):
    monkeypatch.delenv("MALL_MONGO_URL", raising=False)
    assert main(["finance", "check"]) == 2
    err = capsys.readouterr().err
    assert "embedded mode the ledger lives in the memory of the running server" in err
    assert "/api/v1/operator/finance/ledger/check" in err
