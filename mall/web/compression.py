"""Compressed answers: brotli where the client accepts it, else gzip, for HTML, CSS, JavaScript, JSON and SVG over
1 KiB, always with `Vary: Accept-Encoding`; the bytes decompress to exactly what an uncompressed answer carries.

A cached page (mall.web.pagecache) is mostly the same bytes for everyone with a few per-request pieces (a CSRF
token, the time): its shared parts are deflated once, and each answer is spliced from them and the fresh pieces
(stored blocks) into one gzip stream (`spliced_gzip`). No per-request compression, the same bytes after
decompression. Brotli cannot be spliced that way, so such pages come gzipped (every browser that accepts br
accepts gzip too)."""

from __future__ import annotations

import gzip
import struct
import zlib

import brotli

MIN_BYTES = 1024
COMPRESSIBLE = ("text/html", "text/css", "text/javascript", "application/javascript", "application/json",
                "image/svg+xml", "text/plain")  # fmt: skip
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # no name, no time, unknown OS
FINAL_EMPTY_BLOCK = b"\x01\x00\x00\xff\xff"
STORED_MAX = 0xFFFF


def accepted(header: str) -> set[str]:
    """The codings an Accept-Encoding header allows (q=0 refuses one)."""
    codings = set()
    for part in header.lower().split(","):
        name, _, params = part.strip().partition(";")
        q = params.strip()
        if q.startswith("q="):
            try:
                if float(q[2:]) <= 0:
                    continue
            except ValueError:
                continue
        if name:
            codings.add(name.strip())
    return codings


def choose(header: str, *, brotli_ok: bool = True) -> str | None:
    codings = accepted(header)
    if brotli_ok and "br" in codings:
        return "br"
    if "gzip" in codings or "*" in codings:
        return "gzip"
    return None


def compressible(content_type: str | None) -> bool:
    return (content_type or "").split(";")[0].strip() in COMPRESSIBLE


def encode(body: bytes, coding: str) -> bytes:
    if coding == "br":
        return brotli.compress(body, quality=5)
    return gzip.compress(body, compresslevel=6, mtime=0)


def add_vary(headers, value: str = "Accept-Encoding") -> None:
    present = [v.strip() for v in headers.get("Vary", "").split(",") if v.strip()]
    if value.lower() not in (v.lower() for v in present):
        headers["Vary"] = ", ".join([*present, value])


async def compress_response(request, response) -> None:
    """Response middleware: compress what is worth it, once, unless it is compressed already."""
    headers = response.headers
    body = response.body
    if request.method == "HEAD" or body is None or "Content-Encoding" in headers:
        return
    if not compressible(response.content_type) or len(body) <= MIN_BYTES or response.status in (204, 304):
        return
    add_vary(headers)
    coding = choose(request.headers.get("accept-encoding", ""))
    if coding is not None:
        response.body = encode(body, coding)
        headers["Content-Encoding"] = coding
        headers.pop("Content-Length", None)


# --- splicing -----------------------------------------------------------------------------------------------


def deflated_pieces(pieces: list[bytes]) -> list[bytes]:
    """Each piece as raw deflate that starts afresh and ends byte-aligned (a full flush), so pieces and stored
    blocks between them can be laid end to end into one valid deflate stream."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return [compressor.compress(piece) + compressor.flush(zlib.Z_FULL_FLUSH) for piece in pieces]


def stored(data: bytes) -> bytes:
    """`data` as deflate stored (uncompressed) blocks, none of them final."""
    out = bytearray()
    for start in range(0, len(data), STORED_MAX):
        chunk = data[start : start + STORED_MAX]
        out += b"\x00" + struct.pack("<HH", len(chunk), len(chunk) ^ 0xFFFF) + chunk
    return bytes(out)


def spliced_gzip(items: list[tuple[bytes, bytes | None]]) -> bytes:
    """One gzip member from (plain, deflated-or-None) items in order: a deflated piece goes in as it is, a fresh
    one (None) as stored blocks. The trailer's CRC and length are those of all the plain bytes."""
    crc, size = 0, 0
    out = [GZIP_HEADER]
    for plain, deflated in items:
        crc = zlib.crc32(plain, crc)
        size += len(plain)
        out.append(deflated if deflated is not None else stored(plain))
    out.append(FINAL_EMPTY_BLOCK)
    out.append(struct.pack("<II", crc & 0xFFFFFFFF, size & 0xFFFFFFFF))
    return b"".join(out)
