"""Identifiers: 24-hex strings (ObjectId-shaped, sortable by creation time)."""

from __future__ import annotations

import re
import secrets

from bson import ObjectId

ID_PATTERN = re.compile(r"^[0-9a-f]{24}$")


def new_id() -> str:
    return str(ObjectId())


def is_id(value: object) -> bool:
    return isinstance(value, str) and bool(ID_PATTERN.match(value))


def token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)
