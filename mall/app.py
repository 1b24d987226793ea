"""create_app(), the composition root of the web app: settings, listeners, every domain's blueprints
in one group, and the hooks through which the web toolkit asks the domains who a request is."""

from __future__ import annotations

import asyncio
import gc
import logging

from sanic import Blueprint, Sanic

from mall.accounts import identity
from mall.config import Settings, load_settings
from mall.infra import mongo
from mall.infra import redis as redis_infra
from mall.web import MallRequest, build_web
from mall.web.templating import TEMPLATES

log = logging.getLogger("mall")


class Misconfigured(RuntimeError):
    """Settings the app cannot run with, said before anything starts."""


class EmbeddedMultiWorker(Misconfigured):
    pass


def check_topology(settings: Settings) -> None:
    """Refuse several workers on embedded storage: each worker would get its
    own in-memory database and its own Redis, so shoppers would see different
    data depending on which worker answered. Refuse a job queue on a Redis Cluster."""
    if settings.workers > 1 and settings.embedded:
        raise EmbeddedMultiWorker(
            "refusing to start %d workers on the embedded in-memory database/Redis: "
            "each worker process would hold its own copy of the data. Set MALL_MONGO_URL "
            "and MALL_REDIS_URL to real servers, or use MALL_WORKERS=1." % settings.workers
        )
    if redis_infra.is_cluster(settings.queue_url):
        from mall.infra.jobs import ON_CLUSTER

        raise Misconfigured(ON_CLUSTER)


def create_app(settings: Settings | None = None, *, container=None, name: str = "mall") -> Sanic:
    """Build the app. Tests pass a ready `container` (their own db/redis/clock)."""
    settings = settings or (container.settings if container else load_settings())
    check_topology(settings)
    app = Sanic(name, log_config=None if Sanic.test_mode else _log_config(), request_class=MallRequest)
    app.config.update(
        {
            "ACCESS_LOG": settings.access_log,
            "FALLBACK_ERROR_FORMAT": "html",
            "REQUEST_MAX_SIZE": settings.max_upload_bytes + 1024 * 1024,
            "KEEP_ALIVE_TIMEOUT": 15,
            # sanic-ext leaves routes under its own prefix out of the document,
            # so it lives apart; /api/v1/openapi.json and /api/v1/docs are ours.
            # Its UI pages only point to our docs page: the stock UIs load
            # scripts from a CDN, which the CSP forbids.
            "OAS_URL_PREFIX": "/oas",
            "OAS_UI_DEFAULT": "redoc",
            "OAS_UI_REDOC": True,
            "OAS_URI_TO_REDOC": "/redoc",
            "OAS_PATH_TO_REDOC_HTML": str(TEMPLATES / "web" / "openapi_index.html"),
            "OAS_UI_SWAGGER": False,
            "OAS_IGNORE_HEAD": True,
            "OAS_IGNORE_OPTIONS": True,
            "CORS": False,
            "HTTP_AUTO_HEAD": True,  # HEAD wherever GET answers (mall.web gives each twin its access)
            "HTTP_AUTO_OPTIONS": False,
            "TEMPLATING_ENABLE_ASYNC": True,
            "HEALTH": False,
        }
    )
    app.ctx.settings = settings
    app.ctx.c = container
    app.ctx.ready = container is not None  # a handed-over container is ready; else get_ready opens the app
    app.ctx.identity = identity
    app.ctx.signed_in_context = signed_in_context
    build_web(app, settings, blueprints())
    app.ctx.personal_parts.update(personal_parts())

    @app.before_server_start
    async def start_storage(app):
        if app.ctx.c is not None:
            return
        app.ctx.embedded_redis = None
        redis_url = settings.redis_url
        if not redis_url:
            app.ctx.embedded_redis = start_embedded_redis(settings)
            app.ctx.redis_watch = asyncio.create_task(app.ctx.embedded_redis.supervise(), name="redis-supervisor")
            redis_url = app.ctx.embedded_redis.url
        client, db = mongo.connect(settings.mongo_url, settings.mongo_db, interleave=settings.mongo_interleave)
        app.ctx.mongo_client = client
        from mall.bootstrap import build

        app.ctx.c = build(settings, db, redis_infra.client(redis_url), redis_url)
        await app.ctx.c.ensure_indexes()
        await start_hub(app)
        if not settings.mongo_url:
            log.warning(IN_MEMORY)

    @app.after_server_start
    async def embedded_extras(app):
        if getattr(app.ctx, "mongo_client", None) is None:
            return
        if settings.embedded:
            from mall.infra.jobs import make_queue, make_worker, run_in_background
            from mall.worker import cron_jobs, functions

            queue = make_queue(app.ctx.c.queue_url, worker=True)
            app.ctx.worker = make_worker(queue, functions(), app.ctx.c, cron_jobs=cron_jobs())
            app.ctx.worker_task = await run_in_background(app.ctx.worker)
        app.ctx.getting_ready = asyncio.create_task(get_ready(app, settings), name="getting-ready")

    @app.after_server_stop
    async def stop_storage(app):
        if getattr(app.ctx, "mongo_client", None) is None:
            return
        owned = [getattr(app.ctx, name, None) for name in ("getting_ready", "redis_watch")]
        owned = [task for task in owned if task is not None]
        for task in owned:
            task.cancel()
        if owned:  # ended before what they use is closed (a demo write cut off must not reach a closed Redis)
            await asyncio.wait(owned, timeout=STOP_WAIT_SECONDS)
        await app.ctx.hub.stop()
        if getattr(app.ctx, "worker", None):
            await app.ctx.worker.stop()
        await app.ctx.c.close()
        await app.ctx.c.redis.aclose()
        mongo.close(app.ctx.mongo_client)
        if app.ctx.embedded_redis:
            app.ctx.embedded_redis.stop()

    return app


