"""The commission rule form: percent to basis points, every bad field named."""

from datetime import date

from mall.settlement.forms import RuleForm, parse_rule
from mall.settlement.models import RuleScope


def test_a_rate_in_percent_becomes_basis_points():
    parsed = parse_rule(RuleForm(scope="default", rate="5.25", effective_from="2026-12-01"))
    assert (parsed.scope, parsed.rate_bp, parsed.effective_from, parsed.errors) == (
        RuleScope.DEFAULT, 525, date(2026, 12, 1), {},
    )  # fmt: skip
    assert parse_rule(RuleForm(rate="８%", effective_from="2026-12-01")).rate_bp == 800
    assert parse_rule(RuleForm(rate="0", effective_from="2026-12-01")).rate_bp == 0


def test_bad_fields_are_each_named():
    parsed = parse_rule(RuleForm(scope="shop", rate="5.255", effective_from="tomorrow"))
    assert set(parsed.errors) == {"shop_id", "rate", "effective_from"}
    for rate in ("-1", "101", "abc", "1e2", ""):
        assert "rate" in parse_rule(RuleForm(rate=rate, effective_from="2026-12-01")).errors
    assert "scope" in parse_rule(RuleForm(scope="everyone", rate="5", effective_from="2026-12-01")).errors
