"""Settings screens for the company profile, service centres and users and roles, on the generic settings views of
``core.settings_views`` (the sections are registered in ``AccountsConfig.ready()``)."""

import copy
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from aftersales.accounts.capabilities import extra_roles_of
from aftersales.accounts.filters import UserFilter
from aftersales.accounts.forms import (
    CompanyProfileForm,
    ServiceCenterForm,
    UserCreateForm,
    UserPasswordForm,
    UserUpdateForm,
)
from aftersales.accounts.models import CompanyProfile, ServiceCenter, User
from aftersales.accounts.permissions import (
    can_create_centre,
    can_edit_centre,
    can_manage_settings,
    can_manage_user,
    centres_visible_to,
    stand_ins_visible_to,
    users_visible_to,
)
from aftersales.accounts.selectors import company_profile, default_company, user_list
from aftersales.accounts.services import (
    create_service_center,
    create_user,
    deactivate_user,
    reactivate_user,
    reset_user_password,
    set_roles,
    update_company_profile,
    update_service_center,
    update_user,
)
from aftersales.core.errors import DomainError
from aftersales.core.settings_views import Column, SettingsFormView, SettingsListView, SettingsSectionMixin

# --- the company profile -------------------------------------------------------------------------


class CompanyProfileView(SettingsFormView):
    """The one company profile: shown with the environment's default name until it is first saved."""

    template_name = "accounts/company_profile.html"
    form_class = CompanyProfileForm
    section = "company"
    title = _("Company profile")
    service = update_company_profile
    list_url_name = "accounts:company_profile"
    success_message = _("Company profile saved:")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = CompanyProfile.objects.filter(pk=CompanyProfile.SINGLETON_ID).first()
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        return {"name": company_profile().name} if self.object is None else {}

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        if self.object is not None:
            # The form writes what was typed into its instance: a refused save must not show in the title.
            kwargs["instance"] = copy.copy(self.object)
        return kwargs

    def service_kwargs(self, form: BaseForm) -> dict[str, Any]:
        return dict(form.cleaned_data)  # the service finds the one row itself

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["default_name"] = default_company().name
        return context


# --- service centres -----------------------------------------------------------------------------


class CentreListView(SettingsListView):
    model = ServiceCenter
    title = _("Service centres")
    section = "centres"
    columns = (
        Column(_("Code"), "code", kind="mono", link=True),
        Column(_("Name"), "name", link=True),
        Column(_("Region"), "region"),
        Column(_("Phone"), "phone"),
        Column(_("Address"), "address"),
    )
    edit_url_name = "accounts:centre_edit"
    create_url_name = "accounts:centre_create"
    create_label = _("New service centre")

    def scope(self, qs: QuerySet) -> QuerySet:
        return qs.filter(pk__in=centres_visible_to(self.request.user).values("pk"))

    def can_create(self, user: User) -> bool:
        return can_create_centre(user)

    def can_edit(self, user: User, obj: Any) -> bool:
        return can_edit_centre(user, obj)


class _CentreFormView(SettingsFormView):
    model = ServiceCenter
    form_class = ServiceCenterForm
    section = "centres"
    list_url_name = "accounts:centre_list"

    def scope(self, qs: QuerySet) -> QuerySet:
        return qs.filter(pk__in=centres_visible_to(self.request.user).values("pk"))

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "can_change_code": can_create_centre(self.request.user)}


class CentreCreateView(_CentreFormView):
    title = _("New service centre")
    service = create_service_center
    success_message = _("Service centre added:")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and can_manage_settings(request.user) and not can_create_centre(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class CentreUpdateView(_CentreFormView):
    title = _("Edit service centre")
    service = update_service_center
    object_kwarg = "centre"
    success_message = _("Service centre saved:")

    def can_edit(self, user: User, obj: Any) -> bool:
        return can_edit_centre(user, obj)


# --- users and roles -----------------------------------------------------------------------------


class UserListView(SettingsListView):
    model = User
    template_name = "accounts/user_list.html"
    title = _("Users and roles")
    section = "users"
    columns = (
        Column(_("Username"), "username", kind="mono", link=True),
        Column(_("Name"), "get_full_name", link=True),
        Column(_("Role"), "get_roles_display"),
        Column(_("Service centre"), "service_center.name"),
        Column(_("Mobile"), "phone", kind="phone"),
        Column(_("Status"), "is_active", kind="active"),
    )
    edit_url_name = "accounts:user_edit"
    create_url_name = "accounts:user_create"
    create_label = _("New user")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """The list, searched and filtered (``filters.UserFilter``); a filter value that is no choice answers
        400 with the reason beside its field and no rows, a centre out of the user's scope 404."""
        self.filterset = UserFilter(
            request.GET, queryset=user_list(user=request.user), centres=centres_visible_to(request.user)
        )
        if self.filterset.centre_out_of_scope():
            raise Http404
        valid = self.filterset.is_valid()
        response = super().get(request, *args, **kwargs)
        if not valid:
            response.status_code = 400
        return response

    def scope(self, qs: QuerySet) -> QuerySet:
        return self.filterset.qs if self.filterset.is_valid() else self.filterset.queryset.none()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # Every user of the list (not only this page, searched and filtered as it is), with their mobile
        # numbers: the download is logged.
        query = self.request.GET.copy()
        query.pop("page", None)
        export_url = reverse("exchange:export", kwargs={"kind": "users", "fmt": "xlsx"})
        export_url += f"?{query.urlencode()}" if query else ""
        form = self.filterset.form
        # The centre filter only for those who see several centres; each select's choices read once (a
        # template loop, or list() of the iterator itself, would count them first).
        names = ("role", "centre", "status") if self.request.user.sees_all_centres else ("role", "status")
        return {
            **super().get_context_data(**kwargs),
            "export_url": export_url,
            "filter_form": form,
            "selects": [(form[name], list(iter(form.fields[name].choices))) for name in names],
            "filtered": any(self.request.GET.get(name) for name in self.filterset.filters),
        }

    def can_edit(self, user: User, obj: Any) -> bool:
        return can_manage_user(user, obj)


class _UserFormView(SettingsFormView):
    model = User
    section = "users"
    list_url_name = "accounts:user_list"

    def scope(self, qs: QuerySet) -> QuerySet:
        return users_visible_to(self.request.user)

    def can_edit(self, user: User, obj: Any) -> bool:
        return can_manage_user(user, obj)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "by": self.request.user}


