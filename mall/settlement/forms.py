"""The commission rule form as typed on /operator/finance/commission: a rate in percent (5 or 5.25) and a date."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from mall.infra.text import N_
from mall.settlement.models import RuleScope

PERCENT = re.compile(r"[0-9]{1,3}(\.[0-9]{1,2})?")


@dataclass
class RuleForm:
    scope: str = "default"
    category_id: str = ""
    shop_id: str = ""
    rate: str = ""
    effective_from: str = ""


@dataclass(frozen=True)
class ParsedRule:
    scope: RuleScope | None
    target_id: str | None
    rate_bp: int | None
    effective_from: date | None
    errors: dict[str, str]


def parse_rule(form: RuleForm) -> ParsedRule:
    """Typed values, or an error code (worded by the page) per field; nothing is refused silently."""
    errors: dict[str, str] = {}
    try:
        scope = RuleScope(form.scope)
    except ValueError:
        scope, errors["scope"] = None, N_("Choose what the rule applies to.")
    target = {RuleScope.CATEGORY: form.category_id, RuleScope.SHOP: form.shop_id}.get(scope) if scope else None
    if scope in (RuleScope.CATEGORY, RuleScope.SHOP) and not target:
        errors["category_id" if scope is RuleScope.CATEGORY else "shop_id"] = N_("Choose one.")
    rate_text = unicodedata.normalize("NFKC", form.rate).strip().removesuffix("%").strip()
    rate_bp = None
    if PERCENT.fullmatch(rate_text) and float(rate_text) <= 100:
        whole, _, cents = rate_text.partition(".")
        rate_bp = int(whole) * 100 + int((cents + "00")[:2])
    else:
        errors["rate"] = N_("Enter a rate from 0 to 100 percent, with at most two decimals (5 or 5.25).")
    try:
        effective = date.fromisoformat(form.effective_from.strip())
    except ValueError:
        effective, errors["effective_from"] = None, N_("Enter a date (YYYY-MM-DD).")
    return ParsedRule(scope, target or None, rate_bp, effective, errors)
