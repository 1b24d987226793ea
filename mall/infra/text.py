"""The one translation marker for strings defined away from where they are shown."""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark `message` for extraction into the gettext catalog; it is translated where shown."""
    return message