class UserCreateView(_UserFormView):
    title = _("New user")
    form_class = UserCreateForm
    service = create_user
    success_message = _("User added:")

    def service_kwargs(self, form: BaseForm) -> dict[str, Any]:
        data = super().service_kwargs(form)
        data.pop("password_again", None)
        return data


def _update_user_and_roles(*, by: User, user: User, extra_roles: list[str] | None = None, **fields: Any) -> User:
    """The edit form's one write: the user's fields, then (an administrator's form only) their extra
    roles, together or not at all."""
    with transaction.atomic():
        saved = update_user(user=user, by=by, **fields)
        if extra_roles is not None and set(extra_roles) != extra_roles_of(saved):
            saved = set_roles(user=saved, roles=extra_roles, by=by)
    return saved


class UserUpdateView(_UserFormView):
    title = _("Edit user")
    template_name = "accounts/user_form.html"
    form_class = UserUpdateForm
    service = _update_user_and_roles
    object_kwarg = "user"
    success_message = _("User saved:")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # can_edit already passed: the user may manage this person; nobody deactivates themselves.
        context["can_deactivate"] = self.object.is_active and self.object.pk != self.request.user.pk
        context["can_reset_password"] = self.object.pk != self.request.user.pk
        person = self.object
        context["stand_ins"] = (
            stand_ins_visible_to(self.request.user)
            .filter(Q(from_user=person) | Q(to_user=person))
            .order_by("-starts_on", "-pk")[:20]
        )
        context["today"] = timezone.localdate()
        return context


class _UserStateView(SettingsSectionMixin, View):
    """POST only: a user of the reader's scope (404 otherwise) deactivated or made active again."""

    http_method_names = ["post"]
    section = "users"
    back_to_user = False  # after it, the user's page (else the list)

    def change(self, target: User) -> str:
        """Make the change; the success message."""
        raise NotImplementedError

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        target = get_object_or_404(users_visible_to(request.user), pk=pk)
        if not can_manage_user(request.user, target):
            raise PermissionDenied
        try:
            messages.success(request, self.change(target))
        except DomainError as exc:
            messages.error(request, exc.detail)
        if self.back_to_user:
            return HttpResponseRedirect(reverse("accounts:user_edit", args=[target.pk]))
        return HttpResponseRedirect(reverse("accounts:user_list"))


class UserDeactivateView(_UserStateView):
    """Deactivation ends the user's sessions and API tokens at once."""

    def change(self, target: User) -> str:
        deactivate_user(user=target, by=self.request.user)
        return _("%(user)s is deactivated and signed out everywhere.") % {"user": target}


class UserReactivateView(_UserStateView):
    """A deactivated user may sign in again (with the password they had)."""

    back_to_user = True

    def change(self, target: User) -> str:
        reactivate_user(user=target, by=self.request.user)
        return _("%(user)s is active again and may sign in.") % {"user": target}


class UserPasswordView(_UserFormView):
    """A new password for a user who forgot theirs; nobody sets their own here (it needs the old one)."""

    title = _("Set a new password")
    form_class = UserPasswordForm
    service = reset_user_password
    object_kwarg = "user"
    success_message = _("New password set:")
    submit_label = _("Set the password")

    def can_edit(self, user: User, obj: Any) -> bool:
        return can_manage_user(user, obj) and obj.pk != user.pk

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance", None)
        kwargs.pop("by", None)
        return kwargs

    def service_kwargs(self, form: BaseForm) -> dict[str, Any]:
        data = super().service_kwargs(form)
        data.pop("password_again", None)
        return data

    def get_success_url(self) -> str:
        return reverse("accounts:user_edit", args=[self.object.pk])
