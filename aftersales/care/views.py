"""Customer care screens: customers and their file, a unit's history, the follow-up work list and
the call screen, complaints. Each action is one small view (bind form → call service → redirect);
a refusal (``DomainError``) is shown next to its field with the service's status, nothing written."""

from collections.abc import Callable
from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales.care import selectors, services
from aftersales.care.choices import ComplaintStatus
from aftersales.care.forms import (
    AcceptForm,
    CallForm,
    CampaignForm,
    ComplaintForm,
    ContactForm,
    CustomerContactEditForm,
    CustomerContactForm,
    CustomerEditForm,
    CustomerSiteEditForm,
    CustomerSiteForm,
    EscalateForm,
    InUseForm,
    ProofFileForm,
    ProofForm,
    ResolveForm,
    UnitRegisterForm,
)
from aftersales.care.models import ScriptQuestion
from aftersales.care.permissions import (
    can_handle_complaints,
    can_log_contacts,
    can_make_calls,
    can_run_campaigns,
    can_see_follow_ups,
    can_view_care,
    care_customers_visible_to,
)
from aftersales.core.errors import DomainError
from aftersales.core.filtering import screen_filter
from aftersales.core.pagination import keyset_page
from aftersales.core.phones import display_phone
from aftersales.core.validation import query_choice
from aftersales.customers import services as customer_services
from aftersales.customers.models import Contact, Site
from aftersales.customers.permissions import can_edit_customers
from aftersales.history.views import record_panel
from aftersales.installed_base import services as unit_services
from aftersales.installed_base.panels import render_unit_panels
from aftersales.installed_base.permissions import units_visible_to
from aftersales.service.forms_field import errors_above_the_page, run_form

PAGE = 50


