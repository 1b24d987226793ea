"""Shop lifecycle: apply, review (approve / reject), suspend / reinstate, the
owner's profile, and the public reads the storefront uses.

Every status change is one conditional update, then its side effect (owner
joins the shop, products hidden or shown). Repeating an action that already
happened re-runs only the side effect, so a crash between the two writes is
repaired by clicking again (or by calling the service again)."""

from __future__ import annotations

from dataclasses import asdict

from mall.accounts import services as accounts
from mall.accounts.models import ShopRole, User, normalize_email
from mall.catalog import services as catalog
from mall.infra.ids import is_id, new_id
from mall.shops import events as ev
from mall.shops.models import (
    CATEGORY_KEYS,
    DEFAULT_THEME,
    SLUG_RE,
    THEME_RE,
    Application,
    InviteStatus,
    Profile,
    Shop,
    ShopInvite,
    ShopStatus,
    slug_problem,
)
from mall.shops.repository import InviteOpen, InviteRepository, OwnerTaken, ShopRepository, SlugTaken

__all__ = [  # the errors callers catch (the repository's are re-exported)
    "AlreadyInShop",
    "ApplicationOpen",
    "InvalidShop",
    "InviteOpen",
    "NotFound",
    "NotStaff",
    "OwnerInAnotherShop",
    "ShopError",
    "SlugTaken",
    "WrongStatus",
]

PUBLIC = (ShopStatus.APPROVED,)
FOLLOW_ROUNDS = 10  # passes over a shop's products while operators keep flipping its status


class ShopError(Exception):
    pass


class NotFound(ShopError):
    pass


class AlreadyInShop(ShopError):
    """The user already belongs to a shop (as owner or staff)."""


class ApplicationOpen(ShopError):
    """The user's application is waiting for review (or already approved)."""


class OwnerInAnotherShop(ShopError):
    """The applicant joined another shop's staff while waiting; approving would move them."""


class WrongStatus(ShopError):
    def __init__(self, status: ShopStatus):
        super().__init__(status.value)
        self.status = status


class InvalidShop(ShopError):
    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


# --- applying -----------------------------------------------------------------


async def application_for(shops: ShopRepository, user_id: str) -> Shop | None:
    """The user's application or shop, whatever its status."""
    return await shops.by_owner(user_id)


async def apply(shops: ShopRepository, clock, *, applicant: User, application: Application, events=None) -> Shop:
    """Submit an application, or resubmit a rejected one (same record, edited).

    One application per person: a pending or open one refuses a second."""
    if applicant.shop_id is not None:
        raise AlreadyInShop()
    _check_application(application)
    fields = {**asdict(application), "contact_email": normalize_email(application.contact_email)}
    existing = await shops.by_owner(applicant.id)
    if existing is None:
        shop = Shop(id=new_id(), owner_id=applicant.id, status=ShopStatus.PENDING, created_at=clock.now(), **fields)
        try:
            await shops.add(shop)
        except OwnerTaken:
            raise ApplicationOpen() from None
        await _announce(events, ev.SHOP_APPLIED, shop)
        return shop
    if fields["logo"] is None:
        fields["logo"] = existing.logo
    resubmitted = await shops.transition(
        existing.id,
        (ShopStatus.REJECTED,),
        {**fields, "status": ShopStatus.PENDING, "created_at": clock.now(), "reject_reason": None},
    )
    if resubmitted is None:
        raise ApplicationOpen()
    await _announce(events, ev.SHOP_APPLIED, resubmitted)
    return resubmitted


async def slug_available(shops: ShopRepository, slug: str, *, for_owner: str | None = None) -> bool:
    """Free, or held by this owner's own (rejected) application."""
    holder = await shops.slug_owner(slug)
    return holder is None or holder == for_owner


def _check_application(app: Application) -> None:
    problem = slug_problem(app.slug)
    if problem:
        raise InvalidShop("slug", problem)
    if app.category not in CATEGORY_KEYS:
        raise InvalidShop("category", "unknown category")
    if not app.name.strip():
        raise InvalidShop("name", "required")


# --- operator review ------------------------------------------------------------


