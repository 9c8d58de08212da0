"""Screens of money: an order's charges and quotes, the customer's quote page (by link, no account),
the on-site answer with a signature, invoices with payments and credit notes, receivables by age.

Thin views: bind a form, call the service, show its refusal next to the field with its status."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.core.errors import DomainError, NotFoundError
from aftersales.core.filtering import screen_filter
from aftersales.core.pagination import keyset_page
from aftersales.core.validation import query_choice, require_yes_no
from aftersales.money import selectors, services
from aftersales.money.amounts import total
from aftersales.money.choices import (
    AnswerChannel,
    Bearer,
    InstallationStatus,
    InvoiceStatus,
    LineStatus,
    PauseReason,
    QuoteStatus,
)
from aftersales.money.conf import logistics_chase_days
from aftersales.money.forms import (
    AcceptanceForm,
    AnswerForm,
    BearerForm,
    ChargeForm,
    CommissioningForm,
    CreditForm,
    ExchangeDeliverForm,
    ExchangeNoteForm,
    ExchangeRequestForm,
    ExchangeShipForm,
    FactoryBackForm,
    FactoryQuoteForm,
    FactoryShipForm,
    FapiaoForm,
    InstallationPlanForm,
    InvoiceBuyerForm,
    PaymentForm,
    QuoteForm,
)
from aftersales.money.models import Installation, Invoice, Quote
from aftersales.money.pdf import invoice_pdf_response, quote_pdf_response
from aftersales.money.permissions import (
    can_add_charges,
    can_approve_exchange,
    can_invoice,
    can_override_bearer,
    can_view_charges,
    can_view_invoices,
    invoices_visible_to,
)
from aftersales.money.services import exchange, factory, installation
from aftersales.money.services.charges import get_line
from aftersales.money.services.invoices import get_invoice
from aftersales.money.services.logistics import awaiting_pickup_for, record_pickup_notice
from aftersales.money.services.quotes import get_quote, quote_from_token, quote_link
from aftersales.parts.permissions import can_manage_stock, can_view_stock, requests_visible_to
from aftersales.service.choices import OrderKind
from aftersales.service.forms_field import errors_above_the_page, run_form
from aftersales.service.models import ServiceOrder
from aftersales.service.selectors import get_order


def _found(getter: Callable[..., Any], **kwargs: Any) -> Any:
    """A record through the app's scoped getter; outside the scope the page is not found (404)."""
    try:
        return getter(**kwargs)
    except NotFoundError as exc:
        raise Http404(exc.detail) from exc


# ---- the order page's panel ----------------------------------------------------------------------
def order_panel(request: HttpRequest, order: ServiceOrder) -> str:
    """A summary on the order page (registered in ``service.panels.order_panels``)."""
    user = request.user
    if not can_view_charges(user, order):
        return ""
    lines = list(selectors.order_lines(order))
    quotes = list(selectors.order_quotes(order)[:1])
    if not lines and not quotes and not can_add_charges(user, order):
        return ""
    live = [line for line in lines if line.status != LineStatus.VOID]
    return render_to_string(
        "money/_order_panel.html",
        {
            "order": order,
            "lines": live,
            "customer_total": total(x for x in live if x.bearer == Bearer.CUSTOMER),
            "others_total": total(x for x in live if x.bearer != Bearer.CUSTOMER),
            "quote": quotes[0] if quotes else None,
        },
        request=request,
    )


# ---- an order's charges and quotes ------------------------------------------------------------
def _order(request: HttpRequest, order_id: int) -> ServiceOrder:
    order = get_order(user=request.user, order_id=order_id)
    if not can_view_charges(request.user, order):
        raise PermissionDenied
    return order


