"""Static files under fingerprinted URLs: templates ask `static("css/mall.css")` and get
`/static/css/mall.css?v=<hash of its bytes>`, which is answered with a year's `immutable` Cache-Control (a changed
file gets a new URL, so a browser never keeps an old one). Any other URL of the file is answered with `no-cache`
and an ETag. Text files are kept in memory with their gzip and brotli forms, made once.

Files are read once; with `dev_reload` on they are looked at again when they change."""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

import brotli
from sanic import Request
from sanic.exceptions import NotFound
from sanic.response import HTTPResponse

from mall.web import compression

STATIC = Path(__file__).resolve().parent.parent.parent / "static"
YEAR = "public, max-age=31536000, immutable"
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}


@dataclass
class Asset:
    path: Path
    mtime: float
    version: str
    content_type: str
    body: bytes
    gzip: bytes | None
    br: bytes | None

    @classmethod
    def read(cls, path: Path) -> Asset:
        body = path.read_bytes()
        kind = TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        packed = compression.compressible(kind) and len(body) > compression.MIN_BYTES
        return cls(
            path=path,
            mtime=path.stat().st_mtime,
            version=hashlib.blake2b(body, digest_size=5).hexdigest(),
            content_type=kind,
            body=body,
            gzip=gzip.compress(body, compresslevel=9, mtime=0) if packed else None,
            br=brotli.compress(body, quality=11) if packed else None,
        )


class Assets:
    def __init__(self, root: Path = STATIC):
        self.root = root
        self.reload = False
        self.files: dict[str, Asset] = {}

    def get(self, name: str) -> Asset | None:
        asset = self.files.get(name)
        if asset is not None and not self.reload:
            return asset
        path = self._path(name)
        if path is None:
            self.files.pop(name, None)
            return None
        if asset is None or asset.mtime != path.stat().st_mtime:
            asset = self.files[name] = Asset.read(path)
        return asset

    def _path(self, name: str) -> Path | None:
        """Only a file inside the static folder, named without tricks."""
        if not name or name.startswith("/") or "\\" in name or any(p in ("", ".", "..") for p in name.split("/")):
            return None
        path = self.root / name
        return path if path.is_file() and path.resolve().is_relative_to(self.root.resolve()) else None

    def url_for(self, name: str) -> str:
        asset = self.get(name)
        if asset is None:
            raise LookupError(f"no static file {name!r}")  # a typo in a template shows in its tests
        return f"/static/{name}?v={asset.version}"


ASSETS = Assets()
url_for = ASSETS.url_for


async def media_headers(request: Request, response) -> None:
    """Uploaded pictures get a random name each (mall.infra.images) and never change under it: kept a year too."""
    if request.path.startswith("/media/") and response.status == 200:
        response.headers["Cache-Control"] = YEAR


async def serve(request: Request, name: str) -> HTTPResponse:
    asset = ASSETS.get(name)
    if asset is None:
        raise NotFound("No such file.")
    tag = f'"{asset.version}"'
    headers = {"ETag": tag, "Cache-Control": YEAR if request.args.get("v") == asset.version else "no-cache"}
    if asset.gzip is not None:
        headers["Vary"] = "Accept-Encoding"
    if tag in (t.strip() for t in request.headers.get("if-none-match", "").split(",")):
        return HTTPResponse(status=304, headers=headers)
    body = asset.body
    coding = compression.choose(request.headers.get("accept-encoding", "")) if asset.gzip is not None else None
    if coding is not None:
        body = asset.br if coding == "br" else asset.gzip
        headers["Content-Encoding"] = coding
    return HTTPResponse(body, headers=headers, content_type=asset.content_type)
