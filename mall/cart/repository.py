"""Where carts live: a signed-in shopper's in MongoDB ("carts", one document per
user), a guest's in the server-side session. Both behave the same way.

A Mongo cart changes by compare-and-set on a version number, so two tabs
adding at once never lose a line."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, MutableMapping

from pymongo.errors import DuplicateKeyError

from mall.cart.models import MAX_LINES, MAX_QTY, CartLine
from mall.infra.ids import new_id

SESSION_KEY = "cart"
CAS_ATTEMPTS = 20
CAS_BACKOFF = 0.002  # seconds: the longest first wait after a collision, growing with each one


class CartFull(Exception):
    pass


class Busy(Exception):
    """The cart kept changing under us (many writers at once); try again."""


Edit = Callable[[list[CartLine]], object]  # changes the list in place, returns a result


def add_to(lines: list[CartLine], product_id: str, variant_id: str, qty: int, price: int) -> CartLine:
    """Add to the line of that variant (capped at MAX_QTY) or start a new one."""
    for line in lines:
        if line.product_id == product_id and line.variant_id == variant_id:
            line.qty = min(MAX_QTY, line.qty + qty)
            line.price_seen = price
            return line
    if len(lines) >= MAX_LINES:
        raise CartFull()
    line = CartLine(id=new_id(), product_id=product_id, variant_id=variant_id, qty=min(qty, MAX_QTY), price_seen=price)
    lines.append(line)
    return line


class CartStore:
    """The operations every cart has; subclasses say where the lines are kept."""

    async def lines(self) -> list[CartLine]:
        raise NotImplementedError

    async def edit(self, change: Edit):
        raise NotImplementedError

    async def add(self, product_id: str, variant_id: str, qty: int, price: int) -> CartLine:
        return await self.edit(lambda lines: add_to(lines, product_id, variant_id, qty, price))

    async def set_qty(self, line_id: str, qty: int) -> bool:
        def change(lines):
            for line in lines:
                if line.id == line_id:
                    line.qty = min(qty, MAX_QTY)
                    return True
            return False

        return await self.edit(change)

    async def remove(self, line_ids: list[str]) -> int:
        def change(lines):
            before = len(lines)
            lines[:] = [line for line in lines if line.id not in line_ids]
            return before - len(lines)

        return await self.edit(change)

    async def mark_seen(self, prices: dict[str, int]) -> None:
        """Remember that the shopper has now seen these prices ({line id: price})."""

        def change(lines):
            for line in lines:
                if line.id in prices:
                    line.price_seen = prices[line.id]

        if prices:
            await self.edit(change)


class SessionCart(CartStore):
    """A guest's cart, inside the (server-side) session."""

    def __init__(self, session: MutableMapping):
        self.session = session

    async def lines(self) -> list[CartLine]:
        return [CartLine.from_doc(doc) for doc in self.session.get(SESSION_KEY) or []]

    async def edit(self, change: Edit):
        lines = await self.lines()
        result = change(lines)
        self.session[SESSION_KEY] = [line.to_doc() for line in lines]
        return result

    def take_all(self) -> list[CartLine]:
        """Empty the guest cart and hand back its lines (for the merge at sign-in)."""
        docs = self.session.pop(SESSION_KEY, None) or []
        return [CartLine.from_doc(doc) for doc in docs]


class CartRepository:
    """The "carts" collection: {_id: user id, lines: [...], v: version}."""

    def __init__(self, db):
        self.carts = db["carts"]

    async def ensure_indexes(self) -> None:
        return None  # keyed by _id

    def for_user(self, user_id: str) -> UserCart:
        return UserCart(self, str(user_id))

    async def load(self, user_id: str) -> tuple[list[CartLine], int]:
        doc = await self.carts.find_one({"_id": user_id})
        if doc is None:
            return [], 0
        return [CartLine.from_doc(d) for d in doc.get("lines", [])], int(doc.get("v", 0))

    async def save(self, user_id: str, lines: list[CartLine], version: int) -> bool:
        """Write `lines` only if the cart is still at `version`."""
        docs = [line.to_doc() for line in lines]
        if version == 0:
            try:
                await self.carts.insert_one({"_id": user_id, "lines": docs, "v": 1})
            except DuplicateKeyError:
                return False
            return True
        result = await self.carts.update_one(
            {"_id": user_id, "v": version}, {"$set": {"lines": docs, "v": version + 1}}
        )
        return result.modified_count == 1


class UserCart(CartStore):
    def __init__(self, repo: CartRepository, user_id: str):
        self.repo = repo
        self.user_id = user_id

    async def lines(self) -> list[CartLine]:
        return (await self.repo.load(self.user_id))[0]

    async def edit(self, change: Edit):
        """Read, change, write if nobody wrote in between; after a miss, wait a random moment before trying
        again, so writers that collided do not collide again in step (each round only one of them can win)."""
        for attempt in range(CAS_ATTEMPTS):
            lines, version = await self.repo.load(self.user_id)
            result = change(lines)
            if await self.repo.save(self.user_id, lines, version):
                return result
            await asyncio.sleep(random.uniform(0, CAS_BACKOFF * min(attempt + 1, 8)))
        raise Busy()
