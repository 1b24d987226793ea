"""The coupon codes a shopper chose, as a priced cart answers for each: applied (and what it saved) or not,
and why (reason codes; pages word them). Pure: reads a Quote, changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

from mall.promotions.models import PromotionKind
from mall.promotions.services.coupons import normalize_code
from mall.promotions.services.offers import Quote

COUPONS = (PromotionKind.SHOP_COUPON, PromotionKind.PLATFORM_COUPON)
MAX_CODES = 10  # resolve_codes looks at no more
SESSION_KEY = "coupons"  # where the pages keep a shopper's chosen codes: the cart and the checkout share them


@dataclass(frozen=True)
class CodeState:
    """One chosen code. `instead`: the code that applies in its place (reason one_per_scope), `per_shop`
    whether that limit is the shop's (one shop coupon per shop) rather than the platform's."""

    code: str
    applied: bool
    saved: int = 0
    reason: str = ""
    short_by: int = 0
    instead: str = ""
    per_shop: bool = False


def chosen_codes(found: Quote, codes) -> list[CodeState]:
    """Every chosen code, in the order chosen (duplicates and blanks dropped)."""
    applied = {a.detail.code: a for a in found.priced.applied if a.kind in COUPONS and a.detail.code}
    by_id = {a.promotion_id: a for a in applied.values()}
    refused = {r.code: r for r in found.refused}
    rejected = {r.code: r for r in found.priced.rejected}
    states = []
    for code in clean_codes(codes):
        if code in applied:
            states.append(CodeState(code, True, saved=applied[code].amount))
        elif code in refused:
            states.append(CodeState(code, False, reason=refused[code].reason))
        elif code in rejected:
            r = rejected[code]
            other = by_id.get(r.in_favour_of or "")
            states.append(
                CodeState(
                    code, False, reason=str(r.reason), short_by=r.short_by, instead=other.detail.code if other else "",
                    per_shop=bool(other and other.kind is PromotionKind.SHOP_COUPON),
                )
            )  # fmt: skip
    return states


def applying(states: list[CodeState]) -> list[str]:
    return [state.code for state in states if state.applied]


def clean_codes(codes) -> list[str]:
    return list(dict.fromkeys(code for code in (normalize_code(str(c)) for c in codes or ()) if code))[:MAX_CODES]


def codes_in(session) -> list[str]:
    """The codes kept in a session (anything malformed there is ignored)."""
    raw = session.get(SESSION_KEY) if session is not None else None
    return clean_codes(raw if isinstance(raw, list) else [])
