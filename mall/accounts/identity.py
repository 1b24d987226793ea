"""Who a request is and what that person may open: the accounts side of the web layer's access checks.

The web toolkit (mall.web.security) knows no domain; the composition root hands it this module as
`app.ctx.identity`, so the rules of who may do what live with the accounts they are about."""

from __future__ import annotations

from mall.accounts import services as accounts
from mall.accounts.models import Role, User


async def by_token(c, value: str) -> User | None:
    """The owner of a Bearer API token (None when unknown or expired)."""
    return await accounts.user_for_token(c.users, c.tokens, value)


async def by_id(c, user_id: str) -> User | None:
    """The signed-in user of a session."""
    return await accounts.get_user(c.users, user_id)


async def user_id_by_token(c, value: str) -> str | None:
    """Only who owns a Bearer token (the hot JSON endpoints need no more): no user document read."""
    return await c.tokens.user_id(value)


async def session_who(c, session_id: str) -> dict | None:
    """{uid, csrf, lang} of a live session, without loading the rest of it (None when it has ended)."""
    return await c.sessions.who(session_id)


def allows(user: User | None, access: str) -> bool:
    """Deny by default: a level nobody declared lets nobody in."""
    if access == "public":
        return True
    if user is None:
        return False
    return {
        "user": True,
        "merchant": user.is_merchant,
        "owner": user.is_shop_owner,
        "operator": user.has_role(Role.OPERATOR),
        "marketer": user.has_role(Role.MARKETER),
    }.get(access, False)
