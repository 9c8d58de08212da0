"""Sign-in, sign-out, one's own password and the home page."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import i18n as i18n_views
from django.views.decorators.http import require_POST

from aftersales.accounts.forms import OwnPasswordForm, SignInForm, ThrottledLoginMixin
from aftersales.accounts.services import change_own_password, set_user_language
from aftersales.console.permissions import has_home_page
from aftersales.core.errors import DomainError
from aftersales.core.registry import home_panels_for


class LoginView(auth_views.LoginView):
    """Django's login with our template, throttled (``accounts.throttle``): 429 during a back-off."""

    template_name = "console/login.html"
    redirect_authenticated_user = True
    form_class = SignInForm

    def form_invalid(self, form: SignInForm) -> HttpResponse:  # type: ignore[override]
        return throttled_answer(form, super().form_invalid(form))


def throttled_answer(form: ThrottledLoginMixin, response: HttpResponse) -> HttpResponse:
    """A sign-in page refused by the throttle answers 429 with ``Retry-After`` and the message."""
    if form.throttled is None:
        return response
    response.status_code = form.throttled.status
    response["Retry-After"] = str(form.throttled.extra["retry_after"])
    if isinstance(response, TemplateResponse) and response.context_data is not None:
        response.context_data["locked_message"] = form.throttled.detail
    return response


def admin_login(request: HttpRequest) -> HttpResponse:
    """The Django admin's sign-in (its form is ``AdminSignInForm``, set in ``AccountsConfig.ready``),
    answering 429 with ``Retry-After`` during a back-off like ``/login/``."""
    response = admin.site.login(request)
    form = getattr(response, "context_data", None) and response.context_data.get("form")  # type: ignore[attr-defined]
    return throttled_answer(form, response) if isinstance(form, ThrottledLoginMixin) else response


class LogoutView(auth_views.LogoutView):
    """POST-only sign-out (Django refuses GET), back to the sign-in page."""


class PasswordChangeView(auth_views.PasswordChangeView):
    """The signed-in user's own password, with the current one; written by
    ``accounts.services.change_own_password`` (audit and history), and this session goes on."""

    template_name = "console/password_change.html"
    form_class = OwnPasswordForm

    def get_success_url(self) -> str:
        return reverse("console:home")

    def form_valid(self, form: OwnPasswordForm) -> HttpResponse:  # type: ignore[override]
        try:
            user = change_own_password(
                user=self.request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.detail)
            return self.form_invalid(form)
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("Your password is changed."))
        return HttpResponseRedirect(self.get_success_url())


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's start page ("my work"): the home panels registered by the apps
    (``core.registry.home_panels``) whose predicate allows the user, by slot (top, main, side).

    A technician's "my work" is the phone view of today's jobs, so they are sent there."""
    if not has_home_page(request.user):
        return redirect("service:tech_jobs")
    slots = home_panels_for(request.user, now=timezone.now())
    panels = {
        slot: [render_to_string(panel.template, panel.context, request=request) for panel in entries]
        for slot, entries in slots.items()
    }
    return render(request, "console/home.html", {"panels": panels, "slots": slots})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, plus: a signed-in user keeps the choice on every device."""
    response = i18n_views.set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in {code for code, _name in settings.LANGUAGES}:
        set_user_language(user=request.user, language=language)
    return response
