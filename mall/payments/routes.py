"""Payment pages and endpoints: the provider webhook, the hosted sandbox page
and its API twin. Every settlement, the sandbox's included, goes through
`deliver`: verify and record the signed event, then tell the orders side."""

from __future__ import annotations

import logging

from sanic import Blueprint, Request
from sanic.exceptions import NotFound, SanicException
from sanic.response import json, redirect

from mall.orders import services as orders
from mall.payments import services as payments
from mall.payments.models import EventType, Payment, PaymentStatus, WebhookReceipt, WebhookRejected
from mall.payments.schemas import PaymentOut, SandboxForm, SandboxOutcomeOut, WebhookAck, WebhookEventIn
from mall.web.apidoc import Header, doc
from mall.web.forms import parse_form
from mall.web.i18n import gettext as _
from mall.web.templating import render

bp = Blueprint("payments")
log = logging.getLogger("mall.payments")
SANDBOX = "sandbox"
SETTLED = "The payment is already settled"


class Refused(SanicException):
    """A refusal answered as JSON with its own status (401/400/404 for webhooks, 409 for a settled payment)."""

    quiet = True


async def deliver(request: Request, provider: str, raw_body: bytes, headers) -> WebhookReceipt:
    """A provider's event through orders.apply_payment_event, logged (a refused one as a warning)."""
    c = request.app.ctx.c
    try:
        receipt = await orders.apply_payment_event(c, provider=provider, raw_body=raw_body, headers=headers)
    except WebhookRejected as exc:
        log.warning(
            "payment webhook refused: %s (provider=%s request_id=%s client=%s)",
            exc.reason,
            provider[:20],
            str(request.id)[:80],
            request.client_ip,
        )
        raise
    log.info(
        "payment webhook %s %s for %s: %s (request_id=%s)",
        receipt.event.id,
        receipt.event.type.value,
        receipt.payment.id,
        "duplicate" if receipt.duplicate else receipt.payment.status,
        request.id,
    )
    return receipt


@bp.post("/api/v1/payments/webhook/sandbox", ctx_access="public")
@doc(
    "Sandbox provider webhook: HMAC-signed payment event",
    body=WebhookEventIn,
    headers=(Header("Mall-Signature", "t=<unix seconds>,v1=<hex HMAC-SHA256 of `t.body`>"),),
    response=WebhookAck,
    tag="payments",
    errors={
        400: "Not an event of a known payment, or the amount differs",
        401: "Missing, malformed, stale or wrong signature",
        404: "The sandbox provider is switched off",
    },
)
async def sandbox_webhook(request: Request):
    """Authenticated by the `Mall-Signature: t=<unix>,v1=<hex>` header alone (no session, no CSRF)."""
    try:
        receipt = await deliver(request, SANDBOX, request.body, request.headers)
    except WebhookRejected as exc:
        message = "invalid signature" if exc.status == 401 else "not found" if exc.status == 404 else "invalid event"
        raise Refused(message, status_code=exc.status) from None
    return json(WebhookAck(received=True, duplicate=receipt.duplicate).model_dump())


async def _own_sandbox_payment(request: Request, payment_id: str) -> Payment:
    c = request.app.ctx.c
    payment = await payments.access_payment(c.payments, payment_id, user_id=request.ctx.user.id)
    if payment is None or payment.provider != SANDBOX or c.settings.payment_provider != SANDBOX:
        raise NotFound(_("We could not find that payment."))
    return payment


