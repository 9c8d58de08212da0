"""Forms of the front-line screens: hotline intake, the dispatch board and the technician's phone view.

The forms only parse what the browser sent (types, choices, dates). Every business rule — a valid
phone number, a unique serial, who may assign, a signature as PNG — is checked by the service the
view calls; its ``DomainError`` is shown at the form field named in ``SERVICE_FIELDS``.
"""

import base64
import binascii
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from aftersales.catalog.forms import NewUnitModelField
from aftersales.core.errors import DomainError
from aftersales.core.forms import ConsoleBoundField
from aftersales.core.widgets import DateInput
from aftersales.customers.choices import CustomerKind
from aftersales.service.choices import Channel, OldParts, OrderKind, Priority, Resolution, UnsignedReason, WaitingFor


class ConsoleForm(forms.Form):
    bound_field_class = ConsoleBoundField


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several files in one input; the type and size of each are checked by ``add_photo``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleImageInput(attrs={"accept": "image/*", "multiple": True, "class": "form-control"})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleImageField, self).clean(f, initial) for f in files]


def _text(**attrs: Any) -> forms.TextInput:
    return forms.TextInput(attrs={"class": "form-control", **attrs})


def _select() -> forms.Select:
    return forms.Select(attrs={"class": "form-select"})


def _area(rows: int = 3, **attrs: Any) -> forms.Textarea:
    return forms.Textarea(attrs={"class": "form-control", "rows": rows, **attrs})


class IntakeForm(ConsoleForm):
    """One call: who is calling (looked up or new), which unit, and the order itself."""

    # Lookup while the call runs; the phone also becomes the reporter's and the new contact's number.
    phone = forms.CharField(
        label=_("Caller's phone"),
        required=False,
        max_length=40,
        widget=_text(
            type="tel",
            autofocus=True,
            autocomplete="off",
            inputmode="tel",
            **{"data-no-enter-submit": "", "data-intake-lookup": ""},
        ),
    )
    serial = forms.CharField(
        label=_("Serial number"),
        required=False,
        max_length=64,
        widget=_text(autocomplete="off", **{"data-no-enter-submit": "", "data-intake-lookup": ""}),
    )
    customer_id = forms.IntegerField(required=False, widget=forms.HiddenInput(attrs={"data-pick": "customer"}))
    contact_id = forms.IntegerField(required=False, widget=forms.HiddenInput(attrs={"data-pick": "contact"}))
    unit_id = forms.IntegerField(required=False, widget=forms.HiddenInput(attrs={"data-pick": "unit"}))

    # A new customer, when the lookup found none.
    new_customer_name = forms.CharField(label=_("Customer name"), required=False, max_length=200, widget=_text())
    new_customer_kind = forms.ChoiceField(
        label=_("Customer kind"), choices=CustomerKind.choices, initial=CustomerKind.COMPANY, widget=_select()
    )
    new_contact_name = forms.CharField(label=_("Contact name"), required=False, max_length=100, widget=_text())
    new_contact_mobile = forms.CharField(
        label=_("Contact mobile"), required=False, max_length=40, widget=_text(type="tel", inputmode="tel")
    )
    new_site_city = forms.CharField(label=_("City"), required=False, max_length=50, widget=_text())
    new_site_address = forms.CharField(label=_("Site address"), required=False, max_length=255, widget=_text())

    # A new unit, when the caller's unit is not registered.
    new_unit_serial = forms.CharField(label=_("New unit serial number"), required=False, max_length=64, widget=_text())
    new_unit_model = NewUnitModelField(label=_("Product model"), required=False, widget=_select())
    new_unit_purchase_date = forms.DateField(
        label=_("Purchase (invoice) date"),
        required=False,
        widget=DateInput(attrs={"class": "form-control"}),
    )
    new_unit_proof_ref = forms.CharField(
        label=_("Proof of purchase (invoice no.)"), required=False, max_length=100, widget=_text()
    )

    # The order.
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.HOTLINE, widget=_select())
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=OrderKind.choices,
        initial=OrderKind.REPAIR,
        widget=forms.Select(attrs={"class": "form-select", "data-intake-kind": ""}),
    )
    resolution = forms.ChoiceField(
        label=_("Agreed resolution"), choices=Resolution.choices, initial=Resolution.ON_SITE, widget=_select()
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL, widget=_select()
    )
    reporter_name = forms.CharField(label=_("Reporter"), required=False, max_length=100, widget=_text())
    reporter_phone = forms.CharField(
        label=_("Reporter phone"), required=False, max_length=40, widget=_text(type="tel", inputmode="tel")
    )
    description = forms.CharField(label=_("Problem description"), required=False, max_length=5000, widget=_area(4))
    photos = MultipleImageField(label=_("Photos"))
    consultation_answer = forms.CharField(label=_("Answer given"), required=False, max_length=5000, widget=_area(3))
    close_now = forms.BooleanField(
        label=_("Close the consultation now"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def enable_lookup(self, url: str) -> None:
        """Typing in the phone or serial field refreshes the lookup panel (htmx), without a reload."""
        for name in ("phone", "serial"):
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": url,
                    "hx-trigger": "input changed delay:300ms, search",
                    "hx-target": "#intake-lookup",
                    "hx-include": "#id_phone, #id_serial, #id_customer_id, #id_unit_id",
                    "hx-sync": "this:replace",
                    "hx-indicator": "#intake-lookup-busy",
                    "aria-controls": "intake-lookup",
                }
            )

    def has_new_customer(self) -> bool:
        data = self.cleaned_data
        return any(data.get(f) for f in ("new_customer_name", "new_contact_name", "new_site_address"))

    def has_new_unit(self) -> bool:
        return bool(self.cleaned_data.get("new_unit_serial") or self.cleaned_data.get("new_unit_model"))