STOP_WAIT_SECONDS = 10

IN_MEMORY = (
    "the database is in memory (mongomock-motor): everything written is lost when the app stops, "
    "and the demo is written again at the next start. Set MALL_MONGO_URL=mongodb://... to keep it"
)


def start_embedded_redis(settings: Settings) -> redis_infra.EmbeddedRedis:
    """Redis's data is kept under var/redis/, so a restarted server has it back; with an in-memory database
    (which starts empty) it starts empty too, so nothing in it points at data that is gone."""
    embedded = redis_infra.EmbeddedRedis(settings.var_path / "redis", fresh=not settings.mongo_url).start()
    kept = "until the app stops" if embedded.fresh else "across restarts"
    log.info("embedded redis-server on %s, its data kept in %s %s", embedded.url, embedded.directory, kept)
    return embedded


async def get_ready(app: Sanic, settings: Settings) -> None:
    """Write the demo (into an in-memory database), then open: until then every page answers 503
    "starting" and /healthz says so, so nobody sees half a demo."""
    try:
        if settings.demo and not settings.mongo_url:
            from mall.demo import seed

            await seed(app.ctx.c, progress=log.info)
    except Exception:
        log.exception("the demo data could not be written completely")
    gc.collect()
    gc.freeze()  # what start-up made (the in-memory data above all) lives on: the collector stops rescanning it
    app.ctx.ready = True
    log.info("ready on http://%s:%d", settings.host, settings.port)
    if settings.demo:
        from mall.demo import demo_logins

        log.info("demo logins: %s", demo_logins())


def blueprints() -> Blueprint:
    """Every domain's routes: the only place that imports them."""
    from mall.accounts.routes import bp as accounts
    from mall.aftersales.routes import bp as aftersales
    from mall.cart.routes import bp as cart
    from mall.catalog.routes import bp as catalog
    from mall.flash_sales.routes import bp as flash_sales
    from mall.orders.routes import bp as orders
    from mall.payments.routes import bp as payments
    from mall.promotions.routes import bp as promotions
    from mall.realtime.routes import bp as realtime
    from mall.reputation.routes import bp as reputation
    from mall.reviews.routes import bp as reviews
    from mall.settlement.routes import bp as settlement
    from mall.shops.routes import bp as shops
    from mall.storefront.routes import bp as storefront
    from mall.web.pages import bp as pages

    return Blueprint.group(
        pages, accounts, payments, storefront, shops, catalog, realtime, cart, orders, flash_sales, promotions,
        reviews, reputation, aftersales, settlement,
    )  # fmt: skip


def personal_parts() -> dict:
    """How each domain fills its holes in shared pages (mall.web.pagecache)."""
    from mall.flash_sales.routes.pages import PERSONAL_PARTS as flash_sales
    from mall.promotions.routes.pages import PERSONAL_PARTS as promotions
    from mall.reviews.routes.pages import PERSONAL_PARTS as reviews
    from mall.storefront.routes import PERSONAL_PARTS as storefront

    return {**storefront, **promotions, **reviews, **flash_sales}


async def signed_in_context(c, user) -> dict:
    """What every whole page of a signed-in user carries: where each of their live channels stands (so
    the socket resumes from there), the bell's unread count, and the flash-sale holds waiting for them."""
    from mall.flash_sales import services as flash
    from mall.realtime import services as realtime
    from mall.realtime.models import allowed_channels

    rt_last, unread, flash_holds = await asyncio.gather(  # made together: one round trip of the shared batcher
        realtime.positions(c.channels, allowed_channels(user) - {"deals"}),
        realtime.unread_count(c.notifications, user.id),
        flash.live_holds(c, user.id),
    )
    return {"rt_last": rt_last, "unread": unread, "flash_holds": flash_holds}


async def start_hub(app: Sanic) -> None:
    """This worker's realtime fan-out, on a Redis connection of its own."""
    from mall.realtime.hub import Hub
    from mall.realtime.repository import ChannelStore

    app.ctx.hub = Hub(ChannelStore(redis_infra.listener(app.ctx.c.redis_url)))
    await app.ctx.hub.start()


def _log_config() -> dict:
    from sanic.log import LOGGING_CONFIG_DEFAULTS

    config = {**LOGGING_CONFIG_DEFAULTS}
    config["loggers"] = {
        **LOGGING_CONFIG_DEFAULTS["loggers"],
        "mall": {"level": "INFO", "handlers": ["console"], "propagate": False},
    }
    return config
