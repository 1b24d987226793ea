"""Typed settings: settings.toml, then MALL_* environment variables on top."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEV_WEBHOOK_SECRET = "dev-only-sandbox-webhook-secret"  # noqa: S105 (settings.toml documents it)
DEV_PAYOUT_SECRET = "dev-only-sandbox-payout-secret"  # noqa: S105 (settings.toml documents it)


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    public_url: str = "http://127.0.0.1:8000"
    access_log: bool = False
    dev_reload: bool = False
    page_cache: bool = True
    page_cache_mib: int = 64
    mongo_url: str = ""
    mongo_db: str = "mall"
    mongo_interleave: str = "off"
    redis_url: str = ""
    queue_redis_url: str = ""
    var_dir: str = "var"
    secret_key: str = "dev-only-change-me"  # noqa: S105 (settings.toml documents it)
    session_ttl: int = 1209600
    token_ttl: int = 2592000
    password_hash_profile: str = "default"  # noqa: S105 (a cost profile name)
    auth_rate_limit: int = 10
    auth_rate_window: int = 60
    auth_account_address_limit: int = 5
    auth_slowdown_after: int = 5
    currency: str = "TWD"
    timezone: str = "Asia/Taipei"
    default_locale: str = "en"
    max_upload_bytes: int = 5 * 1024 * 1024
    max_image_pixels: int = 25_000_000
    image_max_side: int = 1200
    demo: bool = True
    payment_provider: str = "sandbox"
    payment_webhook_secret: str = DEV_WEBHOOK_SECRET
    payment_webhook_tolerance: int = 300
    checkout_expiry_minutes: int = 30
    auto_complete_days: int = 7
    order_alert_repeat_minutes: int = 5
    low_stock_threshold: int = 5
    flash_hold_seconds: int = 300
    flash_user_rate_limit: int = 5
    flash_ip_rate_limit: int = 300
    flash_rate_window: int = 10
    flash_featured_approval: bool = True
    review_window_days: int = 15
    followup_window_days: int = 90
    review_rate_limit: int = 30
    report_rate_limit: int = 10
    ship_by_hours: int = 48
    health_window_days: int = 90
    health_min_orders: int = 5
    health_warning_score: int = 60
    refund_unshipped_hours: int = 24
    merchant_respond_hours: int = 48
    shopper_respond_hours: int = 48
    return_ship_days: int = 7
    merchant_receive_days: int = 10
    escalate_days: int = 7
    no_reason_return_days: int = 7
    no_reason_excluded_categories: str = "food"
    after_sales_days: int = 15
    settle_after_days: int = 7
    commission_default_bp: int = 500
    shipping_commission_free: bool = True
    payout_provider: str = "sandbox"
    payout_webhook_secret: str = DEV_PAYOUT_SECRET
    payout_sandbox_delay_seconds: int = 5

    @property
    def embedded(self) -> bool:
        return not self.mongo_url or not self.redis_url

    @property
    def queue_url(self) -> str:
        """The job queue's Redis."""
        return self.queue_redis_url or self.redis_url

    @property
    def https(self) -> bool:
        return urlsplit(self.public_url).scheme == "https"

    @property
    def var_path(self) -> Path:
        path = Path(self.var_dir)
        return path if path.is_absolute() else ROOT / path

    def replace(self, **changes) -> Settings:
        return dataclasses.replace(self, **changes)


def _coerce(kind: type | str, raw):
    kind = {"int": int, "bool": bool, "str": str}.get(kind, kind)
    if kind is bool:
        if isinstance(raw, bool):
            return raw
        return str(raw).strip().lower() in {"1", "true", "yes", "on"}
    return kind(raw)


def load_settings(path: Path | None = None, environ: dict | None = None) -> Settings:
    """Settings from the TOML file (sections flattened) and MALL_<KEY> overrides."""
    environ = os.environ if environ is None else environ
    path = path or Path(environ.get("MALL_SETTINGS", ROOT / "settings.toml"))
    values: dict = {}
    if path.exists():
        for section in tomllib.loads(path.read_text()).values():
            values.update(section)
    known = {f.name: f.type for f in fields(Settings)}
    unknown = set(values) - set(known)
    if unknown:
        raise ValueError(f"unknown settings in {path}: {', '.join(sorted(unknown))}")
    for name in known:
        env_key = f"MALL_{name.upper()}"
        if env_key in environ:
            values[name] = environ[env_key]
    if "PORT" in environ and "MALL_PORT" not in environ:
        values["port"] = environ["PORT"]
    return Settings(**{k: _coerce(known[k], v) for k, v in values.items()})


def insecure_defaults(settings: Settings) -> list[str]:
    """Development-only values that must be replaced before running with demo = false."""
    if settings.demo:
        return []
    problems = []
    if settings.payment_webhook_secret == DEV_WEBHOOK_SECRET or len(settings.payment_webhook_secret) < 16:
        problems.append("MALL_PAYMENT_WEBHOOK_SECRET must be set to a random value of 16+ characters")
    if settings.payout_webhook_secret == DEV_PAYOUT_SECRET or len(settings.payout_webhook_secret) < 16:
        problems.append("MALL_PAYOUT_WEBHOOK_SECRET must be set to a random value of 16+ characters")
    return problems