async def approve(shops: ShopRepository, users, clock, *, shop_id: str, operator_id: str | None, events=None) -> Shop:
    """Open the shop and make its applicant the owner (a merchant).

    The owner joins with one conditional update: one who joined another shop's staff meanwhile stays there,
    and the shop goes back to the queue (OwnerInAnotherShop). Approving again repairs a crash in between."""
    shop = await _get(shops, shop_id)
    owner = await accounts.get_user(users, shop.owner_id)
    if owner is None:
        raise NotFound()
    if owner.shop_id not in (None, shop.id):
        raise OwnerInAnotherShop()
    review = {"reviewed_at": clock.now(), "reviewed_by": operator_id, "reject_reason": None}
    approved = await shops.transition(shop.id, (ShopStatus.PENDING,), {"status": ShopStatus.APPROVED, **review})
    fresh = approved is not None
    approved = approved or await _already(shops, shop.id, ShopStatus.APPROVED)
    if not await accounts.join_shop(users, owner.id, shop.id, ShopRole.OWNER.value):
        back = {"status": ShopStatus.PENDING, "reviewed_at": None, "reviewed_by": None}
        await shops.transition(shop.id, (ShopStatus.APPROVED,), back)
        raise OwnerInAnotherShop()
    if fresh:
        await _announce(events, ev.SHOP_APPROVED, approved)
    return approved


async def reject(
    shops: ShopRepository, clock, *, shop_id: str, operator_id: str | None, reason: str, events=None
) -> Shop:
    """Turn the application down; the applicant sees `reason` and may apply again."""
    changes = {"status": ShopStatus.REJECTED, "reject_reason": reason, "reviewed_at": clock.now()}
    rejected = await shops.transition(shop_id, (ShopStatus.PENDING,), {**changes, "reviewed_by": operator_id})
    if rejected is None:
        raise WrongStatus((await _get(shops, shop_id)).status)
    await _announce(events, ev.SHOP_REJECTED, rejected, reason=reason)
    return rejected


async def suspend(
    shops: ShopRepository, products, clock, *, shop_id: str, operator_id: str | None, reason: str, events=None
) -> Shop:
    """Hide the shop and all its products from the storefront."""
    changes = {"status": ShopStatus.SUSPENDED, "suspend_reason": reason, "reviewed_at": clock.now()}
    shop = await shops.transition(shop_id, (ShopStatus.APPROVED,), {**changes, "reviewed_by": operator_id})
    fresh = shop is not None
    shop = shop or await _already(shops, shop_id, ShopStatus.SUSPENDED)
    await products_follow(shops, products, shop)
    if fresh:
        await _announce(events, ev.SHOP_SUSPENDED, shop, reason=reason)
    return shop


async def reinstate(
    shops: ShopRepository, products, clock, *, shop_id: str, operator_id: str | None, events=None
) -> Shop:
    """Show a suspended shop and its products again."""
    changes = {"status": ShopStatus.APPROVED, "suspend_reason": None, "reviewed_at": clock.now()}
    shop = await shops.transition(shop_id, (ShopStatus.SUSPENDED,), {**changes, "reviewed_by": operator_id})
    fresh = shop is not None
    shop = shop or await _already(shops, shop_id, ShopStatus.APPROVED)
    await products_follow(shops, products, shop)
    if fresh:
        await _announce(events, ev.SHOP_REINSTATED, shop)
    return shop


async def products_follow(shops: ShopRepository, products, shop: Shop) -> None:
    """Show or hide every product of the shop as its status says. The status is read again after each pass:
    a suspend and a reinstate racing each other may land their passes in either order, and whichever pass
    is last sees the status it must match (a crash before it is repaired by repeating the action)."""
    visible = shop.is_public
    for _ in range(FOLLOW_ROUNDS):
        await catalog.set_shop_visibility(products, shop.id, visible)
        now = await _get(shops, shop.id)
        if now.is_public == visible:
            return
        visible = now.is_public


async def review_queue(shops: ShopRepository, *, page: int = 1, per_page: int = 20) -> tuple[list[Shop], int]:
    """Pending applications, oldest first."""
    return await shops.page(
        statuses=(ShopStatus.PENDING,), sort=[("created_at", 1), ("_id", 1)], page=page, per_page=per_page
    )


