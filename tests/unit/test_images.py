"""SECURITY row 11: uploads are re-encoded, capped, SVG refused, randomly named."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from mall.infra.images import ImageRejected, is_media_name, store_image

LIMITS = {"max_bytes": 2_000_000, "max_pixels": 4_000_000, "max_side": 800}


def png_bytes(size=(1000, 600), color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def test_an_image_is_re_encoded_resized_and_stored_under_a_random_name(tmp_path):
    name = store_image(png_bytes(), tmp_path, **LIMITS)
    assert is_media_name(name)
    with Image.open(tmp_path / name) as stored:
        assert stored.format == "WEBP"
        assert max(stored.size) == 800


def test_svg_is_refused_even_when_named_png(tmp_path):
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    with pytest.raises(ImageRejected, match="SVG"):
        store_image(svg, tmp_path, **LIMITS)
    assert list(tmp_path.iterdir()) == []


def test_html_polyglot_and_garbage_are_refused(tmp_path):
    for data in (b"<html><script>alert(1)</script></html>", b"GIF89a<script>", b"\x00\x01\x02" * 100):
        with pytest.raises(ImageRejected):
            store_image(data, tmp_path, **LIMITS)


def test_too_large_files_and_pixel_bombs_are_refused(tmp_path):
    with pytest.raises(ImageRejected, match="too large"):
        store_image(b"x" * 2_000_001, tmp_path, **LIMITS)
    with pytest.raises(ImageRejected, match="pixels"):
        store_image(png_bytes(size=(3000, 3000)), tmp_path, **LIMITS)


def test_media_names_reject_path_tricks():
    assert not is_media_name("../../etc/passwd")
    assert not is_media_name("a" * 32 + ".svg")
