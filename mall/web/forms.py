"""Typed parsing of request data before anything reaches a service or a filter.

JSON bodies are parsed strictly (a dict where a string belongs, a float or a
string where an integer belongs, and unknown fields are all 422). HTML forms
and query strings arrive as text, so they are parsed in lax mode, but still
against the same closed models. What a refused field says is written for people, in their language
(mall.web.messages)."""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar, get_args, get_origin

from pydantic import BaseModel, ValidationError
from sanic import Request
from sanic.exceptions import SanicException

from mall.web import messages

M = TypeVar("M", bound=BaseModel)


class Invalid(SanicException):
    status_code = 422
    quiet = True

    def __init__(self, errors: dict[str, str], message: str = "Invalid input"):
        super().__init__(message)
        self.errors = errors


def _errors(exc: ValidationError, model: type[BaseModel]) -> dict[str, str]:
    """{field path: what the person reads} (mall.web.messages), the first error of each field."""
    own = getattr(model, "field_messages", None)
    out: dict[str, str] = {}
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"]) or "body"
        if key not in out:
            out[key] = messages.human(err, own)
    return out


def parse_json(request: Request, model: type[M]) -> M:
    try:
        data = request.json
    except Exception as exc:  # malformed JSON
        raise Invalid({"body": "malformed JSON"}) from exc
    if not isinstance(data, dict):
        raise Invalid({"body": "a JSON object is required"})
    schema = _schema(model)
    if overlong := dict(_overlong(data, schema, schema.get("$defs", {}), ())):
        raise Invalid(overlong)
    try:
        return model.model_validate(data, strict=True)
    except ValidationError as exc:
        raise Invalid(_errors(exc, model)) from exc


@cache
def _schema(model: type[BaseModel]) -> dict:
    try:
        return model.model_json_schema()
    except Exception:  # a model no JSON schema describes: pydantic's own checks alone
        return {}


def _overlong(value: Any, node: dict, defs: dict, path: tuple):
    """(field path, message) for each text longer than the model's JSON schema allows, as it came. The models strip
    surrounding whitespace before they check lengths, so "  x…" one character too long would pass them; the API's
    document promises maxLength of what is sent, and this keeps that promise."""
    node = _resolve(node, defs)
    choices = node.get("anyOf") or node.get("oneOf")
    if choices:
        texts = [c for c in choices if _resolve(c, defs).get("type") == "string"]
        if (
            isinstance(value, str)
            and texts
            and all(len(value) > _resolve(c, defs).get("maxLength", len(value)) for c in texts)
        ):
            yield _too_long(path, min(_resolve(c, defs)["maxLength"] for c in texts))
        elif not isinstance(value, str):
            for choice in choices:
                yield from _overlong(value, _resolve(choice, defs), defs, path)
        return
    if isinstance(value, str):
        if "maxLength" in node and len(value) > node["maxLength"]:
            yield _too_long(path, node["maxLength"])
    elif isinstance(value, dict):
        for key, item in value.items():
            if key in node.get("properties", {}):
                yield from _overlong(item, node["properties"][key], defs, (*path, key))
    elif isinstance(value, list) and isinstance(node.get("items"), dict):
        for n, item in enumerate(value):
            yield from _overlong(item, node["items"], defs, (*path, n))


def _resolve(node: dict, defs: dict) -> dict:
    while "$ref" in node:
        node = defs.get(node["$ref"].rsplit("/", 1)[-1], {})
    return node


def _too_long(path: tuple, limit: int) -> tuple[str, str]:
    error = {"type": "string_too_long", "loc": path, "ctx": {"max_length": limit}, "msg": "", "input": ""}
    return ".".join(str(p) for p in path) or "body", messages.human(error)


def _list_fields(model: type[BaseModel]) -> set[str]:
    return {
        name
        for name, field in model.model_fields.items()
        if get_origin(field.annotation) is list or any(get_origin(a) is list for a in get_args(field.annotation))
    }


def _flatten(params, model: type[BaseModel]) -> dict:
    """Sanic's multi-dicts -> {name: value}, keeping lists for list fields only."""
    lists = _list_fields(model)
    out: dict = {}
    for key, values in params.items():
        out[key] = values if key in lists else (values if len(values) > 1 else values[0])
    return out


def parse_form(request: Request, model: type[M], *, drop: tuple[str, ...] = ("csrf_token",)) -> M:
    data = {k: v for k, v in _flatten(request.form or {}, model).items() if k not in drop}
    return validate(model, data)


def parse_query(request: Request, model: type[M]) -> M:
    return validate(model, _flatten(request.args, model))


def validate(model: type[M], data: dict) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise Invalid(_errors(exc, model)) from exc


def page_number(request: Request) -> int:
    """?page= as a page number: 1 to 10,000; anything else (absent, 0, -1, "2x", huge) is page 1."""
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) <= 10_000 else 1
