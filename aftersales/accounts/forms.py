"""Forms of the settings screens (the company profile, service centres, users and roles).

Forms only parse and check input; every write goes through ``accounts.services``. ``BootstrapFormMixin``
gives every widget its Bootstrap class and is shared by the other settings forms.
"""

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.capabilities import extra_roles_of
from aftersales.accounts.choices import Role
from aftersales.accounts.models import CompanyProfile, ServiceCenter, User
from aftersales.accounts.permissions import centres_visible_to, is_admin, roles_assignable_by
from aftersales.accounts.throttle import client_ip, reserve_attempt
from aftersales.core.errors import TooManyRequests, ValidationFailed
from aftersales.core.forms import ConsoleBoundField
from aftersales.core.phones import display_phone, normalize_phone


class BootstrapFormMixin:
    """Adds Bootstrap classes to every widget; the templates then render any field the same way. A field
    with an error (the form's or a service's refusal put there by ``show_domain_error``) is marked
    ``is-invalid``, red like the console forms' fields."""

    fields: dict[str, forms.Field]
    bound_field_class = ConsoleBoundField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class ServiceCenterForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ServiceCenter
        fields = ["code", "name", "region", "phone", "address"]

    def __init__(self, *args: Any, can_change_code: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not can_change_code:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("Only administrators change a centre's code.")

    def clean_phone(self) -> str:
        """A number the phone library knows (a landline, a 400 hotline or a mobile), kept as it is shown:
        "abc" was saved and listed (found by hand, 2026-12-06)."""
        text = self.cleaned_data["phone"].strip()
        if not text:
            return ""
        try:
            return display_phone(normalize_phone(text))
        except ValidationFailed as error:
            raise forms.ValidationError(error.detail, code=error.code) from None


class CompanyProfileForm(BootstrapFormMixin, forms.ModelForm):
    """The company profile; ``services.update_company_profile`` checks and normalises every field."""

    class Meta:
        model = CompanyProfile
        fields = ["name", "hotline", "address", "postcode", "email", "credit_code", "bank_name", "bank_account"]
        help_texts = {
            "name": _("Shown in every page's header, on printed forms, quotes, invoices, reports and in SMS."),
            "hotline": _("The hotline printed on service forms, quotes and invoices, e.g. 400-800-1234 or 95105."),
            "credit_code": _("18 characters, printed as the seller's on quotes and invoices."),
            "bank_account": _("Printed with the bank on quotes and invoices for payment by transfer."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["credit_code"].widget.attrs.update(autocapitalize="characters", spellcheck="false")


class _UserFieldsForm(BootstrapFormMixin, forms.ModelForm):
    """Role and centre choices are limited to what the signed-in user may give."""

    def __init__(self, *args: Any, by: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = set(roles_assignable_by(by))
        self.fields["role"].choices = [(value, label) for value, label in Role.choices if value in allowed]
        centre = self.fields["service_center"]
        centre.queryset = centres_visible_to(by)
        # Most roles belong to a centre: a new user starts in the creator's centre, or the only one. The
        # empty choice says who it is for (found by a probe, 2026-12-06: it was the default, and a
        # technician saved with it was refused "must belong to a centre").
        centre.empty_label = _("(none: a general manager or an administrator only)")
        centre.help_text = _("Empty only for a general manager or an administrator (they see every centre).")
        if self.instance.pk is None and not self.is_bound:
            centres = list(centre.queryset.values_list("pk", flat=True)[:2])
            own = by.service_center_id
            self.initial.setdefault("service_center", own if own else (centres[0] if len(centres) == 1 else None))
        self.fields["first_name"].required = True
        self.fields["phone"].help_text = _("Mobile number, e.g. 13812345678.")
        if self.instance.phone and not self.is_bound:
            self.initial["phone"] = display_phone(self.instance.phone)  # as the list shows it


class _PasswordTwice(forms.Form):
    """A new password typed twice (``password``, ``password_again``), the two compared."""

    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_password_again(self) -> str:
        first, second = self.cleaned_data.get("password"), self.cleaned_data.get("password_again")
        if first and second and first != second:
            raise forms.ValidationError(_("The two passwords differ."), code="password_mismatch")
        return second or ""


class UserCreateForm(_PasswordTwice, _UserFieldsForm):
    class Meta:
        model = User
        fields = ["username", "last_name", "first_name", "phone", "email", "role", "service_center"]

    def _post_clean(self) -> None:
        super()._post_clean()
        # Django's validators here as well as in ``create_user``, so a weak password is reported
        # together with the other fields' errors instead of after them.
        password = self.cleaned_data.get("password")
        if password:
            try:
                password_validation.validate_password(password, user=self.instance)
            except forms.ValidationError as exc:
                self.add_error("password", exc)


class UserUpdateForm(_UserFieldsForm):
    """An administrator also gives extra roles here (``services.set_roles``); nobody their own."""

    extra_roles = forms.MultipleChoiceField(
        label=_("Extra roles"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Roles held besides the primary one: the user may do what each of them may do."),
    )

    class Meta:
        model = User
        fields = ["last_name", "first_name", "phone", "email", "role", "service_center", "extra_roles"]

    def __init__(self, *args: Any, by: User, **kwargs: Any) -> None:
        super().__init__(*args, by=by, **kwargs)
        if not is_admin(by) or self.instance.pk == by.pk:
            del self.fields["extra_roles"]
        elif not self.is_bound:
            self.initial["extra_roles"] = sorted(extra_roles_of(self.instance))


class UserPasswordForm(BootstrapFormMixin, _PasswordTwice):
    """A new password for someone who forgot theirs (``services.reset_user_password`` checks it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("New password")


class OwnPasswordForm(BootstrapFormMixin, PasswordChangeForm):
    """The signed-in user's new password, with the current one (``services.change_own_password``
    writes it); Django's form checks both first, so the errors land at their fields."""


# --- sign-in -------------------------------------------------------------------------------------


class ThrottledLoginMixin:
    """Django's sign-in form behind ``accounts.throttle``: every password check is counted first.

    While a back-off runs the form is invalid with the throttle's message (code ``too_many_attempts``)
    and ``throttled`` holds the refusal, so the view answers 429 with ``Retry-After``; the password
    is then not checked at all.
    """

    request: HttpRequest | None
    cleaned_data: dict[str, Any]
    user_cache: User | None
    throttled: TooManyRequests | None = None

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return super().clean()  # type: ignore[misc]
        ip = client_ip(self.request) if self.request is not None else None
        try:
            attempt = reserve_attempt(username=username, ip=ip)
        except TooManyRequests as exc:
            self.throttled = exc
            raise forms.ValidationError(exc.detail, code=exc.code) from exc
        try:
            cleaned = super().clean()  # type: ignore[misc]
        except forms.ValidationError:
            # A right password refused afterwards (an inactive user, a non-staff user at the admin)
            # is not a guess: only a wrong password counts.
            if self.user_cache is not None:
                attempt.succeeded()
            raise
        attempt.succeeded()
        return cleaned


class SignInForm(ThrottledLoginMixin, AuthenticationForm):
    """The console's sign-in form (``/login/``)."""


class AdminSignInForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The Django admin's sign-in form (``/admin/login/``), throttled like every other way in."""
