"""Uploaded images: decoded and re-encoded with Pillow (so nothing the uploader
wrote survives byte for byte), size-capped, SVG and non-images refused, stored
under a random name. Served from /media with nosniff."""

from __future__ import annotations

import io
import secrets
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from mall.infra.text import N_

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


class ImageRejected(ValueError):
    """The upload is not an acceptable image; the message says why (for the user)."""


def store_image(data: bytes, media_dir: Path, *, max_bytes: int, max_pixels: int, max_side: int) -> str:
    """Validate and re-encode an upload; return the stored file name (e.g. 'a1b2….webp')."""
    if not data:
        raise ImageRejected(N_("The file is empty."))
    if len(data) > max_bytes:
        raise ImageRejected(N_("The image is too large."))
    head = data[:512].lstrip().lower()
    if head.startswith(b"<") or b"<svg" in head:
        raise ImageRejected(N_("SVG and other markup files are not accepted; upload a JPEG, PNG, WebP or GIF."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise ImageRejected(N_("Only JPEG, PNG, WebP and GIF images are accepted."))
            width, height = probe.size
            if width * height > max_pixels:
                raise ImageRejected(N_("The image has too many pixels."))
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
            image.thumbnail((max_side, max_side))
            return save_image(image, media_dir)
    except ImageRejected:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ImageRejected(N_("This file is not an image we can read.")) from exc


def save_image(image: Image.Image, media_dir: Path) -> str:
    """Encode as WebP under a fresh random name (no metadata is copied)."""
    media_dir.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.webp"
    image.save(media_dir / name, "WEBP", quality=82, method=4)
    return name


def is_media_name(name: object) -> bool:
    return (
        isinstance(name, str)
        and len(name) == 37
        and name.endswith(".webp")
        and all(ch in "0123456789abcdef" for ch in name[:32])
    )
