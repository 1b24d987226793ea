"""`python -m mall ...`: serve, seed, worker, flash reconcile, reviews recompute, finance check."""

from __future__ import annotations

import argparse
import asyncio
import sys
from contextlib import asynccontextmanager

from mall.config import insecure_defaults, load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mall", description="mall: a multi-vendor storefront")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the web app (embedded storage unless MALL_* URLs are set)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int)
    sub.add_parser("seed", help="create the demo data that is missing (idempotent)")
    sub.add_parser("worker", help="run the background job worker (production topology)")
    flash = sub.add_parser("flash", help="flash sale maintenance").add_subparsers(dest="flash_command", required=True)
    reconcile = flash.add_parser("reconcile", help="check allocated = remaining + held + sold; rebuild Redis if lost")
    reconcile.add_argument("sale_id")
    reconcile.add_argument("--rebuild", action="store_true", help="rebuild Redis from MongoDB even if present")
    reviews = sub.add_parser("reviews", help="review figures").add_subparsers(dest="reviews_command", required=True)
    recompute = reviews.add_parser(
        "recompute", help="rebuild ratings, distributions, sold counts and shop ratings from the reviews and orders"
    )
    recompute.add_argument("--dry-run", action="store_true", help="report drift without repairing it")
    finance = sub.add_parser("finance", help="settlement maintenance")
    finance = finance.add_subparsers(dest="finance_command", required=True)
    check = finance.add_parser("check", help="prove the ledger: balanced entries, totals = entries, paid lines once")
    check.add_argument("--catch-up", action="store_true", help="first post what events missed, reading every order")
    args = parser.parse_args(argv)
    settings = load_settings()
    if args.command in ("serve", "worker") and insecure_defaults(settings):
        for problem in insecure_defaults(settings):
            print(f"mall: refusing to start with demo = false: {problem}", file=sys.stderr)
        return 2
    if args.command == "serve":
        return serve_command(settings, args)
    if args.command == "seed":
        return asyncio.run(seed_command(settings))
    if args.command == "worker":
        return asyncio.run(worker_command(settings))
    if args.command == "flash":
        return asyncio.run(flash_command(settings, args))
    if args.command == "reviews":
        return reviews_command(settings, args)
    if args.command == "finance":
        return asyncio.run(finance_command(settings, args))
    return 2


EMBEDDED_FLASH = (
    "mall: this mall keeps its data inside its running `python -m mall serve` process (MALL_MONGO_URL is not set), "
    "so this command cannot reach it. Check the sale in the running app instead: the operator console at "
    "/operator/flash-sales/{sale} (Check units), or POST /api/v1/operator/flash-sales/{sale}/reconcile with an "
    "operator's token. This command works when MALL_MONGO_URL (and MALL_REDIS_URL) name the servers the app uses."
)


EMBEDDED_REVIEWS = (
    "mall: the data lives inside the running server (the embedded in-memory MongoDB: MALL_MONGO_URL is not set), "
    "so this command cannot reach it. Run it in the app instead: the operator console's Reported reviews page "
    "(/operator/reviews) → Recompute now, or POST /api/v1/operator/reviews/recompute with an operator's token "
    "(?dry_run=true to report only)."
)


def reviews_command(settings, args) -> int:
    if not settings.mongo_url:
        print(EMBEDDED_REVIEWS, file=sys.stderr)
        return 2
    return asyncio.run(_reviews_recompute(settings, fix=not args.dry_run))


async def _reviews_recompute(settings, *, fix: bool) -> int:
    return await _report(settings, lambda c: reviews_recompute(c, fix=fix))


async def reviews_recompute(c, *, fix: bool = True) -> tuple[int, str]:
    """(exit code, report): 0 when nothing had drifted, 1 when something had (repaired unless `fix` is off)."""
    from mall.reviews import services as reviews

    report = await reviews.recompute(c, fix=fix)
    return (1 if report.drift else 0), "\n".join(report.lines())


EMBEDDED_LEDGER = (
    "mall: no MALL_MONGO_URL: in embedded mode the ledger lives in the memory of the running server "
    "(`make run`), which this command cannot reach, so there is nothing here to check.\n"
    "  Check it in the app instead: Finance > Check the ledger on /operator/finance, or\n"
    "  GET /api/v1/operator/finance/ledger/check with an operator's token.\n"
    "  With MALL_MONGO_URL set to a real database this command checks that database."
)


async def finance_command(settings, args) -> int:
    if not settings.mongo_url:
        print(EMBEDDED_LEDGER, file=sys.stderr, flush=True)
        return 2
    return await _report(settings, lambda c: finance_check(c, catch_up=args.catch_up))


async def finance_check(c, *, catch_up: bool = False) -> tuple[int, str]:
    """(exit code, report): 0 when the ledger checks out, 1 with every problem listed."""
    from mall.settlement import services as settlement

    lines = []
    if catch_up:
        lines.append(f"caught up: {await settlement.catch_up(c, full=True)} postings the events had missed")
    report = await settlement.check_ledger(c)
    lines.append(f"ledger: {report.entries} entries, {len(report.accounts)} accounts")
    lines += [f"  {account:<42} {balance:>16}" for account, balance in sorted(report.accounts.items())]
    if report.balanced:
        lines.append("OK: every entry balanced, every total equal to its entries, every paid line posted once")
        return 0, "\n".join(lines)
    lines.append(f"PROBLEMS ({len(report.problems)}):")
    lines += [f"  - {problem}" for problem in report.problems]
    return 1, "\n".join(lines)


