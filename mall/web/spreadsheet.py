"""CSV exports safe to open in a spreadsheet (SECURITY.md #24): a text cell that starts with = + - @ (or a tab or
carriage return) could run as a formula, so it is prefixed with an apostrophe; a plain number (-427.50) is left as
it is, since no number is a formula. Written in UTF-8 with a byte-order mark, so spreadsheets read 中文 right."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
BOM = "\ufeff"


def cell(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_chunk(rows: Iterable[Iterable]) -> str:
    """Rows as CSV text, every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return buffer.getvalue()


def download_name(stem: str) -> str:
    """A filename safe in a Content-Disposition header: letters, digits, dot, dash, underscore."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", stem)[:80] + ".csv"