def _render_charges(request: HttpRequest, order: ServiceOrder, *, status: int = 200, **forms_: Any) -> HttpResponse:
    user = request.user
    lines = list(selectors.order_lines(order).select_related("price"))
    quotes = list(selectors.order_quotes(order).prefetch_related("lines"))
    pending = next((q for q in quotes if q.status == QuoteStatus.SENT), None)
    live = [line for line in lines if line.status != LineStatus.VOID]
    for line in lines:  # what the services would still let anyone change (quoted or invoiced: locked)
        line.may_change = line.status == LineStatus.DRAFT or (  # type: ignore[attr-defined]
            line.status == LineStatus.APPROVED and line.bearer != Bearer.CUSTOMER
        )
    may_add = can_add_charges(user, order)
    pauses = list(order.clock_pauses.order_by("id"))
    context = {
        "order": order,
        "lines": lines,
        "customer_total": total(x for x in live if x.bearer == Bearer.CUSTOMER),
        "others_total": total(x for x in live if x.bearer != Bearer.CUSTOMER),
        "quotes": quotes,
        "pending": pending,
        # Absolute: AFTERSALES["SITE_URL"] when set (the SMS needs it), else this request's host.
        "pending_link": request.build_absolute_uri(quote_link(pending)) if pending else "",
        "may_add": may_add,
        "may_override": can_override_bearer(user, order),
        "may_invoice": can_invoice(user, order)
        and any(x.status == LineStatus.APPROVED and x.bearer == Bearer.CUSTOMER for x in lines),
        "charge_form": forms_.get("charge_form") or (ChargeForm() if may_add else None),
        "quote_form": forms_.get("quote_form") or (QuoteForm() if may_add else None),
        "bearer_form": forms_.get("bearer_form"),
        "bearer_line": forms_.get("bearer_line"),
        "bearer_choices": Bearer.choices,
        "invoices": list(invoices_visible_to(user).filter(order=order).order_by("-id")),
        "factory_returns": list(order.factory_returns.order_by("id")),
        # The quote's pauses under the quotes, the factory's under the factory returns (all were shown
        # under the factory returns, where "waiting for the customer's answer" read as a factory matter).
        "quote_pauses": [p for p in pauses if p.reason == PauseReason.CUSTOMER],
        "factory_pauses": [p for p in pauses if p.reason != PauseReason.CUSTOMER],
        "factory_ship_form": forms_.get("factory_ship_form") or (FactoryShipForm() if may_add else None),
        "factory_open": "factory_ship_form" in forms_,
        "factory_quote_form": FactoryQuoteForm(auto_id="factory-quote-%s"),
        "factory_back_form": FactoryBackForm(auto_id="factory-back-%s"),
        **_route_context(request, order, may_add=may_add, forms_=forms_),
    }
    return render(request, "money/order_charges.html", context, status=status)


@login_required
@require_GET
def order_charges(request: HttpRequest, order_id: int) -> HttpResponse:
    return _render_charges(request, _order(request, order_id))


