from pathlib import Path

import pytest

from mall.app import EmbeddedMultiWorker, check_topology
from mall.config import load_settings
from mall.infra.money import cash_step, format_money, to_major_text, to_minor


def test_environment_overrides_the_toml_file():
    settings = load_settings(environ={"MALL_PORT": "9100", "MALL_DEMO": "false", "MALL_MONGO_URL": "mongodb://db"})
    assert settings.port == 9100 and settings.demo is False and settings.mongo_url == "mongodb://db"


def test_unknown_keys_in_the_file_are_an_error(tmp_path: Path):
    path = tmp_path / "s.toml"
    path.write_text("[server]\nprot = 1\n")
    with pytest.raises(ValueError, match="prot"):
        load_settings(path, environ={})


def test_several_workers_on_embedded_storage_are_refused_with_the_reason():
    with pytest.raises(EmbeddedMultiWorker, match="own copy of the data"):
        check_topology(load_settings(environ={"MALL_WORKERS": "4"}))
    check_topology(
        load_settings(environ={"MALL_WORKERS": "4", "MALL_MONGO_URL": "mongodb://x", "MALL_REDIS_URL": "redis://x"})
    )


def test_money_is_parsed_to_integer_minor_units():
    assert to_minor("450", "TWD") == 45000
    assert to_minor("1,200.50", "TWD") == 120050
    assert to_major_text(120050, "TWD") == "1200.50"
    assert (to_minor(".5", "TWD"), to_minor("１２０", "TWD"), to_minor("-5", "TWD")) == (50, 12000, -500)
    for bad in ("abc", "1.234", "NaN", "inf", "-inf", "1e3", "+5", "٣", "12.", "", " ", "--5"):
        with pytest.raises(ValueError):
            to_minor(bad, "TWD")


def test_money_is_formatted_by_babel():
    assert format_money(45050, "TWD", "en") == "NT$450.50"


def test_twd_is_written_as_people_in_taiwan_write_it_without_decimals():
    assert (format_money(100000, "TWD", "en"), format_money(100000, "TWD", "zh_Hant")) == ("NT$1,000", "$1,000")
    assert format_money(-6000, "TWD", "zh_Hant") == "-$60"
    assert format_money(45050, "TWD", "en") == "NT$450.50"  # cents that exist are never hidden
    assert format_money(450, "USD", "en") == "$4.50" and format_money(400, "USD", "en") == "$4.00"
    assert (to_major_text(45000, "TWD"), to_major_text(45050, "TWD")) == ("450", "450.50")


def test_the_smallest_payable_amount_comes_from_cldr_cash_rounding():
    assert (cash_step("TWD"), cash_step("USD"), cash_step("JPY"), cash_step("CHF")) == (100, 1, 1, 5)