def _need(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# ---- customers ---------------------------------------------------------------------------------------
@login_required
@require_GET
def customer_list(request: HttpRequest) -> HttpResponse:
    _need(can_view_care(request.user))
    q = request.GET.get("q", "").strip()[:100]
    page = keyset_page(selectors.customer_list(user=request.user, q=q), cursor=request.GET.get("cursor"), limit=PAGE)
    # The export's ``search`` is this box's search (customers.filters.search_customers): the same rows.
    export_url = reverse("exchange:export", kwargs={"kind": "customers", "fmt": "xlsx"})
    if q:
        export_url += "?" + urlencode({"search": q})
    return render(request, "care/customer_list.html", {"page": page, "q": q, "export_url": export_url})


def _customer(request: HttpRequest, customer_id: int) -> Any:
    customer = (
        care_customers_visible_to(request.user)
        .select_related("service_center")
        .prefetch_related(
            Prefetch("contacts", queryset=Contact.objects.order_by("-in_use", "-is_primary", "id")),
            Prefetch("sites", queryset=Site.objects.order_by("-in_use", "id")),
        )
        .filter(pk=customer_id)
        .first()
    )
    if customer is None:
        raise Http404
    return customer


def _render_file(request: HttpRequest, customer: Any, *, status: int = 200, **forms_: Any) -> HttpResponse:
    file = selectors.customer_file(user=request.user, customer=customer)
    context = {
        "file": file,
        "customer": customer,
        "contact_form": forms_.get("contact_form") or ContactForm(),
        "complaint_form": forms_.get("complaint_form") or ComplaintForm(),
        "can_log": can_log_contacts(request.user, centre_id=customer.service_center_id),
        "can_complain": can_handle_complaints(request.user, centre_id=customer.service_center_id),
        "can_edit": can_edit_customers(request.user, centre_id=customer.service_center_id),
    }
    return render(request, "care/customer_detail.html", context, status=status)


@login_required
@require_GET
def customer_detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    return _render_file(request, _customer(request, customer_id))


@login_required
@require_POST
def customer_log_contact(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer(request, customer_id)
    form = ContactForm(request.POST)
    status = run_form(form, lambda data: services.log_contact(by=request.user, customer=customer, **data))
    if status:
        return _render_file(request, customer, status=status, contact_form=form)
    messages.success(request, _("Contact logged."))
    return redirect("care:customer_detail", customer_id=customer.pk)


@login_required
@require_POST
def customer_open_complaint(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer(request, customer_id)
    form = ComplaintForm(request.POST)
    created: list[Any] = []
    status = run_form(
        form, lambda data: created.append(services.open_complaint(by=request.user, customer=customer, **data))
    )
    if status:
        return _render_file(request, customer, status=status, complaint_form=form)
    messages.success(request, _("Complaint %(number)s opened.") % {"number": created[0].number})
    return redirect("care:complaint_detail", complaint_id=created[0].pk)


# ---- the file's own records: one small page each (bind → the customers / installed_base service → back) ----
def _editable_customer(request: HttpRequest, customer_id: int) -> Any:
    """The customer, if the user may change it: 404 outside their scope, 403 for one who may not edit
    customers (the predicate of ``PATCH /customers/{id}`` and its siblings)."""
    customer = _customer(request, customer_id)
    _need(can_edit_customers(request.user, centre_id=customer.service_center_id))
    return customer


def _record_form(
    request: HttpRequest,
    customer_id: int,
    *,
    form_class: Callable[..., forms.Form],
    initial: Callable[[Any], dict[str, Any]],
    save: Callable[[Any, dict[str, Any]], object],
    title: str,
    done: str,
    customer: Any = None,
    record: Any = None,
    in_use_form: InUseForm | None = None,
    in_use_url: str = "",
    status: int = 200,
    redirect_to: Callable[[Any, list[Any]], str] | None = None,
) -> HttpResponse:
    """One form over a record of the file: GET shows it, POST saves through ``save`` and goes back to the
    file (or ``redirect_to(customer, saved)``). ``record`` is the contact or site being edited; the page
    then also offers to take it out of use or put it back (``in_use_form``)."""
    customer = customer or _editable_customer(request, customer_id)
    if request.method == "POST" and in_use_form is None:
        form = form_class(request.POST, request.FILES)
        saved: list[Any] = []
        status = run_form(form, lambda data: saved.append(save(customer, data)))
        if not status:
            messages.success(request, done)
            if redirect_to is not None:
                return redirect(redirect_to(customer, saved))
            return redirect("care:customer_detail", customer_id=customer.pk)
    else:
        form = form_class(initial=initial(customer))
    context = {
        "form": form,
        "title": title,
        "customer": customer,
        "record": record,
        "in_use_form": in_use_form
        or (InUseForm(initial={"in_use": "0" if record.in_use else "1"}) if record else None),
        "in_use_url": in_use_url,
        "back": reverse("care:customer_detail", args=[customer.pk]),
    }
    return render(request, "care/customer_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def customer_edit(request: HttpRequest, customer_id: int) -> HttpResponse:
    return _record_form(
        request,
        customer_id,
        form_class=CustomerEditForm,
        initial=lambda customer: {"name": customer.name, "notes": customer.notes},
        save=lambda customer, data: customer_services.update_customer(customer=customer, by=request.user, **data),
        title=_("Edit the customer"),
        done=_("Customer saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def customer_add_contact(request: HttpRequest, customer_id: int) -> HttpResponse:
    return _record_form(
        request,
        customer_id,
        form_class=CustomerContactForm,
        initial=lambda customer: {"is_primary": not any(c.in_use for c in customer.contacts.all())},
        save=lambda customer, data: customer_services.add_contact(
            customer=customer, by=request.user, data=customer_services.ContactData(**data)
        ),
        title=_("Add a contact person"),
        done=_("Contact person added."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def customer_add_site(request: HttpRequest, customer_id: int) -> HttpResponse:
    return _record_form(
        request,
        customer_id,
        form_class=CustomerSiteForm,
        initial=lambda customer: {},
        save=lambda customer, data: customer_services.add_site(
            customer=customer, by=request.user, data=customer_services.SiteData(**data)
        ),
        title=_("Add a site"),
        done=_("Site added."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def customer_add_unit(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Register a unit outside intake: the service of ``POST /units``; the site is one of the customer's in use."""
    customer = _editable_customer(request, customer_id)
    return _record_form(
        request,
        customer_id,
        form_class=partial(UnitRegisterForm, customer=customer),
        initial=lambda customer: {},
        save=lambda customer, data: unit_services.register_unit(by=request.user, customer=customer, **data),
        title=_("Register a unit"),
        done=_("Unit registered."),
        customer=customer,
        redirect_to=lambda customer, saved: reverse("care:unit_detail", args=[saved[0].pk]),
    )


def _contact(request: HttpRequest, customer_id: int, contact_id: int) -> tuple[Any, Any]:
    customer = _editable_customer(request, customer_id)
    contact = next((c for c in customer.contacts.all() if c.pk == contact_id), None)
    if contact is None:
        raise Http404
    return customer, contact


def _site(request: HttpRequest, customer_id: int, site_id: int) -> tuple[Any, Any]:
    customer = _editable_customer(request, customer_id)
    site = next((s for s in customer.sites.all() if s.pk == site_id), None)
    if site is None:
        raise Http404
    return customer, site


def _contact_page(
    request: HttpRequest, customer_id: int, contact_id: int, *, in_use_form: InUseForm | None = None, status: int = 200
) -> HttpResponse:
    customer, contact = _contact(request, customer_id, contact_id)
    return _record_form(
        request,
        customer_id,
        form_class=CustomerContactEditForm,
        initial=lambda customer: {
            "name": contact.name,
            "mobile": display_phone(contact.mobile),  # as read everywhere else, not the stored +86 form
            "is_primary": contact.is_primary,
        },
        save=lambda customer, data: customer_services.update_contact(contact=contact, by=request.user, **data),
        title=_("Edit the contact person"),
        done=_("Contact person saved."),
        customer=customer,
        record=contact,
        in_use_form=in_use_form,
        in_use_url=reverse("care:customer_contact_in_use", args=[customer.pk, contact.pk]),
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def customer_edit_contact(request: HttpRequest, customer_id: int, contact_id: int) -> HttpResponse:
    return _contact_page(request, customer_id, contact_id)


@login_required
@require_POST
def customer_contact_in_use(request: HttpRequest, customer_id: int, contact_id: int) -> HttpResponse:
    """Take the contact out of use or put it back (``POST …/contacts/{id}/retire`` and ``…/reinstate``)."""
    _customer_, contact = _contact(request, customer_id, contact_id)
    form = InUseForm(request.POST)
    status = run_form(form, lambda data: customer_services.set_contact_in_use(contact=contact, by=request.user, **data))
    if status:
        return _contact_page(request, customer_id, contact_id, in_use_form=form, status=status)
    contact.refresh_from_db()
    messages.success(
        request, _("Contact person back in use.") if contact.in_use else _("Contact person taken out of use.")
    )
    return redirect("care:customer_detail", customer_id=customer_id)


def _site_page(
    request: HttpRequest, customer_id: int, site_id: int, *, in_use_form: InUseForm | None = None, status: int = 200
) -> HttpResponse:
    customer, site = _site(request, customer_id, site_id)
    return _record_form(
        request,
        customer_id,
        form_class=CustomerSiteEditForm,
        initial=lambda customer: {
            "name": site.name,
            "province": site.province,
            "city": site.city,
            "address": site.address,
        },
        save=lambda customer, data: customer_services.update_site(site=site, by=request.user, **data),
        title=_("Edit the site"),
        done=_("Site saved."),
        customer=customer,
        record=site,
        in_use_form=in_use_form,
        in_use_url=reverse("care:customer_site_in_use", args=[customer.pk, site.pk]),
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def customer_edit_site(request: HttpRequest, customer_id: int, site_id: int) -> HttpResponse:
    return _site_page(request, customer_id, site_id)


@login_required
@require_POST
def customer_site_in_use(request: HttpRequest, customer_id: int, site_id: int) -> HttpResponse:
    """Take the site out of use or put it back (``POST …/sites/{id}/retire`` and ``…/reinstate``)."""
    _customer_, site = _site(request, customer_id, site_id)
    form = InUseForm(request.POST)
    status = run_form(form, lambda data: customer_services.set_site_in_use(site=site, by=request.user, **data))
    if status:
        return _site_page(request, customer_id, site_id, in_use_form=form, status=status)
    site.refresh_from_db()
    messages.success(request, _("Site back in use.") if site.in_use else _("Site taken out of use."))
    return redirect("care:customer_detail", customer_id=customer_id)


def _unit(request: HttpRequest, unit_id: int) -> Any:
    _need(can_view_care(request.user))
    unit = units_visible_to(request.user).select_related("customer", "product_model", "site").filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    return unit


@login_required
@require_GET
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _unit(request, unit_id)
    context = {
        "history": selectors.unit_history(user=request.user, unit=unit),
        "panels": render_unit_panels(request, unit),  # what the areas add: the parts fitted ...
        "can_edit": can_edit_customers(request.user, centre_id=unit.customer.service_center_id),
    }
    return render(request, "care/unit_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def unit_proof(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Correct the proof of purchase: the service of ``PUT /units/{id}/proof``, which keeps old → new and
    the reason in the unit's history."""
    unit = _unit(request, unit_id)
    _need(can_edit_customers(request.user, centre_id=unit.customer.service_center_id))
    if request.method == "POST":
        form = ProofForm(request.POST)
        status = run_form(form, lambda data: unit_services.update_proof_of_purchase(unit=unit, by=request.user, **data))
        if not status:
            messages.success(request, _("Proof of purchase saved."))
            return redirect("care:unit_detail", unit_id=unit.pk)
    else:
        form, status = ProofForm(initial={name: getattr(unit, name) for name in unit_services.PROOF_FIELDS}), 200
    context = {
        "form": form,
        "title": _("Correct the proof of purchase"),
        "customer": unit.customer,
        "unit": unit,
        "back": reverse("care:unit_detail", args=[unit.pk]),
    }
    return render(request, "care/customer_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def unit_proof_file(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Upload the invoice (image or PDF) as the proof of purchase: the service of ``POST /units/{id}/proof``,
    with its checks of size and type (read from the bytes); a new file replaces the old one."""
    unit = _unit(request, unit_id)
    _need(can_edit_customers(request.user, centre_id=unit.customer.service_center_id))
    if request.method == "POST":
        form = ProofFileForm(request.POST, request.FILES)
        status = run_form(
            form,
            lambda data: unit_services.attach_proof_of_purchase(unit=unit, by=request.user, file=data["file"]),
        )
        if not status:
            messages.success(request, _("Proof of purchase file saved."))
            return redirect("care:unit_detail", unit_id=unit.pk)
    else:
        form, status = ProofFileForm(), 200
    context = {
        "form": form,
        "title": _("Upload the proof of purchase"),
        "customer": unit.customer,
        "unit": unit,
        "back": reverse("care:unit_detail", args=[unit.pk]),
    }
    return render(request, "care/customer_form.html", context, status=status)


@login_required
@require_GET
def unit_proof_download(request: HttpRequest, unit_id: int) -> HttpResponse:
    """The stored proof-of-purchase file, for those who see the unit (404 without one)."""
    unit = _unit(request, unit_id)
    if not unit.proof_file:
        raise Http404
    # The stored name is generated from the type read from the bytes (core.uploads), so its extension is true.
    response = FileResponse(unit.proof_file.open("rb"), filename=unit.proof_file.name.rsplit("/", 1)[-1])
    response["Cache-Control"] = "private, no-store"
    return response


# ---- follow-ups --------------------------------------------------------------------------------------
@login_required
@require_GET
def follow_up_list(request: HttpRequest) -> HttpResponse:
    _need(can_see_follow_ups(request.user))
    which = request.GET.get("list", "due")
    if which not in selectors.TASK_LISTS:
        which = "due"
    tasks = list(selectors.task_list(user=request.user, which=which)[:200])
    today = selectors.today()
    rows = [(task, selectors.task_state(task, on=today)) for task in tasks]
    context = {
        "rows": rows,
        "which": which,
        "counts": selectors.task_counts(user=request.user, on=today),
        # The ledger of the tab (care/exports.py): every follow-up of it with its last call, not only 200.
        "export_url": reverse("exchange:export", kwargs={"kind": "follow_ups", "fmt": "xlsx"})
        + "?"
        + urlencode({"list": which}),
        "tabs": [
            ("due", _("Due today")),
            ("overdue", _("Overdue")),
            ("retry", _("To retry")),
            ("upcoming", _("Upcoming")),
            ("done", _("Done")),
            ("all", _("All")),
        ],
    }
    return render(request, "care/follow_up_list.html", context)


def _render_call(request: HttpRequest, task: Any, *, form: CallForm | None = None, status: int = 200) -> HttpResponse:
    questions = list(ScriptQuestion.objects.filter(active=True))
    answers = {q.pk: request.POST.get(f"answer-{q.pk}", "") for q in questions} if request.method == "POST" else {}
    context = {
        "task": task,
        "state": selectors.task_state(task),
        "form": form or CallForm(),
        "questions": [(q, answers.get(q.pk, "")) for q in questions],
        "can_call": task.is_open and can_make_calls(request.user, centre_id=task.service_center_id),
    }
    return render(request, "care/follow_up_detail.html", context, status=status)


def _task(request: HttpRequest, task_id: int) -> Any:
    task = selectors.task_detail(user=request.user, task_id=task_id)
    if task is None:
        raise Http404
    return task


@login_required
@require_GET
def follow_up_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    return _render_call(request, _task(request, task_id))


def posted_answers(request: HttpRequest) -> dict[str, Any]:
    """The script's answers as the service takes them: scores as numbers, yes/no as booleans."""
    answers: dict[str, Any] = {}
    for question in ScriptQuestion.objects.filter(active=True):
        raw = request.POST.get(f"answer-{question.pk}", "").strip()
        if not raw:
            continue
        if question.answer_type == "score":
            answers[str(question.pk)] = int(raw) if raw.isdigit() else raw
        elif question.answer_type == "yes_no":
            answers[str(question.pk)] = {"yes": True, "no": False}.get(raw, raw)
        else:
            answers[str(question.pk)] = raw
    return answers


@login_required
@require_POST
def follow_up_call(request: HttpRequest, task_id: int) -> HttpResponse:
    task = _task(request, task_id)
    form = CallForm(request.POST)
    status = run_form(
        form,
        lambda data: services.record_call(task_id=task.pk, by=request.user, answers=posted_answers(request), **data),
    )
    if status:
        return _render_call(request, task, form=form, status=status)
    messages.success(request, _("Call recorded."))
    return redirect("care:follow_up_detail", task_id=task.pk)


# ---- complaints --------------------------------------------------------------------------------------
@login_required
@require_GET
def complaint_list(request: HttpRequest) -> HttpResponse:
    _need(can_view_care(request.user))
    status, refused = screen_filter(request, lambda params: query_choice(params, "status", ComplaintStatus), "")
    page = keyset_page(
        selectors.complaint_list(user=request.user, status=status), cursor=request.GET.get("cursor"), limit=PAGE
    )
    # The ledger (care/exports.py): every complaint of the tab, not only this page.
    export_url = reverse("exchange:export", kwargs={"kind": "complaints", "fmt": "xlsx"})
    if status:
        export_url += "?" + urlencode({"status": status})
    context = {"page": page, "status": status, "statuses": ComplaintStatus.choices, "export_url": export_url}
    return render(request, "care/complaint_list.html", context, status=400 if refused else 200)


def _render_complaint(request: HttpRequest, complaint_id: int, *, status: int = 200, **forms_: Any) -> HttpResponse:
    complaint = selectors.complaint_detail(user=request.user, complaint_id=complaint_id)
    if complaint is None:
        raise Http404
    context = {
        "complaint": complaint,
        "overdue": selectors.is_overdue(complaint),
        "can_act": can_handle_complaints(request.user, centre_id=complaint.service_center_id),
        "resolve_form": forms_.get("resolve_form") or ResolveForm(),
        "escalate_form": forms_.get("escalate_form") or EscalateForm(),
        "accept_form": forms_.get("accept_form") or AcceptForm(),
        "history_panel": record_panel(request, complaint),
    }
    return render(request, "care/complaint_detail.html", context, status=status)


@login_required
@require_GET
def complaint_detail(request: HttpRequest, complaint_id: int) -> HttpResponse:
    return _render_complaint(request, complaint_id)


def _offers(complaint: Any, key: str) -> bool:
    """Whether the complaint's page shows the form ``key`` for the complaint as it is now."""
    if key == "accept_form":
        return bool(complaint.status == "resolved")
    if key == "escalate_form":
        return bool(complaint.status == "open" and complaint.level < 2)
    return bool(complaint.status == "open")


def _complaint_action(
    request: HttpRequest,
    complaint_id: int,
    form: forms.Form,
    key: str,
    run: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    if selectors.complaint_detail(user=request.user, complaint_id=complaint_id) is None:
        raise Http404
    status = run_form(form, run)
    if status:
        complaint = selectors.complaint_detail(user=request.user, complaint_id=complaint_id)
        if complaint is not None and not _offers(complaint, key):
            # A page drawn before the complaint moved on: the page now has no form for this step.
            errors_above_the_page(request, form)
        return _render_complaint(request, complaint_id, status=status, **{key: form})
    messages.success(request, done)
    return redirect(reverse("care:complaint_detail", args=[complaint_id]))


@login_required
@require_POST
def complaint_resolve(request: HttpRequest, complaint_id: int) -> HttpResponse:
    return _complaint_action(
        request,
        complaint_id,
        ResolveForm(request.POST),
        "resolve_form",
        lambda data: services.resolve_complaint(complaint_id=complaint_id, by=request.user, **data),
        _("Resolution recorded."),
    )


@login_required
@require_POST
def complaint_escalate(request: HttpRequest, complaint_id: int) -> HttpResponse:
    return _complaint_action(
        request,
        complaint_id,
        EscalateForm(request.POST),
        "escalate_form",
        lambda data: services.escalate_complaint(complaint_id=complaint_id, by=request.user, **data),
        _("Complaint escalated."),
    )


@login_required
@require_POST
def complaint_accept(request: HttpRequest, complaint_id: int) -> HttpResponse:
    return _complaint_action(
        request,
        complaint_id,
        AcceptForm(request.POST),
        "accept_form",
        lambda data: services.accept_resolution(complaint_id=complaint_id, by=request.user, **data),
        _("The customer's answer is recorded."),
    )


# ---- campaigns ---------------------------------------------------------------------------------------
def _render_campaigns(request: HttpRequest, *, form: CampaignForm | None = None, status: int = 200) -> HttpResponse:
    context = {
        "campaigns": list(selectors.campaign_list(user=request.user)[:100]),
        "form": form or CampaignForm(),
        "can_run": can_run_campaigns(request.user),
        # Every campaign of the list (not only the latest shown here).
        "export_url": reverse("exchange:export", kwargs={"kind": "campaigns", "fmt": "xlsx"}),
    }
    return render(request, "care/campaign_list.html", context, status=status)


@login_required
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    _need(can_view_care(request.user))
    return _render_campaigns(request)


@login_required
@require_POST
def campaign_create(request: HttpRequest) -> HttpResponse:
    _need(can_run_campaigns(request.user))
    form = CampaignForm(request.POST)
    created: list[Any] = []
    status = run_form(form, lambda data: created.append(services.announce_campaign(by=request.user, **data)))
    if status:
        return _render_campaigns(request, form=form, status=status)
    messages.success(request, _("Campaign announced."))
    return redirect("care:campaign_detail", campaign_id=created[0].pk)


@login_required
@require_GET
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    view = selectors.campaign_detail(user=request.user, campaign_id=campaign_id)
    if view is None:
        raise Http404
    context = {"view": view, "can_run": can_run_campaigns(request.user, centre_id=view.campaign.service_center_id)}
    return render(request, "care/campaign_detail.html", context)


@login_required
@require_POST
def campaign_letters(request: HttpRequest, campaign_id: int) -> HttpResponse:
    if selectors.campaign_detail(user=request.user, campaign_id=campaign_id) is None:
        raise Http404
    try:
        services.record_letters_sent(campaign_id=campaign_id, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("The letters are recorded as sent."))
    return redirect("care:campaign_detail", campaign_id=campaign_id)