# Service field names (``DomainError.field``) → intake form fields, per service call.
INTAKE_CUSTOMER_FIELDS = {
    "name": "new_customer_name",
    "kind": "new_customer_kind",
    "contacts[0].name": "new_contact_name",
    "contacts[0].mobile": "new_contact_mobile",
    "contacts": "new_contact_mobile",
    "sites[0].name": "new_site_address",
    "sites[0].address": "new_site_address",
    "sites[0].city": "new_site_city",
    "service_center_id": "new_customer_name",
}
INTAKE_UNIT_FIELDS = {
    "serial_number": "new_unit_serial",
    "purchase_date": "new_unit_purchase_date",
    "proof_reference": "new_unit_proof_ref",
    "product_model": "new_unit_model",
    "product_model_id": "new_unit_model",
    "site_id": "new_site_address",
}
INTAKE_ORDER_FIELDS = {
    "customer_id": "customer_id",
    "unit_id": "unit_id",
    "contact_id": "customer_id",
    "site_id": "customer_id",
    "close_now": "close_now",
    "consultation_answer": "consultation_answer",
    "received_at": None,
}
INTAKE_PHOTO_FIELDS = {"file": "photos", "visit_id": "photos"}


class AssignForm(ConsoleForm):
    """One row of the dispatch board: pick a technician; a reassignment needs a reason."""

    technician = forms.IntegerField(label=_("Technician"))
    reason = forms.CharField(label=_("Reason for reassignment"), required=False, max_length=500)
    # What the dispatcher saw: lets a reassignment fail plainly when the order changed meanwhile.
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    seen_technician = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # A manager sets aside an overridable dispatch check (no valid certificate) with a reason.
    override = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ArrivalForm(ConsoleForm):
    arrival_confirmed_by = forms.CharField(
        label=_("Arrival confirmed by (customer's name)"), required=False, max_length=100, widget=_text()
    )


