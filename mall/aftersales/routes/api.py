"""JSON API v1 for after-sales. Closed request models; a shopper reaches only their own cases, a merchant only
their shop's (from the session), an operator any dispute; anyone else's case is a 404 and nothing is written."""

from __future__ import annotations

from sanic import Request
from sanic.exceptions import NotFound
from sanic.response import json

from mall.aftersales import services
from mall.aftersales.models import Actor, Kind, Reason
from mall.aftersales.routes import bp
from mall.aftersales.routes.common import Conflict, not_now, refusal
from mall.aftersales.schemas import (
    CaseOut,
    CasePageOut,
    EscalateIn,
    EvidenceIn,
    MerchantDecisionIn,
    MerchantQuery,
    NoBodyIn,
    OperatorDecisionIn,
    PageQuery,
    PhotoOut,
    ReceivedIn,
    RequestIn,
    ReturnShipmentIn,
)
from mall.infra.ids import is_id
from mall.infra.images import ImageRejected
from mall.orders import services as orders
from mall.web.apidoc import doc
from mall.web.forms import Invalid, parse_json, parse_query
from mall.web.i18n import gettext as _

CONFLICT = {409: "not possible in the case's present state (or another step is under way: retry)"}


def _out(case, status: int = 200):
    return json(CaseOut.of(case).model_dump(mode="json"), status=status)


