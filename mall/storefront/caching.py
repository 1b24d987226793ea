"""A storefront page, kept for everyone (mall.web.pagecache) by what it shows (mall.storefront.freshness)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import cache

from sanic import Request

from mall.storefront import freshness
from mall.web import pagecache

ALWAYS = (0, 2**62)


@cache
def _names(deps: tuple[str, ...]) -> tuple[tuple[str, ...], list[int]]:
    """The versions to read for a page: its own, then the edges' (and where each edge collection is among them)."""
    names = tuple(dict.fromkeys((*deps, *freshness.EDGES)))
    return names, [names.index(name) for name in freshness.EDGES]


def every_sale(_sale) -> bool:
    return True


async def cached_page(
    request: Request,
    deps: tuple[str, ...],
    build: Callable[[], Awaitable],
    *,
    sales: Callable | None = None,
    counts: bool = False,
    sale_id: str | None = None,
):
    """`build()` renders the page (through mall.web.templating.render). `deps`: the collections it shows; `sales`:
    which flash sales on show it shows stock of (their remaining units: `counts`, else only whether any are left);
    `sale_id`: a sale it shows exactly, on show or not."""
    c = request.app.ctx.c
    if not c.pages.usable:
        return await pagecache.cached(request, (), valid=lambda: ALWAYS, build=build)
    names, edges_at = _names(deps)
    epoch, versions = await c.pages.versions.read(names)
    memo = await freshness.on_show(c, (epoch, *(versions[i] for i in edges_at)))
    sale_ids = [s.id for s in memo.sales if sales(s)] if sales else []
    if sale_id is not None and sale_id not in sale_ids:
        sale_ids.append(sale_id)
    left = await freshness.flash_counts(c, sale_ids) if sale_ids else {}
    shown = tuple(left.items()) if counts else tuple((k, v is None or v > 0) for k, v in left.items())

    def valid() -> tuple[int, int]:
        starts, ends = freshness.window(memo.edges, c.clock.now())
        return pagecache.epoch_ms(starts), pagecache.epoch_ms(ends)

    with freshness.counts_as_of(left):
        return await pagecache.cached(request, (epoch, names, versions, shown), valid=valid, build=build)