class VisitEndForm(ConsoleForm):
    """Ending a visit the customer cannot sign (services.visits.end_visit_unsigned)."""

    reason = forms.ChoiceField(
        label=_("Why there is no signature"), choices=UnsignedReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200, widget=_text())
    waiting_for = forms.ChoiceField(
        label=_("The order waits for"),
        required=False,
        choices=[("", _("As the reason says")), *WaitingFor.choices],
        widget=_select(),
    )
    # Without it the departure is the moment the button is pressed: a visit ended back at the office, or the
    # next morning, counted a day or a week on site (QA 2026-12-07: 225 h of one technician's utilisation).
    departed_at = forms.DateTimeField(
        label=_("Left the site at"),
        required=False,
        help_text=_("Empty: now. Ending the visit later, give the time you left."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M"),
    )


class VisitForm(ConsoleForm):
    """The on-site record (售后服务记录单) as the technician fills it in on the phone."""

    diagnosis = forms.CharField(label=_("Diagnosis"), required=False, max_length=5000, widget=_area(3))
    work_done = forms.CharField(label=_("Work done"), required=False, max_length=5000, widget=_area(3))
    parts_replaced = forms.CharField(label=_("Parts replaced"), required=False, max_length=2000, widget=_area(2))
    old_parts = forms.ChoiceField(
        label=_("Old parts"),
        choices=OldParts.choices,
        initial=OldParts.NONE,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    misuse_found = forms.BooleanField(
        label=_("Damage by misuse found"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    photos = MultipleImageField(
        label=_("Photos"),
        widget=MultipleImageInput(
            attrs={"accept": "image/*", "capture": "environment", "multiple": True, "class": "form-control"}
        ),
    )
    rating = forms.TypedChoiceField(
        label=_("Customer rating"),
        choices=[("", _("Not rated")), *[(str(i), "★" * i) for i in range(5, 0, -1)]],
        coerce=int,
        empty_value=None,
        required=False,
        widget=_select(),
    )
    customer_remarks = forms.CharField(label=_("Customer remarks"), required=False, max_length=2000, widget=_area(2))
    signer_name = forms.CharField(
        label=_("Signed by (customer's name)"), required=False, max_length=100, widget=_text()
    )
    signature = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-signature-value": ""}))

    VISIT_FIELDS = (
        "diagnosis",
        "work_done",
        "parts_replaced",
        "old_parts",
        "misuse_found",
        "rating",
        "customer_remarks",
    )

    def visit_fields(self) -> dict[str, Any]:
        return {f: self.cleaned_data[f] for f in self.VISIT_FIELDS}

    def clean_signature(self) -> SimpleUploadedFile | None:
        """The pad sends ``data:image/png;base64,…``; ``sign_visit`` checks the bytes really are a PNG."""
        value = (self.cleaned_data.get("signature") or "").strip()
        if not value:
            return None
        header, _sep, payload = value.partition(",")
        if not header.startswith("data:image/png;base64") or not payload:
            raise forms.ValidationError(_("The signature could not be read. Ask the customer to sign again."))
        try:
            raw = base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise forms.ValidationError(_("The signature could not be read. Ask the customer to sign again.")) from exc
        return SimpleUploadedFile("signature.png", raw, content_type="image/png")


VISIT_SERVICE_FIELDS = {"file": "photos", "signature": "signature", "signer_name": "signer_name"}


def show_domain_error(form: forms.Form, error: DomainError, mapping: dict[str, str | None] | None = None) -> None:
    """Put a service's refusal next to the field it names (or above the form when it names none): through
    ``mapping`` where the names differ, else at the field of that name, or of that name without ``_id``
    (a ``ModelChoiceField`` is named after the record, the service's argument after its id). A
    refusal of several fields at once (``DomainError.every``, ``core.validation.Checks``) puts each next
    to its own field, so that one submit shows every problem; the same sentence is not shown twice."""
    mapping = mapping or {}
    shown: set[tuple[str | None, str]] = set()
    for each in error.every():
        field = mapping.get(each.field, each.field) if each.field else None
        if field and field not in form.fields and field.endswith("_id") and field.removesuffix("_id") in form.fields:
            field = field.removesuffix("_id")  # the API's ``site_id`` is the form's choice of ``site``
        target = field if field in form.fields else None
        if (target, each.detail) not in shown:
            shown.add((target, each.detail))
            form.add_error(target, each.detail)


def run_form(form: forms.Form, run: Callable[[dict[str, Any]], object]) -> int:
    """Bind → service for a console form: 0 when the service ran, else the status to answer with (400 for
    the form's own errors, the refusal's status with the refusal shown by ``show_domain_error``)."""
    if not form.is_valid():
        return 400
    try:
        run(form.cleaned_data)
    except DomainError as exc:
        show_domain_error(form, exc)
        return exc.status
    return 0


def errors_above_the_page(request: HttpRequest, *forms_: forms.Form | None) -> None:
    """Each error of ``forms_`` as a message above the page. For a refusal on a form the page does not draw
    (a page drawn before its record moved on, in another tab or by a second click; a collapsed step whose
    form is not on the page it returns to): put on the form, it would show nowhere."""
    for form in forms_:
        for errors in getattr(form, "errors", {}).values():
            for error in errors:
                messages.error(request, error)
