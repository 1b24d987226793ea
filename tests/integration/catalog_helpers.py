"""Small helpers shared by the catalog tests."""

from __future__ import annotations

import io

from PIL import Image

from mall.catalog.models import AttributeDef, AttrType

SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'
TEA_DEFS = [
    AttributeDef("origin", "Origin 產地", AttrType.ENUM, required=True, options=["凍頂", "阿里山"]),
    AttributeDef("weight", "Net weight", AttrType.NUMBER, unit="g"),
    AttributeDef("organic", "Organic", AttrType.BOOLEAN),
]


def png(size=(40, 40), colour=(40, 120, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def product_form(**overrides) -> dict:
    """What the new-product form posts for a one-variant tea (field names as the page renders them)."""
    return {
        "name_en": "Dongding Oolong",
        "name_zh_Hant": "凍頂烏龍茶",
        "category_id": "",
        "description": "Roasted twice.",
        "attr.origin": "凍頂",
        "attr.weight": "150",
        "vrow": "a1",
        "v.a1.sku": "DD-150",
        "v.a1.price": "680",
        "v.a1.stock": "12",
        "listed": "1",
        "action": "save",
        **overrides,
    }


def api_product(**overrides) -> dict:
    return {
        "name": {"en": "Alishan Oolong", "zh_Hant": "阿里山烏龍茶"},
        "description": "<p>High mountain.</p>",
        "attributes": {"origin": "阿里山", "weight": 150},
        "variants": [{"sku": "AL-150", "price": 98000, "stock": 5}],
        **overrides,
    }


async def token(api, email: str, password: str = "password123") -> dict:
    response = await api.post("/api/v1/auth/token", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}
