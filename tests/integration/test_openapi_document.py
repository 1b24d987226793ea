"""The OpenAPI document at /api/v1/openapi.json: valid for a maintained validator, and complete enough for
standard tools (what each operation reads and every answer it gives)."""

from __future__ import annotations

from openapi_spec_validator import validate


async def _spec(api) -> dict:
    response = await api.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(spec):
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            yield path, method, op


async def test_the_document_is_valid_for_openapi_spec_validator(api):
    spec = await _spec(api)
    validate(spec)  # raises with the first problem it finds
    assert spec["openapi"].startswith("3.1")


async def test_every_api_route_describes_itself_with_doc(app):
    from mall.web.apidoc import described

    undescribed = [
        route.path
        for route in app.router.routes
        if route.path.startswith("api/") and "HEAD" not in route.methods and described(route) is None
    ]
    assert undescribed == []


async def test_every_operation_declares_its_answers_in_the_error_shape(api):
    spec = await _spec(api)
    for path, method, op in _operations(spec):
        codes = set(op["responses"])
        assert "401" in codes, (method, path)
        assert any(code.startswith("2") for code in codes), (method, path)
        if "{" in path:
            assert "404" in codes, (method, path)
        assert "413" in codes, (method, path)  # a request line and headers over 8 KiB: any operation
        if "requestBody" in op or any(p["in"] in ("query", "header") for p in op.get("parameters", [])):
            assert "422" in codes, (method, path)
        for param in op.get("parameters", []):  # every string a client sends has a bound the server's 8 KiB keeps
            if param["in"] in ("query", "header") and param["schema"].get("type") == "string":
                assert "maxLength" in param["schema"] or "enum" in param["schema"], (method, path, param["name"])
        if method not in ("get", "head"):
            assert "403" in codes, (method, path)
    refused = spec["paths"]["/api/v1/merchant/orders/{order_id}/ship"]["post"]["responses"]["409"]
    assert refused["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert spec["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "from POST /api/v1/auth/token",
    }


async def test_role_routes_declare_403_and_public_routes_take_a_token_optionally(api):
    spec = await _spec(api)
    merchant = spec["paths"]["/api/v1/merchant/products"]["get"]
    assert "403" in merchant["responses"] and merchant["security"] == [{"bearer": []}]
    public = spec["paths"]["/api/v1/products"]["get"]
    assert "403" not in public["responses"] and {} in public["security"]


async def test_what_operations_read_is_declared(api):
    spec = await _spec(api)
    paths = spec["paths"]
    key = next(p for p in paths["/api/v1/checkout"]["post"]["parameters"] if p["name"] == "Idempotency-Key")
    assert key["in"] == "header" and key["required"] and key["schema"]["pattern"]
    search = {p["name"]: p for p in paths["/api/v1/products"]["get"]["parameters"]}
    assert {"q", "category", "shop", "min_price", "max_price", "sort", "page", "per_page"} <= set(search)
    assert search["page"]["schema"]["type"] == "integer" and search["page"]["in"] == "query"
    for listing in ("/api/v1/orders", "/api/v1/merchant/orders", "/api/v1/shops", "/api/v1/merchant/products"):
        assert "page" in {p["name"] for p in paths[listing]["get"]["parameters"]}, listing
    upload = paths["/api/v1/merchant/images"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert upload["schema"]["properties"]["image"] == {
        "type": "string",
        "format": "binary",
        "description": "a JPEG, PNG, GIF or WebP picture",
    }


async def test_times_are_declared_as_date_time(api):
    spec = await _spec(api)
    paths = spec["paths"]

    def answer(path, method="get", status="200"):
        return paths[path][method]["responses"][status]["content"]["application/json"]["schema"]

    assert answer("/api/v1/orders/{order_id}")["properties"]["created_at"]["format"] == "date-time"
    assert answer("/api/v1/products/{product_id}")["properties"]["created_at"]["format"] == "date-time"
    assert answer("/api/v1/shops/{slug}")["properties"]["created_at"]["format"] == "date-time"
    assert answer("/api/v1/checkout", "post", "201")["properties"]["expires_at"]["format"] == "date-time"
    assert answer("/api/v1/flash-sales/{sale_id}")["properties"]["starts_at"]["format"] == "date-time"
    sale_in = paths["/api/v1/merchant/flash-sales"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert sale_in["properties"]["starts_at"]["format"] == "date-time"


async def test_a_wrong_password_answers_in_the_usual_error_shape(api, factory):
    user = await factory.user()
    response = await api.post("/api/v1/auth/token", json={"email": user.email, "password": "not-the-password"})
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["status"] == 401 and error["request_id"] and error["message"]


async def test_the_docs_page_shows_every_operation_with_what_it_reads(web):
    response = await web.get("/api/v1/docs")
    assert response.status_code == 200
    assert "multipart/form-data" in response.text and "Idempotency-Key" in response.text
    assert response.text.count('class="card api-op"') >= 54
