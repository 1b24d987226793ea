"""Small helpers shared by the shop tests."""

from __future__ import annotations

import io
from contextlib import asynccontextmanager

from PIL import Image

from tests.conftest import Web

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'


def png(size=(40, 40), colour=(200, 80, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def application(**overrides) -> dict:
    return {
        "name": "Mountain Tea 山茶",
        "slug": "mountain-tea",
        "category": "tea",
        "description": "Oolong from Nantou.",
        "contact_email": "tea@example.test",
        "contact_phone": "+886 2 1234 5678",
        **overrides,
    }


def no_file() -> dict:
    """What a browser sends for an empty <input type=file>."""
    return {"logo": ("", b"", "application/octet-stream")}


@asynccontextmanager
async def browser(app, email: str | None = None):
    """A second, independent browser tab (e.g. the operator next to the applicant)."""
    async with Web(base_url=app.ctx.base_url, follow_redirects=False, timeout=30) as tab:
        if email:
            await tab.sign_in(email)
        yield tab


def media_files(container) -> set[str]:
    folder = container.settings.var_path / "media"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()
