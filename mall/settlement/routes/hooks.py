"""The payout provider's webhook (signed; no session, no CSRF) and the fragments live finance messages ask for."""

from __future__ import annotations

import logging

from sanic import Request
from sanic.exceptions import NotFound, SanicException
from sanic.response import json

from mall.payments.models import WebhookRejected
from mall.payments.schemas import WebhookAck
from mall.settlement import services
from mall.settlement.routes import bp
from mall.settlement.routes.views import statement_or_404
from mall.settlement.schemas import PayoutEventIn
from mall.web.apidoc import Header, doc
from mall.web.i18n import gettext as _
from mall.web.i18n import money
from mall.web.templating import render

log = logging.getLogger("mall.settlement")


class Refused(SanicException):
    quiet = True


@bp.post("/api/v1/payouts/webhook/sandbox", ctx_access="public")
@doc(
    "Sandbox payout provider webhook: HMAC-signed payout event",
    body=PayoutEventIn,
    response=WebhookAck,
    tag="finance",
    headers=(Header("Mall-Signature", "t=<unix seconds>,v1=<hex HMAC-SHA256 of `t.body`>"),),
    errors={400: "malformed or unknown payout event", 404: "no such payout provider"},
)
async def payout_webhook(request: Request):
    """Authenticated by the `Mall-Signature: t=<unix>,v1=<hex>` header alone (keyed with payout_webhook_secret)."""
    try:
        receipt = await services.receive_webhook(
            request.app.ctx.c, provider="sandbox", raw_body=request.body, headers=request.headers
        )
    except WebhookRejected as exc:
        log.warning("payout webhook refused: %s (request_id=%s client=%s)", exc.reason, request.id, request.client_ip)
        message = "invalid signature" if exc.status == 401 else "not found" if exc.status == 404 else "invalid event"
        raise Refused(message, status_code=exc.status) from None
    return json(WebhookAck(received=True, duplicate=receipt.duplicate).model_dump())


@bp.get("/live/alerts/finance/statement/<statement_id:str>", ctx_access="owner")
async def live_statement_alert(request: Request, statement_id: str):
    c = request.app.ctx.c
    statement = await statement_or_404(request, statement_id, shop_id=request.ctx.shop_id)
    return await render(
        request, "realtime/_toast_body.html", tone="success",
        title=_("Statement %(number)s issued") % {"number": statement.number},
        text=_("Payable: %(amount)s") % {"amount": money(statement.payable, c.settings.currency)},
        link=f"/merchant/finance/statements/{statement.id}", link_label=_("View statement"),
    )  # fmt: skip


@bp.get("/live/alerts/finance/payout/<payout_id:str>", ctx_access="owner")
async def live_payout_alert(request: Request, payout_id: str):
    c = request.app.ctx.c
    payout = await services.get_payout(c, payout_id, shop_id=request.ctx.shop_id)
    if payout is None:
        raise NotFound(_("We could not find that payout."))
    amount = money(payout.amount, c.settings.currency)
    paid = payout.status.value == "paid"
    return await render(
        request, "realtime/_toast_body.html", tone="success" if paid else "warning",
        title=_("Payout paid") if paid else _("Payout failed"),
        text=(_("%(amount)s is on its way to your bank account.") if paid
              else _("%(amount)s is back in your balance and goes out with your next statement.")) % {"amount": amount},
        link=f"/merchant/finance/statements/{payout.statement_id}", link_label=_("View statement"),
    )  # fmt: skip
