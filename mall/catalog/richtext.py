"""Product descriptions: limited rich text, sanitized with nh3 before it is stored (and so before `|safe`).

Plain text (no tags) becomes paragraphs; HTML keeps only the allowed tags, and links get
rel="noopener nofollow" and http(s)/mailto targets only. Pure functions."""

from __future__ import annotations

import html
import re

import nh3

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "h3", "h4", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
MAX_LENGTH = 20_000
_TAG = re.compile(r"<[a-zA-Z/!]")


def sanitize(markup: str) -> str:
    return nh3.clean(
        markup,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener nofollow",
        strip_comments=True,
    ).strip()


def plain_to_html(text: str) -> str:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]
    return "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)


def description_html(text: str) -> str:
    """What to store for what the merchant typed: sanitized HTML, never anything else."""
    text = (text or "").strip()
    if not text:
        return ""
    return sanitize(text if _TAG.search(text) else plain_to_html(text))
