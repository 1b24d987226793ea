"""Building indexes on a database that may already hold an older version of them.

`create_index` is idempotent for an index that exists as asked. When the database holds an index on the
same keys with other options (code 85, IndexOptionsConflict), another index under the same name (86,
IndexKeySpecsConflict), or documents that a new unique index would refuse (11000), the server refuses;
that must not keep the mall from starting. The refusal is logged with what to migrate, kept for /healthz,
and start-up goes on with the index that is there."""

from __future__ import annotations

import logging

from pymongo import IndexModel
from pymongo.errors import DuplicateKeyError, OperationFailure

log = logging.getLogger("mall.mongo")
CONFLICTS = {85: "IndexOptionsConflict", 86: "IndexKeySpecsConflict", 11000: "DuplicateKey"}


async def create_index_or_report(collection, create, keys, options: dict, problems: list[str]):
    """`create(keys, **options)`; on a conflict with what the database holds, None and a report."""
    try:
        return await create(keys, **options)
    except OperationFailure as exc:
        code = 11000 if isinstance(exc, DuplicateKeyError) else exc.code or _embedded_code(exc)
        if code not in CONFLICTS:
            raise
        problem = await _describe(collection, IndexModel(keys, **options).document, code, exc)
    log.error("index not built: %s", problem)
    problems.append(problem)
    return None


def _embedded_code(exc: OperationFailure) -> int | None:
    """mongomock says it in words, with no code."""
    return 85 if "already exists with different options" in str(exc) else None


async def _describe(collection, wanted: dict, code: int, exc: OperationFailure) -> str:
    name, key = wanted["name"], dict(wanted["key"])
    options = {k: v for k, v in wanted.items() if k not in ("name", "key")}
    where = f"{collection.name}: index {name} {key}{' ' + str(options) if options else ''}"
    if code == 11000:
        return (
            f"{where} ({CONFLICTS[code]}): documents already share a value it must keep unique ({exc.details or exc}); "
            f"remove or merge the duplicates, then restart to build it"
        )
    existing = await _existing(collection, name, key)
    held = f"the database holds {existing[0]} {existing[1]}" if existing else "the database holds an older index"
    drop = f'db.{collection.name}.dropIndex("{existing[0] if existing else name}")'
    return f"{where} ({CONFLICTS[code]}, code {code}): {held}; to migrate run {drop} and restart to build it"


async def _existing(collection, name: str, key: dict) -> tuple[str, dict] | None:
    """The index that stands in the way: the one under the same name, else the one on the same keys."""
    try:
        info = await collection.index_information()
    except OperationFailure:
        return None
    for found, spec in info.items():
        if found == name or dict(spec.get("key", [])) == key:
            return found, {k: v for k, v in spec.items() if k not in ("v", "ns")}
    return None