async def list_shops(
    shops: ShopRepository, *, status: ShopStatus | None = None, q: str | None = None, page: int = 1, per_page: int = 20
) -> tuple[list[Shop], int]:
    """Every shop and application for the operator, newest first."""
    statuses = (status,) if status else None
    sort = [("created_at", -1), ("_id", -1)]
    return await shops.page(statuses=statuses, q=q or None, sort=sort, page=page, per_page=per_page)


async def status_counts(shops: ShopRepository) -> dict[str, int]:
    return await shops.count_by_status()


async def _get(shops: ShopRepository, shop_id: str) -> Shop:
    shop = await shops.get(shop_id) if is_id(shop_id) else None
    if shop is None:
        raise NotFound()
    return shop


async def _announce(events, name: str, shop: Shop, **extra) -> None:
    if events is not None:
        await events.publish(name, ev.payload(shop, **extra))


async def _already(shops: ShopRepository, shop_id: str, wanted: ShopStatus) -> Shop:
    """After a conditional update missed: fine if the shop is already `wanted` (a retry)."""
    shop = await _get(shops, shop_id)
    if shop.status != wanted:
        raise WrongStatus(shop.status)
    return shop


# --- the owner's shop -------------------------------------------------------------


async def update_profile(shops: ShopRepository, *, shop_id: str, profile: Profile) -> Shop:
    """Change the owner's editable fields of `shop_id` (the caller's own shop, from the session)."""
    if not THEME_RE.match(profile.theme_color):
        raise InvalidShop("theme_color", "expected #rrggbb")
    changes = {**asdict(profile), "contact_email": normalize_email(profile.contact_email)}
    shop = await shops.update(shop_id, changes)
    if shop is None:
        raise NotFound()
    return shop


async def product_count(products, shop_id: str) -> int:
    """How many products the shop has (any status), from the catalog."""
    return await catalog.count_products(products, shop_id)


# --- staff ---------------------------------------------------------------------------


class NotStaff(ShopError):
    """Only staff members can be removed (the owner stays)."""


async def team(users, invites: InviteRepository, *, shop_id: str) -> tuple[list[User], list[ShopInvite]]:
    """The shop's members (owner first) and its pending invitations."""
    members = await accounts.shop_members(users, shop_id)
    members.sort(key=lambda m: m.shop_role != ShopRole.OWNER.value)
    return members, await invites.pending_for_shop(shop_id)


async def invite_staff(
    invites: InviteRepository, users, clock, *, shop_id: str, inviter_id: str, email: str, events=None
):
    """Invite `email` to `shop_id`; raises AlreadyInShop for a current member, InviteOpen for a repeat."""
    email = normalize_email(email)
    invitee = await accounts.find_by_email(users, email)
    if invitee is not None and invitee.shop_id == shop_id:
        raise AlreadyInShop()
    invite = ShopInvite(id=new_id(), shop_id=shop_id, email=email, invited_by=inviter_id, created_at=clock.now())
    await invites.add(invite)
    if events is not None:
        invitee_id = invitee.id if invitee else None
        payload = {"shop_id": shop_id, "invite_id": invite.id, "email": email, "invitee_id": invitee_id}
        await events.publish(ev.STAFF_INVITED, payload)
    return invite


async def invitations_for(invites: InviteRepository, shops: ShopRepository, user: User):
    """[(invite, shop)] waiting for the user's email, for shops that are open."""
    pending = await invites.pending_for_email(user.email)
    by_id = await shops_by_ids(shops, [i.shop_id for i in pending])
    return [(i, by_id[i.shop_id]) for i in pending if i.shop_id in by_id and by_id[i.shop_id].is_public]


async def accept_invite(invites: InviteRepository, shops: ShopRepository, users, *, invite_id: str, user: User):
    """Join the inviting shop as staff. Refused while the user belongs to a shop."""
    invite = await invites.get(invite_id) if is_id(invite_id) else None
    if invite is None or invite.email != user.email or invite.status != InviteStatus.PENDING:
        raise NotFound()
    shop = await get_shop(shops, invite.shop_id)
    if shop is None or not shop.is_public:
        raise NotFound()
    if not await accounts.join_shop_if_free(users, user.id, shop.id, ShopRole.STAFF.value):
        raise AlreadyInShop()
    if await invites.close(invite.id, InviteStatus.ACCEPTED, email=user.email) is None:
        await accounts.leave_shop(users, user.id, shop.id)  # revoked meanwhile: undo the join
        raise NotFound()
    return invite


