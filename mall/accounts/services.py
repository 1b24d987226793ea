"""Sign-up, sign-in and tokens. Passwords are hashed with argon2id, off the event loop (accounts.passwords)."""

from __future__ import annotations

from mall.accounts import passwords
from mall.accounts.models import Role, User, normalize_email
from mall.accounts.repository import EmailTaken, TokenStore, UserRepository
from mall.infra.ids import new_id, token

use_hash_profile = passwords.use_profile
hash_password = passwords.hash_now  # the demo's one shared hash, made at start-up

__all__ = ["EmailTaken", "authenticate", "issue_token", "register", "user_for_token"]


async def register(
    users: UserRepository,
    clock,
    *,
    email: str,
    password: str,
    name: str,
    roles: list[str] | None = None,
    password_hash: str | None = None,
) -> User:
    """Create an account; raises EmailTaken when the address is already used."""
    user = User(
        id=new_id(),
        email=normalize_email(email),
        name=name.strip(),
        password_hash=password_hash or await passwords.hash_password(password),
        created_at=clock.now(),
        roles=roles or [Role.SHOPPER.value],
    )
    await users.add(user)
    return user


async def authenticate(users: UserRepository, *, email: str, password: str) -> User | None:
    """The user when the password matches, else None (same work either way)."""
    user = await users.by_email(normalize_email(email))
    if not await passwords.verify(user.password_hash if user else None, password):
        return None
    if passwords.needs_rehash(user.password_hash):
        await users.set_password_hash(user.id, await passwords.hash_password(password))
    return user


async def issue_token(tokens: TokenStore, user: User) -> str:
    value = token()
    await tokens.save(value, user.id)
    return value


async def user_for_token(users: UserRepository, tokens: TokenStore, value: str) -> User | None:
    user_id = await tokens.user_id(value)
    return await users.get(user_id) if user_id else None


async def get_user(users: UserRepository, user_id: str) -> User | None:
    return await users.get(user_id)


async def users_by_ids(users: UserRepository, user_ids: list[str]) -> dict[str, User]:
    """{id: user} of the ones that exist, in one query."""
    return await users.many(user_ids)


async def find_by_email(users: UserRepository, email: str) -> User | None:
    return await users.by_email(normalize_email(email))


async def join_shop(users: UserRepository, user_id: str, shop_id: str, shop_role: str) -> bool:
    """Join `shop_id` as `shop_role` unless the user belongs to another shop (one conditional update, so a
    join to another shop that lands first is never overwritten); True when the user is in `shop_id` now."""
    return await users.set_shop(user_id, shop_id, shop_role)


async def join_shop_if_free(users: UserRepository, user_id: str, shop_id: str, shop_role: str) -> bool:
    """Join only if the user belongs to no shop (safe against two joins racing); True when joined."""
    return await users.set_shop_if_free(user_id, shop_id, shop_role)


async def leave_shop(users: UserRepository, user_id: str, shop_id: str) -> bool:
    """Take the user out of `shop_id` (only that shop); True when they were in it."""
    return await users.clear_shop(user_id, shop_id)


async def shop_members(users: UserRepository, shop_id: str) -> list[User]:
    return await users.members_of(shop_id)
