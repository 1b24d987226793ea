"""CSV cells that could run as formulas in a spreadsheet are neutralised; numbers stay numbers."""

from mall.web.spreadsheet import cell, csv_chunk, download_name


def test_formula_cells_are_neutralised_and_numbers_kept():
    for dangerous in ('=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "=1"):
        assert cell(dangerous).startswith("'") and cell(dangerous)[1:] == dangerous
    assert (cell("-427.50"), cell("1200"), cell(-5), cell("Tea 茶"), cell(None)) == (
        "-427.50",
        "1200",
        "-5",
        "Tea 茶",
        "",
    )


def test_rows_are_quoted_and_neutralised():
    text = csv_chunk([["a,b", "=cmd|' /C calc'!A0", "-1"]])
    assert text == "\"a,b\",'=cmd|' /C calc'!A0,-1\r\n"


def test_download_names_are_plain():
    assert download_name('S2026"\r\n; evil') == "S2026_____evil.csv"
