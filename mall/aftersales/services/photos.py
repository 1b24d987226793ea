"""Photos for requests and evidence: the same upload rules as everywhere (re-encoded by Pillow off the event loop,
size-capped, SVG refused, random names); each remembered with who uploaded it, so a case only takes its author's."""

from __future__ import annotations

import asyncio

from mall.infra.images import store_image


async def upload_photo(c, *, user_id: str, body: bytes) -> str:
    """The photo's id (its stored file name); mall.infra.images.ImageRejected says why not."""
    s = c.settings
    name = await asyncio.to_thread(
        store_image, body, s.var_path / "media", max_bytes=s.max_upload_bytes, max_pixels=s.max_image_pixels,
        max_side=s.image_max_side,
    )  # fmt: skip
    await c.cases.add_photo(name, user_id, c.clock.now())
    return name
