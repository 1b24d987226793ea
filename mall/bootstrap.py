"""Composition root: builds every repository once and hands them to the app,
the CLI and the tests. Services receive what they need from here."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from mall.accounts import services as accounts
from mall.accounts.repository import SessionStore, TokenStore, UserRepository
from mall.aftersales import services as aftersales
from mall.aftersales.repository import CaseRepository
from mall.cart.repository import CartRepository
from mall.catalog.repository import AttributeSetRepository, CategoryRepository, ProductRepository
from mall.config import Settings
from mall.flash_sales.repository import FlashSaleRepository, FlashSaleStore
from mall.flash_sales.services import lifecycle as flash_lifecycle
from mall.flash_sales.services import samples as flash_samples
from mall.infra.background import Background
from mall.infra.clock import SystemClock
from mall.infra.events import EventBus
from mall.infra.jobs import make_queue
from mall.infra.pagestore import PageStore
from mall.infra.ratelimit import RateLimiter
from mall.infra.watch import WatchedDatabase
from mall.orders.repository import AddressRepository, CheckoutRepository, OrderRepository, ShippingRepository
from mall.orders.services.flash_lines import FlashLedger
from mall.payments.repository import PaymentRepository
from mall.promotions.repository import PromotionRepository
from mall.promotions.services import lifecycle as promotions_lifecycle
from mall.realtime import live
from mall.realtime.repository import ChannelStore, NotificationRepository
from mall.reputation.repository import HealthRepository
from mall.reviews import services as reviews_services
from mall.reviews.repository import ReviewRepository
from mall.settlement import live as settlement_live
from mall.settlement import services as settlement
from mall.settlement.repository import LedgerRepository, RuleRepository, StatementRepository
from mall.shops.repository import InviteRepository, ShopRepository
from mall.storefront import freshness


async def no_open_case(order_id: str) -> set[int]:
    """Until after-sales is wired in: no after-sales case is open on any line (every line settles on time)."""
    return set()


async def no_dispute(shop_id: str) -> int:
    """Until after-sales is wired in: no shop has an open dispute (nothing is held back from payouts)."""
    return 0


@dataclass
class Container:
    settings: Settings
    db: Any
    redis: Any
    clock: Any
    users: UserRepository
    sessions: SessionStore
    tokens: TokenStore
    limiter: RateLimiter
    queue: Any
    redis_url: str
    queue_url: str  # the job queue's Redis: redis_url, unless that is a cluster (see settings.toml)
    events: EventBus
    channels: ChannelStore
    notifications: NotificationRepository
    shops: ShopRepository
    invites: InviteRepository
    categories: CategoryRepository
    attribute_sets: AttributeSetRepository
    products: ProductRepository
    payments: PaymentRepository
    carts: CartRepository
    addresses: AddressRepository
    shipping: ShippingRepository
    checkouts: CheckoutRepository
    orders: OrderRepository
    flash_sales: FlashSaleRepository
    flash_store: FlashSaleStore
    sold_ledger: Any  # what orders say sold through each flash sale (mall.flash_sales.models.SoldLedger)
    promotions: PromotionRepository
    reviews: ReviewRepository
    health: HealthRepository
    cases: CaseRepository
    ledger: LedgerRepository
    statements: StatementRepository
    commission_rules: RuleRepository
    pages: PageStore  # kept storefront pages (mall.storefront.freshness says when they stop being right)
    # After-sales as settlement sees it: the positions of an order's lines with an open case (not settled while
    # open) and the amount of a shop's open disputes (held back from its payouts); after-sales installs both.
    aftersales_open_lines: Callable[[str], Awaitable[set[int]]] = no_open_case
    disputed_amount: Callable[[str], Awaitable[int]] = no_dispute
    background: Background = field(default_factory=Background)  # delayed pushes; close() stops them

    async def close(self) -> None:
        """Stop the work this container started and still owns (the caller closes db and redis)."""
        await self.background.close()

    async def ensure_indexes(self) -> None:
        for repo in (
            self.users,
            self.notifications,
            self.shops,
            self.invites,
            self.payments,
            self.categories,
            self.attribute_sets,
            self.products,
            self.carts,
            self.addresses,
            self.shipping,
            self.checkouts,
            self.orders,
            self.flash_sales,
            self.promotions,
            self.reviews,
            self.health,
            self.cases,
            self.ledger,
            self.statements,
            self.commission_rules,
        ):
            await repo.ensure_indexes()


def build(settings: Settings, db, redis, redis_url: str, clock=None) -> Container:
    accounts.use_hash_profile(settings.password_hash_profile)
    pages = PageStore(redis, max_bytes=settings.page_cache_mib * 1024 * 1024, enabled=settings.page_cache)
    db = WatchedDatabase(
        db, freshness.WATCHED, lambda collection, doc_id: pages.bump(freshness.written(collection, doc_id))
    )
    checkouts = CheckoutRepository(db)
    queue_url = settings.queue_redis_url or redis_url
    container = Container(
        settings=settings,
        db=db,
        redis=redis,
        clock=clock or SystemClock(),
        users=UserRepository(db),
        sessions=SessionStore(redis, settings.session_ttl),
        tokens=TokenStore(redis, settings.token_ttl),
        limiter=RateLimiter(redis),
        queue=make_queue(queue_url),
        redis_url=redis_url,
        queue_url=queue_url,
        events=EventBus(),
        channels=ChannelStore(redis),
        notifications=NotificationRepository(db, redis),
        shops=ShopRepository(db),
        invites=InviteRepository(db),
        categories=CategoryRepository(db),
        attribute_sets=AttributeSetRepository(db),
        products=ProductRepository(db),
        payments=PaymentRepository(db),
        carts=CartRepository(db),
        addresses=AddressRepository(db),
        shipping=ShippingRepository(db),
        checkouts=checkouts,
        orders=OrderRepository(db),
        flash_sales=FlashSaleRepository(db),
        flash_store=FlashSaleStore(redis),
        sold_ledger=FlashLedger(checkouts),
        promotions=PromotionRepository(db),
        reviews=ReviewRepository(db),
        health=HealthRepository(db),
        cases=CaseRepository(db),
        ledger=LedgerRepository(db),
        statements=StatementRepository(db),
        commission_rules=RuleRepository(db),
        pages=pages,
    )
    reviews_services.install(container)  # sold counts follow the orders' events
    live.install(container)
    flash_samples.install(container)
    flash_lifecycle.install(container)
    promotions_lifecycle.install(container)
    aftersales.install(container)
    settlement.install(container)
    settlement_live.install(container)
    return container