async def _settle(request: Request, payment: Payment, outcome: EventType) -> tuple[Payment, bool]:
    """Press the sandbox 'bank' button: sign the event and deliver it like the provider would.
    -> (the payment now, whether its orders have followed). A payment already settled is not an error:
    its orders are brought along (again); one that succeeded while its orders could not follow yet is
    "processing" (the minutely catch-up finishes them)."""
    c = request.app.ctx.c
    try:
        if payment.status == PaymentStatus.SUCCEEDED:
            return payment, await orders.resume_payment(c, payment)
        delivery = payments.sandbox_delivery(c.clock, c.settings, payment=payment, outcome=outcome)
        receipt = await deliver(request, SANDBOX, delivery.raw_body, delivery.headers)
    except WebhookRejected:
        raise
    except Exception:
        now = await payments.get_payment(c.payments, payment.id)
        if now is None or now.status != PaymentStatus.SUCCEEDED:
            raise
        log.exception("payment %s succeeded; its orders follow with the catch-up job", payment.id)
        return now, False
    return receipt.payment, receipt.notify


@bp.get("/pay/sandbox/<payment_id>", ctx_access="user")
async def sandbox_page(request: Request, payment_id: str):
    payment = await _own_sandbox_payment(request, payment_id)
    return await render(request, "payments/sandbox.html", payment=payment, return_url=payment.return_url or "/orders")


@bp.post("/pay/sandbox/<payment_id>", ctx_access="user")
async def sandbox_press(request: Request, payment_id: str):
    payment = await _own_sandbox_payment(request, payment_id)
    outcome = EventType.SUCCEEDED if parse_form(request, SandboxForm).outcome == "succeed" else EventType.FAILED
    session = request.ctx.session
    if not payment.settleable and payment.status != PaymentStatus.SUCCEEDED:
        session.flash(_("This payment can no longer be changed."), "info")
        return redirect(f"/pay/sandbox/{payment.id}")
    paid, followed = await _settle(request, payment, outcome)
    if paid.status == PaymentStatus.SUCCEEDED and not followed:
        session.flash(_("Payment received. Your order is being confirmed and shows as paid within a minute."), "info")
        return redirect(payment.return_url or "/orders")
    if paid.status == PaymentStatus.SUCCEEDED:
        session.flash(_("Payment received. Thank you!"), "success")
        return redirect(payment.return_url or "/orders")
    session.flash(_("The payment failed and nothing was charged. You can try again."), "error")
    return redirect(f"/pay/sandbox/{payment.id}")


async def _api_settle(request: Request, payment_id: str, outcome: EventType):
    """A payment already paid answers what it is (pressing Pay twice is not a conflict); `applied` is
    false while its orders are still being confirmed."""
    payment = await _own_sandbox_payment(request, payment_id)
    if not payment.settleable and payment.status != PaymentStatus.SUCCEEDED:
        raise Refused(_("This payment can no longer be changed."), status_code=409)
    paid, followed = await _settle(request, payment, outcome)
    out = SandboxOutcomeOut(payment=PaymentOut.of(paid), event_id=paid.last_event_id or "", applied=followed)
    return json(out.model_dump(mode="json"))


@bp.post("/api/v1/sandbox/payments/<payment_id>/succeed", ctx_access="user")
@doc("Sandbox: pay this payment (sends a signed payment.succeeded webhook)", response=SandboxOutcomeOut, tag="payments",
     errors={409: SETTLED})  # fmt: skip
async def api_sandbox_succeed(request: Request, payment_id: str):
    return await _api_settle(request, payment_id, EventType.SUCCEEDED)


@bp.post("/api/v1/sandbox/payments/<payment_id>/fail", ctx_access="user")
@doc("Sandbox: fail this payment (sends the signed payment.failed webhook)", response=SandboxOutcomeOut, tag="payments",
     errors={409: SETTLED})  # fmt: skip
async def api_sandbox_fail(request: Request, payment_id: str):
    return await _api_settle(request, payment_id, EventType.FAILED)


@bp.get("/api/v1/payments/<payment_id>", ctx_access="user")
@doc("One of your payments", response=PaymentOut, tag="payments")
async def api_payment(request: Request, payment_id: str):
    c = request.app.ctx.c
    payment = await payments.access_payment(c.payments, payment_id, user_id=request.ctx.user.id)
    if payment is None:
        raise NotFound(_("We could not find that payment."))
    return json(PaymentOut.of(payment).model_dump(mode="json"))
