"""The OpenAPI 3.1 document of /api: each handler describes itself with `doc(...)`; `document(app)` adds what a
route answers by its nature, so a new route gets the common answers without repeating them:

- 401 on every operation (no Bearer token where one is needed, or an invalid or expired one);
- 403 where the route needs a role (merchant, operator, ...) or changes state (a browser call without the
  CSRF token, or from another site);
- 404 where the path carries an id (none such, or not yours);
- 413 on every operation: any request can be too large (its request line and headers over
  REQUEST_MAX_HEADER_SIZE, 8 KiB, e.g. a long query; or its body over the limit);
- 422 where the operation reads a body, query or header (does not parse: `fields` says why).

Schemas come from the pydantic models as they are generated: pydantic speaks JSON Schema 2020-12, which is the
schema dialect of OpenAPI 3.1 (numeric exclusiveMinimum, `type: null`), hence 3.1.0.

A new /api route keeps the document valid and Schemathesis green when it: is decorated with doc(); parses its
body and query with parse_json / parse_query against the models it names in doc(); answers errors by raising
(SanicException subclasses, Invalid for 422), never with hand-made JSON; names in `errors=` every other status it
raises (409, 429, a 404 not about a path id); and types times as datetime or a date-time string."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field
from sanic import Sanic

from mall.web.security import route_access

VERSION = "3.1.0"
SAFE_METHODS = {"get", "head", "options"}
NO_ROLE_NEEDED = {"public", "user"}
ERROR_REF = {"$ref": "#/components/schemas/Error"}
BEARER = {"type": "http", "scheme": "bearer", "description": "from POST /api/v1/auth/token"}
PICTURE = "a JPEG, PNG, GIF or WebP picture"
Answer = str | tuple[str, type[BaseModel]]


class ErrorDetail(BaseModel):
    status: int
    message: str = Field(description="for people, in the request's language")
    request_id: str = Field(description="quote it when you report a problem")
    fields: dict[str, str] | None = Field(default=None, description="what is wrong with which input (422)")
    details: dict[str, Any] | None = Field(default=None, description="what a refusal is about (e.g. coupons)")


class ErrorOut(BaseModel):
    """Every error answer of the API."""

    error: ErrorDetail


@dataclass(frozen=True)
class Header:
    """A request header the operation reads."""

    name: str
    description: str
    pattern: str | None = None
    required: bool = True
    max_length: int = 1000  # every header declares a bound well inside the server's 8 KiB for all of them


@dataclass(frozen=True)
class ApiDoc:
    summary: str
    tag: str | None = None
    body: type[BaseModel] | None = None
    body_required: bool = True
    response: type[BaseModel] | dict | None = None
    status: int = 200
    media: str = "application/json"
    also: tuple[tuple[str, dict], ...] = ()  # other media types the success answer may take: (type, JSON Schema)
    query: type[BaseModel] | None = None
    headers: tuple[Header, ...] = ()
    upload: str | None = None
    errors: dict[int, Answer] = field(default_factory=dict)


def doc(summary: str, **details):
    """Describe an /api handler: `body` / `query` (pydantic models it parses), `headers` (Header, ...), `upload`
    (a multipart file field), `response` (model or JSON Schema) with its `status`, and `errors`: the answers only
    this route gives, {409: "why"} or {409: ("why", Model)} when the body is not the usual error."""
    described = ApiDoc(summary, **details)

    def mark(handler):
        handler.__api_doc__ = described
        return handler

    return mark


def described(route) -> ApiDoc | None:
    return getattr(route.handler, "__api_doc__", None)


def document(app: Sanic) -> dict:
    """The whole document, built once per app (routes do not change after start)."""
    cached = getattr(app.ctx, "openapi_document", None)
    if cached is None:
        cached = app.ctx.openapi_document = _build(app)
    return cached


def _build(app: Sanic) -> dict:
    from sanic_ext.extensions.openapi.builders import SpecificationBuilder

    spec = SpecificationBuilder().build(app).serialize()
    routes = {route.name.split(".", 1)[1]: route for route in app.router.routes}
    paths = {path: ops for path, ops in spec["paths"].items() if path.startswith("/api/")}
    for ops in paths.values():
        for method, op in ops.items():
            route = routes[op["operationId"].split("~", 1)[1]]
            _complete(op, method, described(route) or ApiDoc(op.get("summary", "")), route_access(route))
    tags = sorted({tag for ops in paths.values() for op in ops.values() for tag in op.get("tags", [])})
    return {
        "openapi": VERSION,
        "info": spec["info"],
        "tags": [{"name": tag} for tag in tags],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": BEARER},
            "schemas": {"Error": schema_of(ErrorOut)},
        },
    }


def _complete(op: dict, method: str, api: ApiDoc, access: str | None) -> None:
    op["summary"] = api.summary
    if api.tag:
        op["tags"] = [api.tag]
    parameters = [*op.get("parameters", []), *_query(api.query), *map(_header, api.headers)]
    if parameters:
        op["parameters"] = parameters
    if api.body is not None:
        content = {"application/json": {"schema": schema_of(api.body)}}
        op["requestBody"] = {"required": api.body_required, "content": content}
    if api.upload:
        op["requestBody"] = _multipart(api.upload)
    op["security"] = [{"bearer": []}] if access not in (None, "public") else [{}, {"bearer": []}]
    in_path = any(p["in"] == "path" for p in parameters)
    reads_input = "requestBody" in op or api.query is not None or bool(api.headers)
    answers: dict[int, Answer] = {**_common(method, access, in_path, reads_input), **api.errors}
    op["responses"] = {str(api.status): _success(api), **{str(code): _error(a) for code, a in sorted(answers.items())}}


def _common(method: str, access: str | None, in_path: bool, reads_input: bool) -> dict[int, str]:
    out = {401: "Sign in first (a Bearer token), or the token sent is invalid or expired"}
    if access == "public":
        out[401] = "The Bearer token sent is invalid or expired (this operation needs none)"
    if access not in NO_ROLE_NEEDED:
        out[403] = "Your account lacks the role this needs"
    elif method not in SAFE_METHODS:
        out[403] = "A browser call without the form's CSRF token, or from another site"
    if in_path:
        out[404] = "No such thing, or not yours"
    out[413] = "The request is larger than the server accepts (its URL and headers over 8 KiB, or its body)"
    if reads_input:
        out[422] = "The input does not parse: `fields` names each problem"
    return out


def _success(api: ApiDoc) -> dict:
    if api.response is None:
        return {"description": "Done" if api.status != 204 else "Done; nothing to answer"}
    schema = api.response if isinstance(api.response, dict) else schema_of(api.response, mode="serialization")
    content = {api.media: {"schema": schema}, **{media: {"schema": other} for media, other in api.also}}
    return {"description": "OK", "content": content}


def _error(answer: Answer) -> dict:
    if isinstance(answer, tuple):
        text, model = answer
        return {"description": text, "content": {"application/json": {"schema": schema_of(model, "serialization")}}}
    return {"description": answer, "content": {"application/json": {"schema": ERROR_REF}}}


def _query(model: type[BaseModel] | None) -> list[dict]:
    if model is None:
        return []
    schema = schema_of(model)
    required = set(schema.get("required", ()))
    out = []
    for name, prop in schema["properties"].items():
        prop = _without_null(prop)
        param = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if name not in required:
            param["allowEmptyValue"] = True  # `?page=` is as good as no `page` (HTML forms send empty fields)
        if "description" in prop:
            param["description"] = prop["description"]
        out.append(param)
    return out


def _header(header: Header) -> dict:
    schema = {"type": "string", "maxLength": header.max_length} | (
        {"pattern": header.pattern} if header.pattern else {}
    )
    return {"name": header.name, "in": "header", "required": header.required, "description": header.description,
            "schema": schema}  # fmt: skip


def _multipart(name: str) -> dict:
    return {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [name],
                    "properties": {name: {"type": "string", "format": "binary", "description": PICTURE}},
                },
                "encoding": {name: {"contentType": "image/jpeg, image/png, image/gif, image/webp"}},
            }
        },
    }  # fmt: skip


def _without_null(prop: dict) -> dict:
    """A query parameter is optional by being absent: drop the `null` branch of an optional field."""
    options = [p for p in prop.get("anyOf", ()) if p != {"type": "null"}]
    if len(options) == 1 and len(prop.get("anyOf", ())) == 2:
        rest = {k: v for k, v in prop.items() if k != "anyOf" and not (k == "default" and v is None)}
        return {**options[0], **rest}
    return prop


def schema_of(model: type[BaseModel], mode: str = "validation") -> dict:
    """The model's JSON Schema with its $defs inlined (the document has no component per model)."""
    schema = model.model_json_schema(mode=mode)
    return _resolve(schema, schema.pop("$defs", {}))


def _resolve(node, defs):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if ref and ref.startswith("#/$defs/"):
            return _resolve(defs[ref.split("/")[-1]], defs)
        if "patternProperties" in node and "properties" not in node:
            node = {"additionalProperties": False, **node}  # dict[Key, V]: every key matches Key's pattern
        return {k: _resolve(v, defs) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve(v, defs) for v in node]
    return node