@login_required
@require_POST
def charge_add(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order(request, order_id)
    form = ChargeForm(request.POST)
    status = run_form(form, lambda d: services.add_charge(order, by=request.user, **form.service_kwargs()))
    if status:
        return _render_charges(request, order, status=status, charge_form=form)
    messages.success(request, _("Charge added."))
    return redirect("money:order_charges", order_id=order.pk)


@login_required
@require_POST
def charge_bearer(request: HttpRequest, line_id: int) -> HttpResponse:
    line = _found(get_line, user=request.user, line_id=line_id)
    form = BearerForm(request.POST)
    status = run_form(form, lambda d: services.override_bearer(line, by=request.user, **d))
    if status:
        return _render_charges(request, line.order, status=status, bearer_form=form, bearer_line=line.pk)
    messages.success(request, _("Who bears the charge was changed."))
    return redirect("money:order_charges", order_id=line.order_id)


@login_required
@require_POST
def charge_void(request: HttpRequest, line_id: int) -> HttpResponse:
    line = _found(get_line, user=request.user, line_id=line_id)
    try:
        services.void_charge(line, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Charge struck out."))
    return redirect("money:order_charges", order_id=line.order_id)


@login_required
@require_POST
def quote_send(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order(request, order_id)
    form = QuoteForm(request.POST)
    status = run_form(form, lambda d: services.send_quote(order, by=request.user, **d))
    if status:
        return _render_charges(request, order, status=status, quote_form=form)
    messages.success(request, _("Quote sent: the customer gets the link by SMS."))
    return redirect("money:order_charges", order_id=order.pk)


@login_required
@require_POST
def quote_withdraw(request: HttpRequest, quote_id: int) -> HttpResponse:
    quote = _found(get_quote, user=request.user, quote_id=quote_id)
    try:
        services.withdraw_quote(quote, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Quote withdrawn: its link no longer works."))
    return redirect("money:order_charges", order_id=quote.order_id)


@login_required
@require_GET
def quote_print(request: HttpRequest, quote_id: int) -> HttpResponse:
    """The quote on A4, to print or save as PDF from the browser."""
    quote = _found(get_quote, user=request.user, quote_id=quote_id)
    return render(request, "money/quote_print.html", {"quote": quote, "lines": list(quote.lines.order_by("id"))})


@login_required
@require_http_methods(["GET", "POST"])
def quote_sign(request: HttpRequest, quote_id: int) -> HttpResponse:
    """On site: the customer reads the quote on the technician's screen, signs and approves or declines."""
    quote = _found(get_quote, user=request.user, quote_id=quote_id)
    if not can_add_charges(request.user, quote.order):
        raise PermissionDenied
    return _answer_page(request, quote, channel=AnswerChannel.ON_SITE, by=request.user)


def _answer_page(request: HttpRequest, quote: Quote, *, channel: str, by: Any = None) -> HttpResponse:
    status = 200
    # Bound on any POST, an empty one too: unbound, the error below had no form data to go with (a 500).
    form: AnswerForm | None = AnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form is not None:
        # The button pressed: approve, or anything else declines nothing (400).
        answer = request.POST.get("answer", "")
        if answer not in ("approve", "decline"):
            form.add_error(None, _("Choose approve or decline."))
        status = run_form(
            form,
            lambda d: services.answer_quote(
                quote,
                approve=answer == "approve",
                name=d["name"],
                note=d["note"],
                signature=d["signature"],
                channel=channel,
                by=by,
            ),
        )
        if not status:
            status = 200
            quote.refresh_from_db()
            form = None
    context = {
        "quote": quote,
        "lines": list(quote.lines.order_by("id")),
        "form": form,
        "on_site": channel == AnswerChannel.ON_SITE,
        "expired": quote.status == QuoteStatus.SENT and quote.expires_at <= timezone.now(),
    }
    return render(request, "money/quote_answer.html", context, status=status)


@require_http_methods(["GET", "POST"])
def public_quote(request: HttpRequest, token: str) -> HttpResponse:
    """The customer's page, opened from the SMS without an account: one quote, nothing else."""
    try:
        quote = quote_from_token(token)
    except NotFoundError as exc:
        raise Http404(exc.detail) from exc
    response = _answer_page(request, quote, channel=AnswerChannel.LINK)
    response["Referrer-Policy"] = (
        "same-origin"  # the token must not leak to another site (no-referrer would send Origin: null, failing CSRF)
    )
    return response


# ---- invoices --------------------------------------------------------------------------------------
def _require_invoices(request: HttpRequest) -> None:
    if not can_view_invoices(request.user):
        raise PermissionDenied


@login_required
@require_POST
def invoice_create(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order(request, order_id)
    try:
        invoice = services.create_invoice(order, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("money:order_charges", order_id=order.pk)
    messages.success(request, _("Draft invoice created: check the buyer, then issue it."))
    return redirect("money:invoice_detail", invoice_id=invoice.pk)


@login_required
@require_GET
def invoice_list(request: HttpRequest) -> HttpResponse:
    _require_invoices(request)
    status, refused = screen_filter(request, lambda params: query_choice(params, "status", InvoiceStatus), "")
    qs = selectors.with_outstanding(invoices_visible_to(request.user)).select_related("customer", "order")
    if status:
        qs = qs.filter(status=status)
    page = keyset_page(qs, cursor=request.GET.get("cursor"), limit=50)
    return render(
        request,
        "money/invoice_list.html",
        {"page": page, "status": status, "statuses": InvoiceStatus.choices, "may_invoice": can_invoice(request.user)},
        status=400 if refused else 200,
    )


def _render_invoice(request: HttpRequest, invoice: Invoice, *, status: int = 200, **forms_: Any) -> HttpResponse:
    may = can_invoice(request.user, invoice.order)
    draft = invoice.status == InvoiceStatus.DRAFT
    issued = invoice.status == InvoiceStatus.ISSUED
    context = {
        "invoice": invoice,
        "lines": list(invoice.lines.order_by("id")),
        "payments": list(invoice.payments.order_by("id")),
        "outstanding": selectors.outstanding(invoice),
        "credit_note": getattr(invoice, "credit_note", None) if invoice.status == InvoiceStatus.CREDITED else None,
        "may": may,
        "buyer_form": (
            forms_.get("buyer_form")
            or InvoiceBuyerForm(
                initial={"buyer_name": invoice.buyer_name, "buyer_tax_number": invoice.buyer_tax_number}
            )
        )
        if may and draft
        else None,
        "fapiao_form": (forms_.get("fapiao_form") or FapiaoForm())
        if may and issued and not invoice.fapiao_number
        else None,
        "payment_form": (forms_.get("payment_form") or PaymentForm(initial={"received_on": timezone.localdate()}))
        if may and issued
        else None,
        "credit_form": (forms_.get("credit_form") or CreditForm()) if may and issued else None,
    }
    return render(request, "money/invoice_detail.html", context, status=status)


@login_required
@require_GET
def invoice_detail(request: HttpRequest, invoice_id: int) -> HttpResponse:
    _require_invoices(request)
    return _render_invoice(request, _found(get_invoice, user=request.user, invoice_id=invoice_id))


@login_required
@require_GET
def invoice_print(request: HttpRequest, invoice_id: int) -> HttpResponse:
    _require_invoices(request)
    invoice = _found(get_invoice, user=request.user, invoice_id=invoice_id)
    return render(
        request, "money/invoice_print.html", {"invoice": invoice, "lines": list(invoice.lines.order_by("id"))}
    )


_INVOICE_ACTIONS: dict[str, tuple[type[forms.Form] | None, Callable[..., object], str]] = {
    "buyer": (InvoiceBuyerForm, services.update_invoice, "buyer_form"),
    "issue": (None, services.issue_invoice, ""),
    "discard": (None, services.discard_invoice, ""),
    "fapiao": (FapiaoForm, services.set_fapiao_number, "fapiao_form"),
    "payment": (PaymentForm, services.record_payment, "payment_form"),
    "credit": (CreditForm, services.credit_invoice, "credit_form"),
}


@login_required
@require_POST
def invoice_action(request: HttpRequest, invoice_id: int, action: str) -> HttpResponse:
    _require_invoices(request)
    if action not in _INVOICE_ACTIONS:
        raise Http404
    invoice = _found(get_invoice, user=request.user, invoice_id=invoice_id)
    form_class, service, key = _INVOICE_ACTIONS[action]
    if form_class is None:
        try:
            service(invoice, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.detail)
        if action == "discard" and not Invoice.objects.filter(pk=invoice.pk).exists():
            messages.success(request, _("Draft discarded."))
            return redirect("money:order_charges", order_id=invoice.order_id)
        return redirect("money:invoice_detail", invoice_id=invoice.pk)
    form = form_class(request.POST)
    status = run_form(form, lambda d: service(invoice, by=request.user, **d))
    if status:
        return _render_invoice(request, invoice, status=status, **{key: form})
    messages.success(request, _("Saved."))
    return redirect("money:invoice_detail", invoice_id=invoice.pk)


@login_required
@require_GET
def receivables(request: HttpRequest) -> HttpResponse:
    _require_invoices(request)
    today = timezone.localdate()
    rows = selectors.receivables(user=request.user, today=today)
    return render(
        request,
        "money/receivables.html",
        {"rows": rows, "totals": selectors.ageing_totals(rows), "today": today},
    )


@login_required
@require_GET
def quote_signature(request: HttpRequest, quote_id: int) -> FileResponse:
    quote = _found(get_quote, user=request.user, quote_id=quote_id)
    if not quote.signature:
        raise Http404
    response = FileResponse(quote.signature.open("rb"), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def factory_ship(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order(request, order_id)
    form = FactoryShipForm(request.POST)
    status = run_form(form, lambda d: factory.ship_to_factory(order, by=request.user, **d))
    if status:
        return _render_charges(request, order, status=status, factory_ship_form=form)
    messages.success(request, _("Shipped to the factory: the order's clock stands still until the unit is back."))
    return redirect("money:order_charges", order_id=order.pk)


_FACTORY_ACTIONS: dict[str, tuple[type[forms.Form] | None, Callable[..., object]]] = {
    "quote": (FactoryQuoteForm, factory.record_factory_quote),
    "ship-back": (FactoryBackForm, factory.record_factory_shipment_back),
    "receive": (None, factory.receive_from_factory),
}


@login_required
@require_POST
def factory_action(request: HttpRequest, return_id: int, action: str) -> HttpResponse:
    if action not in _FACTORY_ACTIONS:
        raise Http404
    fr = _found(factory.get_factory_return, user=request.user, return_id=return_id)
    form_class, service = _FACTORY_ACTIONS[action]
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        errors_above_the_page(request, form)
        return redirect("money:order_charges", order_id=fr.order_id)
    try:
        service(fr, by=request.user, **(form.cleaned_data if form else {}))
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Saved."))
    return redirect("money:order_charges", order_id=fr.order_id)


# ---- exchange and installation ---------------------------------------------------------------------
def _route_context(
    request: HttpRequest, order: ServiceOrder, *, may_add: bool, forms_: dict[str, Any]
) -> dict[str, Any]:
    exchanges = list(order.exchanges.select_related("new_unit", "old_unit").order_by("id"))
    live = next((ex for ex in exchanges if ex.status not in exchange.CLOSED), None)
    inst = Installation.objects.filter(order=order).prefetch_related("units").first()
    is_installation = order.kind == OrderKind.INSTALLATION
    return {
        "exchanges": exchanges,
        "show_exchange": bool(exchanges) or (order.unit_id is not None and order.kind != OrderKind.INSTALLATION),
        "exchange_form": forms_.get("exchange_form") or ExchangeRequestForm() if may_add and live is None else None,
        "exchange_open": "exchange_form" in forms_,
        "may_decide": can_approve_exchange(request.user, order),
        "exchange_note_form": ExchangeNoteForm(auto_id="exchange-note-%s"),
        "exchange_ship_form": ExchangeShipForm(auto_id="exchange-ship-%s"),
        "exchange_deliver_form": ExchangeDeliverForm(auto_id="exchange-deliver-%s"),
        "installation": inst,
        "show_installation": is_installation or inst is not None,
        "installation_form": (forms_.get("installation_form") or InstallationPlanForm())
        if may_add and is_installation and inst is None
        else None,
        "commissioning_form": CommissioningForm(
            initial={
                "readings_before": inst.readings_before,
                "readings_after": inst.readings_after,
                "training_done": inst.training_done,
            }
        )
        if inst is not None and may_add and inst.status == InstallationStatus.OPEN
        else None,
    }


@login_required
@require_POST
def exchange_request(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order(request, order_id)
    form = ExchangeRequestForm(request.POST)
    status = run_form(form, lambda d: exchange.request_exchange(order, by=request.user, **d))
    if status:
        return _render_charges(request, order, status=status, exchange_form=form)
    messages.success(request, _("Exchange requested: the service manager approves it."))
    return redirect("money:order_charges", order_id=order.pk)


def _yes(post: Any) -> bool:
    """The button pressed, yes or no; anything else is refused (it was read as no, and recorded)."""
    return require_yes_no(post.get("answer"), field="answer", yes="yes", no="no")


_EXCHANGE_ACTIONS: dict[str, tuple[type[forms.Form], Callable[..., object]]] = {
    "decision": (ExchangeNoteForm, lambda ex, by, d, p: exchange.decide_exchange(ex, by=by, approve=_yes(p), **d)),
    "factory": (ExchangeNoteForm, lambda ex, by, d, p: exchange.record_factory_answer(ex, by=by, agreed=_yes(p), **d)),
    "ship-old": (ExchangeShipForm, lambda ex, by, d, p: exchange.ship_old_unit(ex, by=by, **d)),
    "deliver": (ExchangeDeliverForm, lambda ex, by, d, p: exchange.deliver_new_unit(ex, by=by, **d)),
}


@login_required
@require_POST
def exchange_action(request: HttpRequest, exchange_id: int, action: str) -> HttpResponse:
    if action not in _EXCHANGE_ACTIONS:
        raise Http404
    ex = _found(exchange.get_exchange, user=request.user, exchange_id=exchange_id)
    form_class, service = _EXCHANGE_ACTIONS[action]
    form = form_class(request.POST)
    _act(request, form, lambda d: service(ex, request.user, d, request.POST))
    return redirect(reverse("money:order_charges", kwargs={"order_id": ex.order_id}) + "#exchange")


def _act(request: HttpRequest, form: forms.Form, run: Callable[[dict[str, Any]], object]) -> None:
    """A small step from a collapsed form: its refusal (or the form's) as a message on the page."""
    if not form.is_valid():
        errors_above_the_page(request, form)
        return
    try:
        run(form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Saved."))


@login_required
@require_POST
def installation_plan(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _order(request, order_id)
    form = InstallationPlanForm(request.POST)
    status = run_form(form, lambda d: installation.plan_installation(order, by=request.user, **form.service_kwargs()))
    if status:
        return _render_charges(request, order, status=status, installation_form=form)
    messages.success(request, _("Installation planned: tick the checklist as the work goes."))
    return redirect(reverse("money:order_charges", kwargs={"order_id": order.pk}) + "#installation")


@login_required
@require_POST
def installation_commissioning(request: HttpRequest, installation_id: int) -> HttpResponse:
    inst = _found(installation.get_installation, user=request.user, installation_id=installation_id)
    form = CommissioningForm(request.POST)
    done = [int(value) for value in request.POST.getlist("done") if value.isdigit()]
    _act(request, form, lambda d: installation.record_commissioning(inst, by=request.user, done=done, **d))
    return redirect(reverse("money:order_charges", kwargs={"order_id": inst.order_id}) + "#installation")


@login_required
@require_http_methods(["GET", "POST"])
def installation_accept(request: HttpRequest, installation_id: int) -> HttpResponse:
    """On site: the customer checks the commissioned installation, writes the serials and signs."""
    inst = _found(installation.get_installation, user=request.user, installation_id=installation_id)
    if not can_add_charges(request.user, inst.order):
        raise PermissionDenied
    form = AcceptanceForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = run_form(
            form,
            lambda d: installation.accept_installation(
                inst,
                by=request.user,
                name=d["name"],
                signature=d["signature"],
                units=[{"serial_number": line.strip()} for line in d["serials"].splitlines() if line.strip()],
            ),
        )
        if not status:
            messages.success(request, _("Accepted: the units are registered and the charges can be invoiced."))
            return redirect(reverse("money:order_charges", kwargs={"order_id": inst.order_id}) + "#installation")
    return render(request, "money/installation_accept.html", {"installation": inst, "form": form}, status=status)


@login_required
@require_GET
def installation_signature(request: HttpRequest, installation_id: int) -> FileResponse:
    inst = _found(installation.get_installation, user=request.user, installation_id=installation_id)
    if not inst.signature:
        raise Http404
    response = FileResponse(inst.signature.open("rb"), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


# ---- server-side PDFs -------------------------------------------------------------------------------
@login_required
@require_GET
def quote_pdf(request: HttpRequest, quote_id: int) -> HttpResponse:
    """The quote as an A4 PDF made on the server (WeasyPrint)."""
    quote = _found(get_quote, user=request.user, quote_id=quote_id)
    return quote_pdf_response(request, quote)


@login_required
@require_GET
def invoice_pdf(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """The invoice as an A4 PDF made on the server (WeasyPrint)."""
    _require_invoices(request)
    return invoice_pdf_response(request, _found(get_invoice, user=request.user, invoice_id=invoice_id))


# ---- logistics chasing ------------------------------------------------------------------------------
@login_required
@require_GET
def logistics_view(request: HttpRequest) -> HttpResponse:
    """Purchases sent to a factory that wait for its pick-up notice (parts keepers record it)."""
    if not can_view_stock(request.user):
        raise PermissionDenied
    page = keyset_page(awaiting_pickup_for(request.user), cursor=request.GET.get("cursor"), limit=50)
    context = {"page": page, "may_notice": can_manage_stock(request.user), "chase_days": logistics_chase_days()}
    return render(request, "money/logistics.html", context)


@login_required
@require_POST
def pickup_notice(request: HttpRequest, request_id: int) -> HttpResponse:
    stock_request = requests_visible_to(request.user).filter(pk=request_id).first()
    if stock_request is None:
        raise Http404
    try:
        record_pickup_notice(stock_request, by=request.user, note=request.POST.get("note", ""))
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Pick-up notice recorded: the factory is no longer chased."))
    return redirect("money:logistics")
