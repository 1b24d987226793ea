"""Uploaded images: re-encoded into the media folder off the event loop, under the configured caps
(max_upload_bytes, max_image_pixels, image_max_side). ImageRejected (mall.infra.images) says why not."""

from __future__ import annotations

import asyncio

from mall.infra.images import store_image


async def stored_image(settings, body: bytes, *, max_side: int | None = None) -> str:
    """The stored file's name; `max_side` may only shrink the configured longest side."""
    side = min(max_side, settings.image_max_side) if max_side else settings.image_max_side
    return await asyncio.to_thread(
        store_image, body, settings.var_path / "media", max_bytes=settings.max_upload_bytes,
        max_pixels=settings.max_image_pixels, max_side=side,
    )  # fmt: skip
