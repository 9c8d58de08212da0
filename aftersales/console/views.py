"""Sign-in, sign-out and the home page."""

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views import i18n as i18n_views
from django.views.decorators.http import require_POST

from aftersales.accounts.services import set_user_language
from aftersales.accounts.throttle import check_login_allowed, clear_login_failures, client_ip, record_login_failure
from aftersales.console.permissions import has_home_page
from aftersales.core.errors import TooManyRequests
from aftersales.core.registry import home_panels_for


class LoginView(auth_views.LoginView):
    """Django's login with our template and per-username / per-IP throttling (429 when locked)."""

    template_name = "console/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = request.POST.get("username", "")
        try:
            check_login_allowed(username=username, ip=client_ip(request))
        except TooManyRequests as exc:
            context = self.get_context_data(form=self.get_form(), locked_message=exc.detail)
            response = self.render_to_response(context, status=exc.status)
            response["Retry-After"] = str(exc.extra["retry_after"])
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        clear_login_failures(username=form.get_user().get_username(), ip=client_ip(self.request))
        return super().form_valid(form)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        username = self.request.POST.get("username", "")
        if username and self.request.POST.get("password"):
            record_login_failure(username=username, ip=client_ip(self.request))
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    """POST-only sign-out (Django refuses GET), back to the sign-in page."""


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