async def flash_command(settings, args) -> int:
    """Reconcile from outside the app: only where the data lives outside it (a real MongoDB)."""
    from mall.bootstrap import build
    from mall.infra import mongo
    from mall.infra import redis as redis_infra

    if not settings.mongo_url:
        print(EMBEDDED_FLASH.format(sale=args.sale_id), file=sys.stderr)
        return 2
    redis_url = settings.redis_url or f"unix://{settings.var_path / 'redis' / 'redis.sock'}"  # the app's own
    redis = redis_infra.client(redis_url)
    try:
        await redis.ping()
    except redis_infra.UNAVAILABLE:
        print(f"mall: cannot reach Redis at {redis_url}: is the app running?", file=sys.stderr)
        await redis.aclose()
        return 2
    _client, db = mongo.connect(settings.mongo_url, settings.mongo_db)
    c = build(settings, db, redis, redis_url)
    try:
        code, text = await flash_reconcile(c, args.sale_id, rebuild=args.rebuild)
    finally:
        await redis.aclose()
    print(text, flush=True)
    return code


async def flash_reconcile(c, sale_id: str, *, rebuild: bool = False) -> tuple[int, str]:
    """(exit code, report): 0 when the sale's units add up, 1 on drift or an unknown sale."""
    from mall.flash_sales import services as flash

    try:
        r = await flash.reconcile(c, sale_id, rebuild=rebuild)
    except flash.FlashSaleError as exc:
        return 1, f"mall: {exc.message}"
    lines = [
        f"flash sale {sale_id}",
        f"  allocated {r.allocated} = remaining {r.remaining} + held {r.held} + sold {r.sold}",
        f"  Redis counts {r.sold_redis} sold",
        f"  drift {r.drift}" + (" (Redis rebuilt from MongoDB)" if r.rebuilt else ""),
        *(f"  note: {note}" for note in r.notes),
    ]
    return (1 if r.drift else 0), "\n".join(lines)


def serve_command(settings, args) -> int:
    from mall.app import Misconfigured, create_app

    changes = {k: v for k, v in {"host": args.host, "port": args.port, "workers": args.workers}.items() if v}
    settings = settings.replace(**changes)
    try:
        app = create_app(settings)
    except Misconfigured as exc:
        print(f"mall: {exc}", file=sys.stderr)
        return 2
    print(f"mall: starting on http://{settings.host}:{settings.port} (pages answer once it logs 'ready')", flush=True)
    from mall.infra.embedded_redis import LeftoverInUse

    try:
        app.run(
            host=settings.host,
            port=settings.port,
            workers=settings.workers,
            single_process=settings.workers == 1,
            access_log=settings.access_log,
            motd=False,
            backlog=1024,  # Sanic's 100 overflows when a flash sale opens 256+ connections at once
        )
    except LeftoverInUse as exc:  # another mall runs on this var dir
        print(f"mall: not started: {exc}", file=sys.stderr)
        return 2
    return 0


async def _standalone_container(settings):
    from mall.bootstrap import build
    from mall.infra import mongo
    from mall.infra import redis as redis_infra

    embedded = None
    redis_url = settings.redis_url
    if not redis_url:
        embedded = redis_infra.EmbeddedRedis(settings.var_path / "redis-cli", fresh=True).start()
        redis_url = embedded.url
    client, db = mongo.connect(settings.mongo_url, settings.mongo_db)
    c = build(settings, db, redis_infra.client(redis_url), redis_url)
    await c.ensure_indexes()
    return c, client, embedded


@asynccontextmanager
async def _standalone(settings):
    """A container on the configured servers (a throw-away embedded Redis when none is set), closed after."""
    c, _client, embedded = await _standalone_container(settings)
    try:
        yield c
    finally:
        await c.redis.aclose()
        if embedded:
            embedded.stop()


async def _report(settings, work) -> int:
    """Run `work(c)` -> (exit code, report) in a standalone container, then print the report."""
    async with _standalone(settings) as c:
        code, text = await work(c)
    print(text, flush=True)
    return code


DEMO_OFF = (
    "mall: refusing to seed with demo = false: the demo's accounts have a published password (an operator "
    "among them), so they must never reach a real mall. Seed a demo database with MALL_DEMO=true."
)


async def seed_command(settings) -> int:
    from mall.demo import seed

    if not settings.demo:
        print(DEMO_OFF, file=sys.stderr)
        return 2
    if not settings.mongo_url:
        print(
            "mall: no MALL_MONGO_URL: seeding a throw-away in-memory database "
            "(the embedded server seeds itself at every start).",
            flush=True,
        )
    async with _standalone(settings) as c:
        await seed(c, progress=lambda line: print(line, flush=True))
    return 0


async def worker_command(settings) -> int:
    from mall.infra.jobs import make_worker
    from mall.worker import cron_jobs, functions

    if settings.embedded:
        print(
            "mall: the worker needs MALL_MONGO_URL and MALL_REDIS_URL; in embedded mode "
            "it already runs inside `python -m mall serve`.",
            file=sys.stderr,
        )
        return 2
    from mall.app import Misconfigured, check_topology
    from mall.infra.jobs import make_queue

    try:
        check_topology(settings)
    except Misconfigured as exc:
        print(f"mall: {exc}", file=sys.stderr)
        return 2
    c, _client, _embedded = await _standalone_container(settings)
    await make_worker(make_queue(c.queue_url, worker=True), functions(), c, cron_jobs=cron_jobs()).start()
    return 0
