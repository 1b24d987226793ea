"""Demo data. Idempotent: running it twice changes nothing the second time."""

from __future__ import annotations

from collections.abc import Callable

from mall.accounts import services as accounts
from mall.accounts.models import Role

DEMO_PASSWORD = "demo1234"  # noqa: S105 (demo mode only)

DEMO_PEOPLE = [
    ("operator@demo.mall", "Olivia Operator 營運", [Role.SHOPPER.value, Role.OPERATOR.value]),
    ("marketer@demo.mall", "Mark Marketer 行銷", [Role.SHOPPER.value, Role.MARKETER.value]),
    ("shopper@demo.mall", "Sam Shopper 小明", [Role.SHOPPER.value]),
    ("shopper2@demo.mall", "Sara Shopper 小華", [Role.SHOPPER.value]),
] + [(f"merchant{i}@demo.mall", f"Merchant {i} 店主", [Role.SHOPPER.value]) for i in range(1, 7)]


async def ensure_user(c, email: str, name: str, roles: list[str]):
    user = await accounts.find_by_email(c.users, email)
    if user is None:
        user = await accounts.register(c.users, c.clock, email=email, password=DEMO_PASSWORD, name=name, roles=roles)
    return user


async def seed(c, progress: Callable[[str], None] = print) -> dict:
    """Create the demo people, shops and products that are missing."""
    people = {}
    for email, name, roles in DEMO_PEOPLE:
        people[email] = await ensure_user(c, email, name, roles)
    progress(f"seed: {len(people)} demo accounts")
    return {"users": people}