def _pages(cases, total: int, page: int):
    pages = max(1, -(-total // services.PER_PAGE))
    out = CasePageOut(items=[CaseOut.of(x) for x in cases], page=page, pages=pages, total=total)
    return json(out.model_dump(mode="json"))


async def _run(call):
    """A service call, its refusals as API answers: 404 (not yours), 422 (a field), 409 (not in this state)."""
    try:
        return await call
    except (services.CaseNotFound, orders.NotFound):
        raise NotFound("no such after-sales case") from None
    except services.Refused as exc:
        raise Invalid({exc.field: refusal(exc.code)}, refusal(exc.code)) from None
    except services.IllegalTransition as exc:
        raise Conflict(not_now(exc)) from None
    except orders.Busy:
        raise Conflict("busy: retry in a moment") from None


def _empty(request: Request) -> None:
    if request.body:
        parse_json(request, NoBodyIn)


# --- shopper ---------------------------------------------------------------------------------------------------


@bp.post("/api/v1/orders/<order_id:str>/after-sales", ctx_access="user")
@doc("Request after-sales for one line of your order (refund only, or return and refund)", body=RequestIn,
     response=CaseOut, status=201, tag="after-sales", errors=CONFLICT)  # fmt: skip
async def api_request(request: Request, order_id: str):
    c = request.app.ctx.c
    data = parse_json(request, RequestIn)
    case = await _run(
        services.request_case(
            c,
            user_id=request.ctx.user.id,
            order_id=order_id,
            line_id=data.line_id,
            kind=Kind(data.kind),
            reason=Reason(data.reason),
            qty=data.qty,
            amount=data.amount,
            note=data.note,
            photo_ids=data.photo_ids,
        )
    )
    return _out(case, 201)


@bp.post("/api/v1/after-sales/photos", ctx_access="user")
@doc("Upload a photo for a request or evidence (multipart field `photo`; JPEG, PNG, WebP or GIF)", response=PhotoOut,
     status=201, tag="after-sales", upload="photo")  # fmt: skip
async def api_photo(request: Request):
    upload = request.files.get("photo") if request.files else None
    if upload is None:
        raise Invalid({"photo": _("Choose a photo to upload.")})
    try:
        name = await services.upload_photo(request.app.ctx.c, user_id=request.ctx.user.id, body=upload.body)
    except ImageRejected as exc:
        raise Invalid({"photo": _(str(exc))}) from None
    return json(PhotoOut(id=name, url=f"/media/{name}").model_dump(), status=201)


@bp.get("/api/v1/after-sales", ctx_access="user")
@doc("Your after-sales requests, newest first (?page=)", response=CasePageOut, tag="after-sales")
async def api_mine(request: Request):
    query = parse_query(request, PageQuery)
    cases, total = await services.shopper_cases(request.app.ctx.c, user_id=request.ctx.user.id, page=query.page)
    return _pages(cases, total, query.page)


@bp.get("/api/v1/after-sales/<case_id:str>", ctx_access="user")
@doc("One of your after-sales requests (or your shop's), with its timeline", response=CaseOut, tag="after-sales")
async def api_case(request: Request, case_id: str):
    c, user = request.app.ctx.c, request.ctx.user
    try:
        case = await services.shopper_case(c, user_id=user.id, case_id=case_id)
    except services.CaseNotFound:
        if not user.shop_id:
            raise NotFound("no such after-sales case") from None
        case = await _run(services.merchant_case(c, shop_id=user.shop_id, case_id=case_id))
    return _out(case)


@bp.post("/api/v1/after-sales/<case_id:str>/return-shipment", ctx_access="user")
@doc("Ship the item back (after the shop accepted the return)", body=ReturnShipmentIn, response=CaseOut,
     tag="after-sales", errors=CONFLICT)  # fmt: skip
async def api_ship_back(request: Request, case_id: str):
    data = parse_json(request, ReturnShipmentIn)
    return _out(await _run(services.ship_back(request.app.ctx.c, user_id=request.ctx.user.id, case_id=case_id,
                                              carrier=data.carrier, tracking_no=data.tracking_no)))  # fmt: skip


@bp.post("/api/v1/after-sales/<case_id:str>/accept-offer", ctx_access="user")
@doc(
    "Accept the shop's partial refund (it is refunded at once)",
    body=NoBodyIn,
    response=CaseOut,
    tag="after-sales",
    errors=CONFLICT,
)
async def api_accept_offer(request: Request, case_id: str):
    _empty(request)
    return _out(await _run(services.accept_offer(request.app.ctx.c, user_id=request.ctx.user.id, case_id=case_id)))


@bp.post("/api/v1/after-sales/<case_id:str>/decline-offer", ctx_access="user")
@doc("Decline the shop's offer (you may then ask the platform to step in)", body=NoBodyIn, response=CaseOut,
     tag="after-sales", errors=CONFLICT)  # fmt: skip
async def api_decline_offer(request: Request, case_id: str):
    _empty(request)
    return _out(await _run(services.decline_offer(request.app.ctx.c, user_id=request.ctx.user.id, case_id=case_id)))


@bp.post("/api/v1/after-sales/<case_id:str>/escalate", ctx_access="user")
@doc("Ask the platform to step in (平台介入) after a rejection or a declined offer", body=EscalateIn,
     response=CaseOut, tag="after-sales", errors=CONFLICT)  # fmt: skip
async def api_escalate(request: Request, case_id: str):
    data = parse_json(request, EscalateIn) if request.body else EscalateIn()
    return _out(await _run(services.escalate(request.app.ctx.c, user_id=request.ctx.user.id, case_id=case_id,
                                             note=data.note)))  # fmt: skip


@bp.post("/api/v1/after-sales/<case_id:str>/evidence", ctx_access="user")
@doc("Add evidence (text, photos) to a contested case: the shopper's own, or the shop's", body=EvidenceIn,
     response=CaseOut, tag="after-sales", errors=CONFLICT)  # fmt: skip
async def api_evidence(request: Request, case_id: str):
    c, user = request.app.ctx.c, request.ctx.user
    data = parse_json(request, EvidenceIn)
    mine = await c.cases.get(case_id, user_id=user.id) if is_id(case_id) else None
    if mine is not None:
        call = services.add_evidence(c, case_id=case_id, actor=Actor.SHOPPER, actor_id=user.id, note=data.note,
                                     photo_ids=data.photo_ids, user_id=user.id)  # fmt: skip
    elif user.shop_id:
        call = services.add_evidence(c, case_id=case_id, actor=Actor.MERCHANT, actor_id=user.id, note=data.note,
                                     photo_ids=data.photo_ids, shop_id=user.shop_id)  # fmt: skip
    else:
        raise NotFound("no such after-sales case")
    return _out(await _run(call))


# --- merchant --------------------------------------------------------------------------------------------------


@bp.get("/api/v1/merchant/after-sales", ctx_access="merchant")
@doc("Your shop's after-sales cases (?filter=waiting|overdue_soon|disputes|open|closed&page=)", response=CasePageOut,
     tag="merchant")  # fmt: skip
async def api_shop_cases(request: Request):
    query = parse_query(request, MerchantQuery)
    cases, total = await services.shop_cases(request.app.ctx.c, shop_id=request.ctx.shop_id, chosen=query.filter,
                                             page=query.page)  # fmt: skip
    return _pages(cases, total, query.page)


@bp.post("/api/v1/merchant/after-sales/<case_id:str>/decision", ctx_access="merchant")
@doc("Answer a request: accept (a return: with return_address), offer a partial refund (amount), or reject (reason)",
     body=MerchantDecisionIn, response=CaseOut, tag="merchant", errors=CONFLICT)  # fmt: skip
async def api_merchant_decision(request: Request, case_id: str):
    data = parse_json(request, MerchantDecisionIn)
    call = services.merchant_decide(
        request.app.ctx.c, shop_id=request.ctx.shop_id, case_id=case_id, actor_id=request.ctx.user.id,
        action=data.action, amount=data.amount, reason=data.reason or "", return_address=data.return_address or "",
    )  # fmt: skip
    return _out(await _run(call))


@bp.post("/api/v1/merchant/after-sales/<case_id:str>/received", ctx_access="merchant")
@doc("The return arrived: the refund runs; restock puts the units back into stock", body=ReceivedIn,
     response=CaseOut, tag="merchant", errors=CONFLICT)  # fmt: skip
async def api_received(request: Request, case_id: str):
    data = parse_json(request, ReceivedIn)
    return _out(await _run(services.merchant_received(request.app.ctx.c, shop_id=request.ctx.shop_id,
                                                      case_id=case_id, actor_id=request.ctx.user.id,
                                                      restock=data.restock)))  # fmt: skip


# --- operator --------------------------------------------------------------------------------------------------


@bp.post("/api/v1/operator/disputes/<case_id:str>/decision", ctx_access="operator")
@doc("Decide a dispute: refund_full, refund_partial (amount) or no_refund, with a reason both sides see",
     body=OperatorDecisionIn, response=CaseOut, tag="operator", errors=CONFLICT)  # fmt: skip
async def api_operator_decision(request: Request, case_id: str):
    data = parse_json(request, OperatorDecisionIn)
    call = services.operator_decide(request.app.ctx.c, case_id=case_id, operator_id=request.ctx.user.id,
                                    outcome=data.outcome, reason=data.reason, amount=data.amount)  # fmt: skip
    return _out(await _run(call))
