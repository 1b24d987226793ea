"""HTTP caching and compression: a revalidated page is a 304 without a body; static files have fingerprinted URLs
kept a year (`immutable`); HTML, CSS, JavaScript and JSON over 1 KiB come gzipped or brotli-compressed when the
client accepts it, with `Vary: Accept-Encoding`, and decompress to exactly the bytes of the uncompressed answer."""

from __future__ import annotations

import gzip
import os
import re

import brotli

from mall.web.static import STATIC


async def raw(client, path: str, encoding: str, **headers) -> tuple:
    """(status, headers, the bytes on the wire) of a GET with this Accept-Encoding."""
    async with client.stream("GET", path, headers={"Accept-Encoding": encoding, **headers}) as response:
        body = b"".join([chunk async for chunk in response.aiter_raw()])
    return response.status_code, response.headers, body


def decoded(headers, body: bytes) -> bytes:
    coding = headers.get("content-encoding")
    return {"gzip": gzip.decompress, "br": brotli.decompress}.get(coding, lambda b: b)(body)


async def test_compressed_and_plain_answers_are_the_same_bytes_kept_pages_json_and_static_files(web, factory):
    tea = await factory.stocked_product(price=20000, stock=10, name="Compressed oolong")
    for n in range(4):
        await factory.stocked_product(price=30000 + n, stock=10, name=f"More oolong {n}")
    await web.get(f"/p/{tea.id}")  # the session and a kept page
    paths = [f"/p/{tea.id}", "/search?q=oolong", "/login", "/api/v1/products?q=oolong", "/api/v1/openapi.json"]
    page = (await web.get("/")).text
    paths += re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js)\?v=\w+)"', page)
    for path in paths:
        status, plain_headers, plain = await raw(web, path, "identity")
        assert status == 200 and "content-encoding" not in plain_headers, path
        if len(plain) <= 1024:  # not worth it: sent as it is
            _status, headers, body = await raw(web, path, "gzip, deflate, br")
            assert "content-encoding" not in headers and body == plain, path
            continue
        kept = path.startswith(("/p/", "/search"))  # spliced from gzip pieces: gzip whenever the client takes it
        for accepted, expected in (("gzip", "gzip"), ("br", "br"), ("gzip, deflate, br", "gzip" if kept else "br")):
            status, headers, body = await raw(web, path, accepted)
            assert status == 200 and headers["content-encoding"] == expected, (path, accepted)
            assert "Accept-Encoding" in headers["vary"], path
            assert len(body) < len(plain), path
            assert decoded(headers, body) == plain, (path, accepted)  # the very same bytes


async def test_a_page_revalidated_with_its_etag_is_a_304_without_a_body(web, factory):
    tea = await factory.stocked_product(price=20000, stock=10)
    first = await web.get(f"/p/{tea.id}")
    tag = first.headers["etag"]
    assert tag.startswith('W/"') and first.headers["cache-control"] == "private, no-cache"

    again = await web.get(f"/p/{tea.id}", headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b"" and again.headers.get("content-length", "0") == "0"
    assert again.headers["etag"] == tag and re.fullmatch(r"now;desc=\d+", again.headers["server-timing"])
    for header in ("content-security-policy", "x-frame-options", "vary", "cache-control"):  # the kept page's, renewed
        assert again.headers[header] == first.headers[header], header

    other = await web.get(f"/p/{tea.id}", headers={"If-None-Match": 'W/"something-else"'})
    assert other.status_code == 200 and other.text == first.text
    head = await web.head(f"/p/{tea.id}", headers={"If-None-Match": tag})
    assert head.status_code == 304 and head.content == b""


async def test_another_visitor_never_revalidates_into_someone_elses_page(app, web, factory):
    tea = await factory.stocked_product(price=20000, stock=10)
    mine = await web.get(f"/p/{tea.id}")
    shopper = await factory.user()
    from tests.conftest import Web

    async with Web(base_url=app.ctx.base_url, timeout=30) as other:
        await other.sign_in(shopper.email)
        theirs = await other.get(f"/p/{tea.id}", headers={"If-None-Match": mine.headers["etag"]})
    assert theirs.status_code == 200  # their page differs (their token, their menu): the whole page
    assert shopper.email in theirs.text


async def test_static_files_have_fingerprinted_urls_kept_a_year_and_answer_head_and_revalidation(
    web, container, factory
):
    from tests.integration.storefront_world import picture

    product = await factory.product(images=[picture(container)])
    page = (await web.get("/")).text
    css = re.search(r'href="(/static/css/mall\.css\?v=([0-9a-f]+))"', page)
    assert css, "the layout links its stylesheet through the static() helper"
    url = css.group(1)
    on_disk = (STATIC / "css" / "mall.css").read_bytes()

    got = await web.get(url, headers={"Accept-Encoding": "identity"})
    assert got.status_code == 200 and got.content == on_disk
    assert got.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert got.headers["content-type"].startswith("text/css")
    head = await web.head(url)
    assert head.status_code == 200 and head.content == b"" and head.headers["cache-control"].endswith("immutable")

    unversioned = await web.get("/static/css/mall.css")  # an old or hand-made link: revalidated, not kept a year
    assert unversioned.headers["cache-control"] == "no-cache" and unversioned.content == on_disk
    again = await web.get("/static/css/mall.css", headers={"If-None-Match": unversioned.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert (await web.get("/static/css/nothing.css")).status_code == 404
    picture = re.search(r'src="(/media/[0-9a-f]{32}\.webp)"', (await web.get(f"/p/{product.id}")).text).group(1)
    uploaded = await web.get(picture)  # an uploaded picture's name is random and never reused: kept a year too
    assert uploaded.status_code == 200 and uploaded.headers["cache-control"].endswith("immutable")
    assert (await web.get("/static/../settings.toml")).status_code == 404


def test_templates_are_compiled_once_and_not_looked_at_again(app, monkeypatch):
    """Outside development, rendering a page asks nothing of the disk (Jinja's auto-reload is off)."""
    env = app.ctx.jinja
    for name in ("storefront/home.html", "base.html"):
        env.get_template(name)  # the first use reads and compiles (whichever test came first)
    looked = []
    real = os.path.getmtime
    monkeypatch.setattr(os.path, "getmtime", lambda path: looked.append(path) or real(path))
    for _ in range(3):
        env.get_template("storefront/home.html")
        env.get_template("base.html")
    assert env.auto_reload is False and looked == []