async def decline_invite(invites: InviteRepository, *, invite_id: str, user: User) -> None:
    if not is_id(invite_id) or await invites.close(invite_id, InviteStatus.DECLINED, email=user.email) is None:
        raise NotFound()


async def revoke_invite(invites: InviteRepository, *, invite_id: str, shop_id: str) -> None:
    """Withdraw an invitation of `shop_id` (the caller's shop); other shops' invites are NotFound."""
    if not is_id(invite_id) or await invites.close(invite_id, InviteStatus.REVOKED, shop_id=shop_id) is None:
        raise NotFound()


async def remove_staff(users, *, shop_id: str, member_id: str) -> None:
    """Take a staff member out of `shop_id` (the caller's shop). The owner cannot be removed."""
    member = await accounts.get_user(users, member_id) if is_id(member_id) else None
    if member is None or member.shop_id != shop_id:
        raise NotFound()
    if member.shop_role != ShopRole.STAFF.value:
        raise NotStaff()
    if not await accounts.leave_shop(users, member.id, shop_id):
        raise NotFound()


# --- public reads (storefront) -------------------------------------------------------


async def get_shop(shops: ShopRepository, shop_id: str) -> Shop | None:
    """Any shop by id, whatever its status (None for a malformed id)."""
    return await shops.get(shop_id) if is_id(shop_id) else None


async def get_public_shop(shops: ShopRepository, slug: str) -> Shop | None:
    """The approved shop at `slug`; None when missing, pending, rejected or suspended."""
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        return None
    return await shops.by_slug(slug, status=ShopStatus.APPROVED)


async def list_public_shops(
    shops: ShopRepository, *, page: int = 1, per_page: int = 24, category: str | None = None, q: str | None = None
) -> tuple[list[Shop], int]:
    """Approved shops by name, optionally in one category or matching `q` (name or slug)."""
    if category is not None and category not in CATEGORY_KEYS:
        return [], 0
    sort = [("name", 1), ("_id", 1)]
    return await shops.page(statuses=PUBLIC, category=category, q=q or None, sort=sort, page=page, per_page=per_page)


async def shops_by_ids(shops: ShopRepository, ids) -> dict[str, Shop]:
    """{id: shop} for the ids that exist, whatever their status (callers check `is_public`)."""
    wanted = sorted({i for i in ids if is_id(i)})
    return {shop.id: shop for shop in await shops.by_ids(wanted)} if wanted else {}


# --- demo seed ---------------------------------------------------------------------------


async def create_approved_shop(
    c,
    *,
    owner: User,
    name: str,
    slug: str,
    category: str,
    description: str = "",
    contact_email: str | None = None,
    contact_phone: str = "",
    logo: str | None = None,
    banner: str | None = None,
    theme_color: str = DEFAULT_THEME,
    announcement: str = "",
    about: str = "",
) -> Shop:
    """Apply and approve in one go, through the same services as the web.

    Idempotent for the seed: when `owner` already owns an approved shop, that shop is returned."""
    existing = await application_for(c.shops, owner.id)
    if existing is not None and existing.status == ShopStatus.APPROVED:
        return existing
    application = Application(
        name=name,
        slug=slug,
        category=category,
        description=description,
        contact_email=contact_email or owner.email,
        contact_phone=contact_phone,
        logo=logo,
    )
    shop = existing if existing and existing.status == ShopStatus.PENDING else None
    shop = shop or await apply(c.shops, c.clock, applicant=owner, application=application)
    await approve(c.shops, c.users, c.clock, shop_id=shop.id, operator_id=None)
    profile = Profile(
        description=description,
        contact_email=application.contact_email,
        contact_phone=contact_phone,
        theme_color=theme_color,
        announcement=announcement,
        about=about,
        logo=logo,
        banner=banner,
    )
    return await update_profile(c.shops, shop_id=shop.id, profile=profile)
