"""The settings screens (/settings/): the side menu of registered sections and the generic list and
form views every section uses.

Each app registers its sections in ``ready()`` (``core.registry.settings_sections``). A section
either has its own views, built on ``SettingsListView``/``SettingsFormView`` and configured by
attributes (STYLE.md 7), or just a model, a form, columns and the create/update services, which
``SectionListView``/``SectionFormView`` serve at ``/settings/<key>/`` with no URL of the app's own.

Views never save a form: they hand the cleaned data to the service, and a ``DomainError`` becomes a
form error. Each screen checks its section's predicate: anyone else signed in gets 403.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, ListView, RedirectView

from aftersales.core.errors import DomainError
from aftersales.core.panels import render_record_panels
from aftersales.core.registry import SettingsColumn, SettingsSection, allows, resolve, settings_sections

Column = SettingsColumn  # the name the apps' list views use


def can_open_settings(user: Any) -> bool:
    """The settings menu shows when at least one section is for ``user``."""
    return bool(settings_sections.visible_to(user))


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


class SettingsSectionMixin(LoginRequiredMixin):
    """Opens the screen to the users the section's predicate allows (403 for anyone else signed in)
    and puts the side menu of the sections they may open in the context."""

    request: HttpRequest
    kwargs: dict[str, Any]
    title: str | Promise = ""
    section: str = ""

    def get_section(self) -> SettingsSection:
        section = settings_sections.get(self.section)
        if section is None:
            raise Http404(_("No such settings section."))
        return section

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not allows(self.get_section().predicate, request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["title"] = self.title
        context["sections"] = [
            {"key": s.key, "label": s.label, "url": s.url, "icon": s.icon, "active": s.key == self.section}
            for s in settings_sections.visible_to(self.request.user)
        ]
        return context


class SettingsListView(SettingsSectionMixin, ListView):
    """A settings table: set ``model`` (or ``queryset``), ``columns``, ``edit_url_name`` and
    ``create_url_name``; override ``scope``/``can_create``/``can_edit`` for per-user limits."""

    template_name = "core/settings_list.html"
    columns: tuple[SettingsColumn, ...] = ()
    edit_url_name: str | None = None
    create_url_name: str | None = None
    create_label: str | Promise = _("Add")
    empty_text: str | Promise = _("Nothing here yet.")
    paginate_by = 50

    def scope(self, qs: QuerySet) -> QuerySet:
        return qs

    def can_create(self, user: Any) -> bool:
        return True

    def can_edit(self, user: Any, obj: Any) -> bool:
        return True

    def get_queryset(self) -> QuerySet:
        return self.scope(super().get_queryset())

    def edit_url(self, obj: Any) -> str | None:
        if self.edit_url_name is None or not self.can_edit(self.request.user, obj):
            return None
        return reverse(self.edit_url_name, kwargs={"pk": obj.pk})

    def create_url(self) -> str | None:
        if self.create_url_name and self.can_create(self.request.user):
            return reverse(self.create_url_name)
        return None

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
            create_url=self.create_url(),
            create_label=self.create_label,
            empty_text=self.empty_text,
            # The other pages of a searched or filtered list stay searched and filtered.
            page_query=self._page_query(),
        )
        return context

    def _page_query(self) -> str:
        query = self.request.GET.copy()
        query.pop("page", None)
        return f"&{query.urlencode()}" if query else ""


class SettingsFormView(SettingsSectionMixin, FormView):
    """Create (no ``pk`` in the URL) or edit (``pk``) one record through a service.

    Set ``form_class``, ``service`` (called as ``service(by=user, **cleaned_data)``, plus
    ``object_kwarg=object`` when editing), ``model`` for editing, ``list_url_name`` and
    ``success_message``. Override ``scope``/``can_edit`` for per-user limits.
    """

    template_name = "core/settings_form.html"
    model: type[Model] | None = None
    service: Callable[..., Any]
    object_kwarg: str = ""
    list_url_name: str = ""
    success_message: str | Promise = _("Saved.")
    submit_label: str | Promise = _("Save")
    object: Any = None

    def scope(self, qs: QuerySet) -> QuerySet:
        return qs

    def can_edit(self, user: Any, obj: Any) -> bool:
        return True

    def get_service(self) -> Callable[..., Any]:
        return type(self).service

    def list_url(self) -> str:
        return reverse(self.list_url_name)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if user.is_authenticated and allows(self.get_section().predicate, user) and "pk" in kwargs:
            model: Any = self.model
            self.object = get_object_or_404(self.scope(model._default_manager.all()), pk=kwargs["pk"])
            if not self.can_edit(user, self.object):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        if self.object is not None:
            kwargs["instance"] = self.object
        return kwargs

    def get_success_url(self) -> str:
        return self.list_url()

    def service_kwargs(self, form: BaseForm) -> dict[str, Any]:
        data = dict(form.cleaned_data)
        if self.object is not None:
            data[self.object_kwarg] = self.object
        return data

    def form_valid(self, form: BaseForm) -> HttpResponse:
        try:
            saved = self.get_service()(by=self.request.user, **self.service_kwargs(form))
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.detail)
            return self.form_invalid(form)
        messages.success(self.request, f"{self.success_message} {saved}")
        return HttpResponseRedirect(self.get_success_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            object=self.object,
            list_url=self.list_url(),
            submit_label=self.submit_label,
            # What other apps show about this record (its history ...), through the record-panel registry.
            record_panels=render_record_panels(self.request, self.object),
        )
        return context


class SettingsIndexView(LoginRequiredMixin, RedirectView):
    """/settings/ opens the first section the user may open (403 when there is none)."""

    def get_redirect_url(self, *args: Any, **kwargs: Any) -> str:
        sections = settings_sections.visible_to(self.request.user)
        if not sections:
            raise PermissionDenied
        return sections[0].url


# ---- sections declared by a model, a form and services (no views of the app's own) -------------
class _GenericSection:
    """Reads the section's model, form, columns and services from the registry (by URL key)."""

    kwargs: dict[str, Any]
    section: str = ""

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)  # type: ignore[misc]
        entry = settings_sections.get(kwargs.get("section", ""))
        if entry is None or entry.model is None:
            raise Http404(_("No such settings section."))
        self.entry = entry
        self.section = entry.key
        self.model = resolve(entry.model)
        self.title = entry.label

    def scope(self, qs: QuerySet) -> QuerySet:
        return resolve(self.entry.scope)(self.request.user, qs) if self.entry.scope else qs  # type: ignore[attr-defined]


class SectionListView(_GenericSection, SettingsListView):  # type: ignore[misc]
    def get_queryset(self) -> QuerySet:
        return self.scope(self.model._default_manager.order_by("pk"))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.columns = self.entry.columns
        self.create_label = self.entry.create_label or _("Add")
        return super().get_context_data(**kwargs)

    def edit_url(self, obj: Any) -> str | None:
        if self.entry.update is None:
            return None
        return reverse("core_settings:edit", kwargs={"section": self.section, "pk": obj.pk})

    def create_url(self) -> str | None:
        if self.entry.create is None:
            return None
        return reverse("core_settings:create", kwargs={"section": self.section})


class SectionFormView(_GenericSection, SettingsFormView):  # type: ignore[misc]
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if (self.entry.update if "pk" in kwargs else self.entry.create) is None:
            raise Http404(_("No such settings section."))
        self.object_kwarg = self.entry.object_kwarg
        self.success_message = _("Saved:")
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self) -> Any:
        return resolve(self.entry.form)

    def get_service(self) -> Callable[..., Any]:
        return resolve(self.entry.update if self.object is not None else self.entry.create)

    def list_url(self) -> str:
        return reverse("core_settings:list", kwargs={"section": self.section})
