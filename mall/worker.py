"""Every background job the worker runs, gathered in one place."""

from __future__ import annotations

from saq import CronJob

from mall.aftersales.jobs import CRON as AFTERSALES_CRON
from mall.aftersales.jobs import JOBS as AFTERSALES_JOBS
from mall.catalog.jobs import CRON as CATALOG_CRON
from mall.flash_sales.jobs import CRON as FLASH_CRON
from mall.flash_sales.jobs import JOBS as FLASH_JOBS
from mall.orders.jobs import CRON as ORDER_CRON
from mall.orders.jobs import JOBS as ORDER_JOBS
from mall.promotions.jobs import CRON as PROMO_CRON
from mall.promotions.jobs import JOBS as PROMO_JOBS
from mall.reputation.jobs import CRON as REPUTATION_CRON
from mall.reputation.jobs import JOBS as REPUTATION_JOBS
from mall.settlement.jobs import CRON as SETTLEMENT_CRON
from mall.settlement.jobs import JOBS as SETTLEMENT_JOBS

JOBS: list = [*ORDER_JOBS, *FLASH_JOBS, *PROMO_JOBS, *REPUTATION_JOBS, *AFTERSALES_JOBS, *SETTLEMENT_JOBS]
CRON: list = [*ORDER_CRON, *FLASH_CRON, *PROMO_CRON, *REPUTATION_CRON, *AFTERSALES_CRON, *SETTLEMENT_CRON]

CRON += CATALOG_CRON  # the catalog's repair of category renames cut short


def functions() -> list:
    return list(JOBS)


def cron_jobs() -> list[CronJob]:
    return [CronJob(function, cron=schedule, unique=True, timeout=50) for function, schedule in CRON]
