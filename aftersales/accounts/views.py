"""Settings screens (/settings/): the generic list and form views they all share, and the screens
for service centres and for users and roles.

Reference-data screens are small class-based views configured by attributes (STYLE.md 7): a list
names its columns, a form names its form class and the service that writes. Views never save a
form; they hand the cleaned data to the service, and a ``DomainError`` becomes a form error.
Product models (``catalog.views``) and SLA policies (``service.views.settings``) use the same bases.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, ListView, RedirectView

from aftersales.accounts.forms import ServiceCenterForm, UserCreateForm, UserUpdateForm
from aftersales.accounts.models import ServiceCenter, User
from aftersales.accounts.permissions import (
    can_create_centre,
    can_edit_centre,
    can_manage_settings,
    can_manage_user,
    centres_visible_to,
    users_visible_to,
)
from aftersales.accounts.services import (
    create_service_center,
    create_user,
    deactivate_user,
    update_service_center,
    update_user,
)
from aftersales.core.errors import DomainError

# --- the generic settings screens ------------------------------------------------------------------


@dataclass(frozen=True)
class SettingsSection:
    key: str
    label: str | Promise
    url_name: str
    icon: str


SECTIONS = (
    SettingsSection("centres", _("Service centres"), "accounts:centre_list", "building"),
    SettingsSection("users", _("Users and roles"), "accounts:user_list", "people"),
    SettingsSection("product_models", _("Product models"), "catalog:productmodel_list", "box-seam"),
    SettingsSection("sla", _("SLA policies"), "service:sla_list", "stopwatch"),
)


@dataclass(frozen=True)
class Column:
    """A list column: ``attr`` is a dotted attribute path (a method is called); ``kind`` is how the
    cell renders: "text", "active" (a badge with its text), "mono" (codes) or "phone" (a stored E.164
    number in national format)."""

    label: str | Promise
    attr: str
    kind: str = "text"
    link: bool = False  # the cell links to the row's edit page

    def value(self, obj: Any) -> Any:
        for part in self.attr.split("."):
            obj = getattr(obj, part, None)
            if obj is None:
                return None
        return obj() if callable(obj) else obj


@dataclass
class Cell:
    value: Any
    kind: str
    url: str | None


@dataclass
class Row:
    object: Any
    cells: list[Cell]
    edit_url: str | None


class ManagerOrAdminRequiredMixin(LoginRequiredMixin):
    """Settings are for service managers and administrators: anyone else signed in gets 403."""

    request: HttpRequest
    title: str | Promise = ""
    section: str = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not can_manage_settings(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["title"] = self.title
        context["sections"] = [
            {
                "key": s.key,
                "label": s.label,
                "url": reverse(s.url_name),
                "icon": s.icon,
                "active": s.key == self.section,
            }
            for s in SECTIONS
        ]
        return context


class SettingsListView(ManagerOrAdminRequiredMixin, ListView):
    """A settings table: set ``model`` (or ``queryset``), ``columns``, ``edit_url_name`` and
    ``create_url_name``; override ``scope``/``can_create``/``can_edit`` for per-user limits."""

    template_name = "accounts/settings_list.html"
    columns: tuple[Column, ...] = ()
    edit_url_name: str | None = None
    create_url_name: str | None = None
    create_label: str | Promise = _("Add")
    empty_text: str | Promise = _("Nothing here yet.")
    paginate_by = 50

    def scope(self, qs: QuerySet) -> QuerySet:
        return qs

    def can_create(self, user: User) -> bool:
        return True

    def can_edit(self, user: User, obj: Any) -> bool:
        return True

    def get_queryset(self) -> QuerySet:
        return self.scope(super().get_queryset())

    def edit_url(self, obj: Any) -> str | None:
        if self.edit_url_name is None or not self.can_edit(self.request.user, obj):
            return None
        return reverse(self.edit_url_name, kwargs={"pk": obj.pk})

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        rows = []
        for obj in context["object_list"]:
            edit_url = self.edit_url(obj)
            cells = [Cell(c.value(obj), c.kind, edit_url if c.link else None) for c in self.columns]
            rows.append(Row(object=obj, cells=cells, edit_url=edit_url))
        context.update(
            rows=rows,
            columns=self.columns,
            create_url=(
                reverse(self.create_url_name) if self.create_url_name and self.can_create(self.request.user) else None
            ),
            create_label=self.create_label,
            empty_text=self.empty_text,
        )
        return context


class SettingsFormView(ManagerOrAdminRequiredMixin, FormView):
    """Create (no ``pk`` in the URL) or edit (``pk``) one record through a service.

    Set ``form_class``, ``service`` (called as ``service(by=user, **cleaned_data)``, plus
    ``object_kwarg=object`` when editing), ``model`` for editing, ``list_url_name`` and
    ``success_message``. Override ``scope``/``can_edit`` for per-user limits.
    """

    template_name = "accounts/settings_form.html"
    model: type[Model] | None = None
    service: Callable[..., Any]
    object_kwarg: str = ""
    list_url_name: str = ""
    success_message: str | Promise = _("Saved.")
    submit_label: str | Promise = _("Save")
    object: Any = None

    def scope(self, qs: QuerySet) -> QuerySet:
        return qs

    def can_edit(self, user: User, obj: Any) -> bool:
        return True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and can_manage_settings(request.user) and "pk" in kwargs:
            model: Any = self.model
            self.object = get_object_or_404(self.scope(model._default_manager.all()), pk=kwargs["pk"])
            if not self.can_edit(request.user, self.object):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        if self.object is not None:
            kwargs["instance"] = self.object
        return kwargs

    def get_success_url(self) -> str:
        return reverse(self.list_url_name)

    def service_kwargs(self, form: BaseForm) -> dict[str, Any]:
        data = dict(form.cleaned_data)
        if self.object is not None:
            data[self.object_kwarg] = self.object
        return data

    def form_valid(self, form: BaseForm) -> HttpResponse:
        try:
            saved = type(self).service(by=self.request.user, **self.service_kwargs(form))
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.detail)
            return self.form_invalid(form)
        messages.success(self.request, f"{self.success_message} {saved}")
        return HttpResponseRedirect(self.get_success_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(object=self.object, list_url=reverse(self.list_url_name), submit_label=self.submit_label)
        return context


class SettingsIndexView(ManagerOrAdminRequiredMixin, RedirectView):
    """/settings/ opens the first section."""

    pattern_name = SECTIONS[0].url_name


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
        Column(_("Role"), "get_role_display"),
        Column(_("Service centre"), "service_center.name"),
        Column(_("Mobile"), "phone", kind="phone"),
        Column(_("Status"), "is_active", kind="active"),
    )
    edit_url_name = "accounts:user_edit"
    create_url_name = "accounts:user_create"
    create_label = _("New user")

    def scope(self, qs: QuerySet) -> QuerySet:
        return (
            users_visible_to(self.request.user)
            .select_related("service_center")
            .order_by("-is_active", "service_center__code", "username")
        )

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


class UserUpdateView(_UserFormView):
    title = _("Edit user")
    template_name = "accounts/user_form.html"
    form_class = UserUpdateForm
    service = update_user
    object_kwarg = "user"
    success_message = _("User saved:")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # can_edit already passed: the user may manage this person; nobody deactivates themselves.
        context["can_deactivate"] = self.object.is_active and self.object.pk != self.request.user.pk
        return context


class UserDeactivateView(ManagerOrAdminRequiredMixin, View):
    """POST only. Deactivation ends the user's sessions and API tokens at once."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        target = get_object_or_404(users_visible_to(request.user), pk=pk)
        if not can_manage_user(request.user, target):
            raise PermissionDenied
        try:
            deactivate_user(user=target, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, _("%(user)s is deactivated and signed out everywhere.") % {"user": target})
        return HttpResponseRedirect(reverse("accounts:user_list"))
