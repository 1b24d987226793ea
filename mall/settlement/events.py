"""What settlement announces on c.events, after its write succeeded (its own live pushes listen: settlement/live.py).

settlement.statement_issued: statement_id, shop_id, number, payable
settlement.payout_sent / settlement.payout_paid / settlement.payout_failed: payout_id, statement_id, shop_id, amount"""

from __future__ import annotations

STATEMENT_ISSUED = "settlement.statement_issued"
PAYOUT_SENT = "settlement.payout_sent"
PAYOUT_PAID = "settlement.payout_paid"
PAYOUT_FAILED = "settlement.payout_failed"
PAYOUT_EVENTS = (PAYOUT_SENT, PAYOUT_PAID, PAYOUT_FAILED)


def statement_payload(statement) -> dict:
    return {
        "statement_id": statement.id,
        "shop_id": statement.shop_id,
        "number": statement.number,
        "payable": statement.payable,
    }


def payout_payload(payout) -> dict:
    return {
        "payout_id": payout.id,
        "statement_id": payout.statement_id,
        "shop_id": payout.shop_id,
        "amount": payout.amount,
    }
