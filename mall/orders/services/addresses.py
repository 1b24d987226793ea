"""Each shopper's address book. An order keeps a copy, so editing the book never changes an order."""

from __future__ import annotations

from dataclasses import dataclass

from mall.infra.ids import is_id, new_id
from mall.orders.models import Address
from mall.orders.services.errors import AddressBookFull, NotFound

MAX_ADDRESSES = 20


@dataclass
class AddressFields:
    """Already validated by the caller's schema (region is a REGIONS code)."""

    name: str
    phone: str
    postal_code: str
    region: str
    line: str


async def list_addresses(addresses, user_id: str) -> list[Address]:
    """The default address first, then in the order they were added."""
    found = await addresses.list_for(user_id)
    return sorted(found, key=lambda a: not a.is_default)


async def get_address(addresses, user_id: str, address_id: str) -> Address:
    address = await addresses.get(user_id, address_id) if is_id(address_id) else None
    if address is None:
        raise NotFound()
    return address


async def default_address(addresses, user_id: str) -> Address | None:
    book = await list_addresses(addresses, user_id)
    return book[0] if book else None


async def add_address(addresses, clock, user_id: str, fields: AddressFields, *, make_default: bool = False) -> Address:
    """Add to the book (never beyond MAX_ADDRESSES, however many adds race); the first address is the default."""
    address = Address(id=new_id(), user_id=user_id, created_at=clock.now(), is_default=False, **vars(fields))
    if not await addresses.add(address, limit=MAX_ADDRESSES):
        raise AddressBookFull()
    if make_default:
        await addresses.set_default(user_id, address.id)
    address.is_default = make_default or (await get_address(addresses, user_id, address.id)).is_default
    return address


async def update_address(addresses, user_id: str, address_id: str, fields: AddressFields) -> None:
    if not is_id(address_id) or not await addresses.update(user_id, address_id, vars(fields)):
        raise NotFound()


async def delete_address(addresses, user_id: str, address_id: str) -> None:
    """Remove it; when it was the default, the oldest remaining one takes over."""
    if not is_id(address_id) or not await addresses.delete(user_id, address_id):
        raise NotFound()


async def make_default(addresses, user_id: str, address_id: str) -> None:
    address = await get_address(addresses, user_id, address_id)
    await addresses.set_default(user_id, address.id)
