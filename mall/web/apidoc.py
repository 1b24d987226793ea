"""Describe API handlers in the OpenAPI document with their pydantic models."""

from __future__ import annotations

from pydantic import BaseModel
from sanic_ext import openapi


def doc(
    summary: str,
    *,
    body: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    tag: str | None = None,
    secured: bool = True,
):
    kwargs: dict = {"summary": summary}
    if body is not None:
        kwargs["body"] = {"application/json": _inline(body)}
    if response is not None:
        kwargs["response"] = [openapi.definitions.Response({"application/json": _inline(response)}, status=status)]
    if tag:
        kwargs["tag"] = tag
    if secured:
        kwargs["secured"] = {"bearer": []}
    return openapi.definition(**kwargs)


def _inline(model: type[BaseModel]) -> dict:
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})
    if defs:
        schema = _resolve(schema, defs)
    return schema


def _resolve(node, defs):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if ref and ref.startswith("#/$defs/"):
            return _resolve(defs[ref.split("/")[-1]], defs)
        return {k: _resolve(v, defs) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve(v, defs) for v in node]
    return node
