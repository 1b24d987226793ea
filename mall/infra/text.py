"""Text as people type it: the translation marker, and the one cleaning every typed name goes through."""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import BeforeValidator

# Format characters a name may keep: joiners hold emoji sequences and some scripts' words together,
# tag characters spell subdivision flags. Every other format character is invisible or reorders text
# (U+202E turns "gpj.exe" into "exe.jpg" on screen), so it goes.
_KEEP_FORMAT = {0x200C, 0x200D, *range(0xE0020, 0xE0080)}


def N_(message: str) -> str:
    """Mark `message` for extraction into the gettext catalog; it is translated where shown."""
    return message


def clean_name(value: str) -> str:
    """A name as it is shown: one line in composed form (NFC), runs of white space (tabs, new lines,
    the ideographic space) as one space, no control, bidi-override, zero-width or lone-surrogate
    characters, nothing around it. Letters people can see are never changed."""
    kept = []
    for ch in unicodedata.normalize("NFC", value):
        if ch.isspace():
            kept.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cs") or (
            unicodedata.category(ch) == "Cf" and ord(ch) not in _KEEP_FORMAT
        ):
            continue
        else:
            kept.append(ch)
    return " ".join("".join(kept).split())


def _clean_if_text(value):
    return clean_name(value) if isinstance(value, str) else value  # anything else is the model's to refuse


Name = Annotated[str, BeforeValidator(_clean_if_text)]
"""A name field of a request model: cleaned before its length limits are checked."""
