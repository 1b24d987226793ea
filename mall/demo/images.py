"""Locally drawn demo pictures (no downloads): product tiles, shop logos, banners.

Names are derived from the content, so a restart reuses the files it drew before."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)


@cache
def _font(size: int):
    for path in CJK_FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size, index=3 if path.endswith("CJK-Bold.ttc") else 0), True
    return ImageFont.load_default(size=size), False


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))


def _mix(a, b, t: float):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def _gradient(size, top, bottom) -> Image.Image:
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        draw.line([(0, y), (width, y)], fill=_mix(top, bottom, y / max(height - 1, 1)))
    return image


def _name(key: str) -> str:
    return hashlib.md5(key.encode(), usedforsecurity=False).hexdigest() + ".webp"


def _save(image: Image.Image, media_dir: Path, key: str) -> str:
    name = _name(key)
    path = media_dir / name
    if not path.exists():
        media_dir.mkdir(parents=True, exist_ok=True)
        image.save(path, "WEBP", quality=80, method=4)
    return name


def _glyphs(zh: str, en: str) -> str:
    cjk = [ch for ch in zh if "\u4e00" <= ch <= "\u9fff"]
    _font_obj, has_cjk = _font(10)
    if has_cjk and cjk:
        return "".join(cjk[:2])
    return "".join(word[0] for word in en.split()[:2]).upper()


def _centered(draw, box, text, font, fill):
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    x = box[0] + (box[2] - box[0] - (right - left)) / 2 - left
    y = box[1] + (box[3] - box[1] - (bottom - top)) / 2 - top
    draw.text((x, y), text, font=font, fill=fill)


def product_image(media_dir: Path, *, theme: str, en: str, zh: str, variant: int = 0) -> str:
    key = f"product:{theme}:{en}:{zh}:{variant}"
    if (media_dir / _name(key)).exists():
        return _name(key)
    base = _rgb(theme)
    shift = [0.82, 0.7, 0.9][variant % 3]
    image = _gradient((800, 800), _mix(base, (255, 255, 255), shift), _mix(base, (255, 255, 255), 0.55))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((170, 150, 630, 610), radius=70, fill=_mix(base, (255, 255, 255), 0.12))
    draw.ellipse((520, 90, 700, 270), fill=_mix(base, (255, 255, 255), 0.4))
    font, _ = _font(190)
    _centered(draw, (170, 150, 630, 610), _glyphs(zh, en), font, (255, 255, 255))
    small, _ = _font(40)
    _centered(draw, (40, 650, 760, 740), en[:30], small, _mix(base, (0, 0, 0), 0.35))
    return _save(image, media_dir, key)


def logo_image(media_dir: Path, *, theme: str, name: str) -> str:
    key = f"logo:{theme}:{name}"
    image = Image.new("RGB", (256, 256), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, 248, 248), fill=_rgb(theme))
    font, _ = _font(120)
    zh = name.split(" ")[0]
    _centered(draw, (8, 8, 248, 248), _glyphs(zh, name.split(" ", 1)[-1])[:1], font, (255, 255, 255))
    return _save(image, media_dir, key)


def banner_image(media_dir: Path, *, theme: str, name: str) -> str:
    key = f"banner:{theme}:{name}"
    base = _rgb(theme)
    image = _gradient((1600, 400), _mix(base, (0, 0, 0), 0.15), _mix(base, (255, 255, 255), 0.35))
    draw = ImageDraw.Draw(image)
    for i in range(6):
        r = 120 + i * 40
        draw.ellipse((1250 - r, 200 - r, 1250 + r, 200 + r), outline=_mix(base, (255, 255, 255), 0.5), width=3)
    font, _ = _font(80)
    _centered(draw, (60, 100, 1000, 300), name, font, (255, 255, 255))
    return _save(image, media_dir, key)


def snapshot_image(media_dir: Path, *, theme: str, en: str, zh: str, n: int) -> str:
    """A buyer's photo of what arrived: the product on a wooden table, a little askew (demo reviews)."""
    key = f"snapshot:{theme}:{en}:{zh}:{n}"
    if (media_dir / _name(key)).exists():
        return _name(key)
    wood = [(196, 154, 108), (176, 132, 92), (214, 178, 132)][n % 3]
    image = _gradient((600, 600), _mix(wood, (255, 255, 255), 0.25), _mix(wood, (0, 0, 0), 0.2))
    draw = ImageDraw.Draw(image)
    for y in range(40, 600, 95):
        draw.line([(0, y + n * 6), (600, y + 20 + n * 6)], fill=_mix(wood, (0, 0, 0), 0.12), width=3)
    base = _rgb(theme)
    box = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    box_draw = ImageDraw.Draw(box)
    box_draw.rounded_rectangle((0, 0, 300, 300), radius=32, fill=(*_mix(base, (255, 255, 255), 0.1), 255))
    font, _ = _font(110)
    _centered(box_draw, (0, 0, 300, 300), _glyphs(zh, en), font, (255, 255, 255))
    box = box.rotate((-8, 5, -3)[n % 3], expand=True, resample=Image.Resampling.BICUBIC)
    image.paste(box, (135 + 14 * (n % 3), 115), box)
    return _save(image, media_dir, key)
