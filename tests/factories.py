"""Test data built through the real services (so it obeys the same rules)."""

from __future__ import annotations

import itertools

from mall.accounts import services as accounts
from mall.accounts.models import Role

PASSWORD = "password123"
_seq = itertools.count(1)


class Factory:
    def __init__(self, c):
        self.c = c

    async def user(self, *, email: str | None = None, name: str = "Test User", roles=None):
        email = email or f"user{next(_seq)}@example.test"
        return await accounts.register(
            self.c.users,
            self.c.clock,
            email=email,
            password=PASSWORD,
            name=name,
            roles=roles or [Role.SHOPPER.value],
        )

    async def operator(self, **kw):
        return await self.user(roles=[Role.SHOPPER.value, Role.OPERATOR.value], **kw)

    async def marketer(self, **kw):
        return await self.user(roles=[Role.SHOPPER.value, Role.MARKETER.value], **kw)
