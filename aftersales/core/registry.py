"""What each app adds to the shared screens, registered by the app in its ``AppConfig.ready()``.

Central code (the console's layout and home page, the settings screens, the import and export
screens, an order's timeline) only iterates these registries; it never names an app. ``core`` imports
no app: entries hold callables or dotted paths (``"aftersales.service.permissions.can_assign"``),
resolved on first use, so registering never imports a lower layer upwards.

A permission predicate is ``(user) -> bool``. A link shown is only a convenience: each view still
checks its own predicate. See docs/architecture.md, "Adding an area".
"""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.module_loading import import_string

Predicate = Callable[[Any], bool]
Ref = str | Callable[..., Any]  # a callable, or the dotted path of one


@cache
def _import(path: str) -> Any:
    return import_string(path)


def resolve(ref: Any) -> Any:
    """A dotted path as the object it names; anything else as it is."""
    return _import(ref) if isinstance(ref, str) else ref


def allows(predicate: Ref | None, user: Any) -> bool:
    """Whether ``predicate`` says yes for ``user``. Anonymous and inactive users get nothing."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return predicate is None or bool(resolve(predicate)(user))


class _Keyed(Protocol):
    @property
    def key(self) -> str: ...

    @property
    def order(self) -> int: ...


class Registry[T: _Keyed]:
    """Entries by key, iterated by ``order`` then key. Registering a key again replaces the entry
    (``ready()`` may run twice in tests); ``unregister`` removes one (tests, or an app that hides one)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._entries: dict[str, T] = {}

    def register(self, entry: T) -> T:
        if not entry.key:
            raise ImproperlyConfigured(f"{self.name}: an entry needs a key")
        self._entries[entry.key] = entry
        return entry

    def unregister(self, key: str) -> None:
        self._entries.pop(key, None)

    def get(self, key: str) -> T | None:
        return self._entries.get(key)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __iter__(self) -> Iterator[T]:
        return iter(sorted(self._entries.values(), key=lambda e: (e.order, e.key)))

    def __len__(self) -> int:
        return len(self._entries)

    def visible_to(self, user: Any) -> list[T]:
        """The entries whose ``predicate`` (or ``permission``) says yes for ``user``, in order."""
        return [e for e in self if allows(getattr(e, "predicate", None) or getattr(e, "permission", None), user)]


# ---- navigation ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class NavGroup:
    """A run of related links in the top bar (work, planning, data, administration)."""

    key: str
    label: str | Promise
    order: int


@dataclass(frozen=True)
class NavEntry:
    """One top-bar link. ``exact``: active only on this very path (the home page's "/")."""

    key: str
    label: str | Promise
    url_name: str
    icon: str  # a Bootstrap Icons name
    order: int
    predicate: Ref
    group: str = "work"
    url_kwargs: Mapping[str, Any] = field(default_factory=dict)
    exact: bool = False

    @property
    def url(self) -> str:
        return reverse(self.url_name, kwargs=dict(self.url_kwargs) or None)

    def is_active(self, path: str) -> bool:
        return path == self.url if self.exact else path.startswith(self.url)


nav_groups: Registry[NavGroup] = Registry("navigation groups")
navigation: Registry[NavEntry] = Registry("navigation")


def nav_for(user: Any) -> list[tuple[NavGroup, list[NavEntry]]]:
    """The links ``user`` sees, grouped, in menu order; groups with no visible link are left out."""
    entries = navigation.visible_to(user)
    grouped = []
    for group in nav_groups:
        links = [e for e in entries if e.group == group.key]
        if links:
            grouped.append((group, links))
    known = {g.key for g in nav_groups}
    orphans = [e for e in entries if e.group not in known]
    if orphans:
        grouped.append((NavGroup("", "", 10_000), orphans))
    return grouped


@dataclass(frozen=True)
class NavbarWidget:
    """Something an app shows in the top bar beside the user's name (the notification bell): a template
    included with the page's context, for the users ``predicate`` lets through."""

    key: str
    template: str
    order: int
    predicate: Ref | None = None


navbar_widgets: Registry[NavbarWidget] = Registry("navbar widgets")


# ---- badge colours ------------------------------------------------------------------------------
DEFAULT_BADGE_CLASS = "text-bg-secondary"


@dataclass(frozen=True)
class BadgeColours:
    """The colour of each value of one enum, named ``"<app>.<Enum>"`` so that the "closed" of two
    enums never share a colour by accident. ``choices`` gives the labels (a ``TextChoices``)."""

    key: str
    choices: Any
    classes: Mapping[str, str]
    order: int = 0

    def css(self, value: str) -> str:
        return self.classes.get(value, DEFAULT_BADGE_CLASS)

    def label(self, value: str) -> Any:
        return dict(self.choices.choices).get(value, value)


badges: Registry[BadgeColours] = Registry("badge colours")


def register_badges(key: str, choices: Any, classes: Mapping[str, str]) -> BadgeColours:
    """``register_badges("service.OrderStatus", OrderStatus, ORDER_STATUS_BADGES)``: every value of
    the enum must have a colour (a new status without one fails at start-up, not as a grey badge)."""
    missing = set(choices.values) - set(classes)
    if missing:
        raise ImproperlyConfigured(f"{key}: no badge colour for {sorted(missing)}")
    return badges.register(BadgeColours(key, choices, dict(classes)))


# ---- settings sections --------------------------------------------------------------------------
@dataclass(frozen=True)
class SettingsColumn:
    """A column of a settings list: ``attr`` is a dotted attribute path (a method is called); ``kind``
    is how the cell renders: "text", "active" (a badge with its text), "mono" (codes) or "phone"."""

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


@dataclass(frozen=True)
class SettingsSection:
    """One entry of the settings side menu.

    Either ``url_name`` (the app's own views, usually built on ``core.settings_views``), or a
    ``model`` with a ``form`` and the ``create``/``update`` services, which the generic screens at
    ``/settings/<key>/`` serve without a URL of the app's own. ``scope(user, queryset)`` narrows the
    list and the records that may be edited (404 outside it).
    """

    key: str
    label: str | Promise
    icon: str
    order: int
    predicate: Ref
    url_name: str = ""
    model: Ref | None = None
    form: Ref | None = None
    columns: tuple[SettingsColumn, ...] = ()
    create: Ref | None = None  # service(by=user, **cleaned_data)
    update: Ref | None = None  # service(by=user, <object_kwarg>=obj, **cleaned_data)
    object_kwarg: str = "obj"
    scope: Ref | None = None
    create_label: str | Promise = ""

    @property
    def url(self) -> str:
        if self.url_name:
            return reverse(self.url_name)
        return reverse("core_settings:list", kwargs={"section": self.key})


settings_sections: Registry[SettingsSection] = Registry("settings sections")


# ---- home-page panels ---------------------------------------------------------------------------
@dataclass
class HomeContext:
    """What a panel's ``context`` gets: the user, one ``now`` for the whole page, and ``memo`` to
    share a query between the panels of one app (the counts of the tiles and of the status list)."""

    user: Any
    now: Any
    memo: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class HomePanel:
    """A panel on the home page. ``slot``: "top" (full width), "main" (the wide column) or "side".
    ``context(HomeContext) -> dict | None``: ``None`` hides the panel (nothing to say)."""

    key: str
    template: str
    context: Ref
    order: int
    predicate: Ref
    slot: str = "main"


home_panels: Registry[HomePanel] = Registry("home panels")


@dataclass(frozen=True)
class RenderedPanel:
    key: str
    slot: str
    template: str
    context: dict[str, Any]


def home_panels_for(user: Any, *, now: Any) -> dict[str, list[RenderedPanel]]:
    """The panels ``user`` sees with their context, by slot."""
    home = HomeContext(user=user, now=now)
    slots: dict[str, list[RenderedPanel]] = {"top": [], "main": [], "side": []}
    for panel in home_panels.visible_to(user):
        context = resolve(panel.context)(home)
        if context is not None:
            slots.setdefault(panel.slot, []).append(RenderedPanel(panel.key, panel.slot, panel.template, context))
    return slots


# ---- import and export kinds --------------------------------------------------------------------
@dataclass(frozen=True)
class ImportKind:
    """A kind of file import (customers, units ...), registered by the app that owns the rows.

    ``columns``: ``core.tabular.Column``s (English key, Chinese aliases, help); ``preparer``: a
    ``core.tabular.RowPreparer`` subclass that parses a row and returns the service call writing it;
    ``permission(user)``: who may import this kind; ``one_of``: groups of columns of which the file
    needs at least one; ``service_fields``: where a service's error field names a file column."""

    key: str
    label: str | Promise
    columns: tuple[Any, ...]
    preparer: Ref
    permission: Ref
    order: int = 100
    one_of: tuple[tuple[str, ...], ...] = ()
    service_fields: Mapping[str, str] = field(default_factory=dict)


import_kinds: Registry[ImportKind] = Registry("import kinds")


@dataclass(frozen=True)
class ExportKind:
    """A kind of export (orders, customers, units ...), registered by the app that owns the rows.

    ``rows(user=, params=, now=) -> ExportRows``: the scoped, filtered rows (a generator: the query
    runs while the file is written); ``permission(user)``: who may export this kind; ``audit``: write
    an ``AuditLog`` row (the rows carry phone numbers). ``columns``: each a label, or a
    ``core.tabular.ExportColumn`` (``money(label)``) for the money columns, which the xlsx writer formats;
    ``label`` names the sheet."""

    key: str
    label: str | Promise
    columns: tuple[Any, ...]
    rows: Ref
    permission: Ref
    order: int = 100
    audit: bool = False


@dataclass
class ExportRows:
    rows: Any  # an iterable of row sequences
    filters: Mapping[str, Any]  # the cleaned filters, for the audit row
    # The header when it depends on the request (a figure's records: the columns of their model);
    # None: the kind's own ``columns``.
    columns: tuple[Any, ...] | None = None


export_kinds: Registry[ExportKind] = Registry("export kinds")


# ---- timeline -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    """One line of a timeline entry: ``label: old → new`` (``old`` empty for a plain value)."""

    label: str
    old: str
    new: str


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a record's timeline: when, who, what (``title``), ``changes`` (label, old, new),
    a ``reason``; ``template`` renders it (the default shows these fields); ``source`` is its key."""

    at: Any
    title: str | Promise
    source: str
    actor: Any = None
    changes: tuple[Change, ...] = ()
    reason: str = ""
    template: str = "core/_timeline_entry.html"
    object: Any = None  # the underlying row, for a template that needs more
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TimelineSource:
    """Adds entries to the timelines of one kind of record (``target``, e.g. "service.ServiceOrder").
    ``entries(record) -> iterable of TimelineEntry``; ``predicate(user)``, when given, picks who sees
    this source's entries (the record itself is already visible to the user)."""

    key: str
    target: str
    entries: Ref
    order: int = 100
    predicate: Ref | None = None


timeline_sources: Registry[TimelineSource] = Registry("timeline sources")


@dataclass(frozen=True)
class TimelineRenderer:
    """Turns one event type's data into readable ``changes`` lines: ``render(event) -> list``.
    ``key`` is the event type (the order's ``OrderEvent.type``)."""

    key: str
    render: Ref
    order: int = 100


timeline_renderers: Registry[TimelineRenderer] = Registry("timeline renderers")


def timeline_for(target: str, record: Any, *, user: Any) -> list[TimelineEntry]:
    """The entries of every source registered for ``target`` that ``user`` may see, for ``record``,
    oldest first (a stable merge by time: equal times keep the sources' order)."""
    entries: list[TimelineEntry] = []
    for source in timeline_sources:
        if source.target == target and (source.predicate is None or allows(source.predicate, user)):
            entries.extend(resolve(source.entries)(record))
    return sorted(entries, key=lambda e: e.at)


def render_changes(event_type: str, event: Any) -> list[Any]:
    renderer = timeline_renderers.get(event_type)
    return list(resolve(renderer.render)(event)) if renderer else []


# ---- periodic jobs ------------------------------------------------------------------------------
@dataclass(frozen=True)
class PeriodicJob:
    """Work an app wants done every ``interval`` seconds (the SLA sweep), registered in its
    ``ready()``. ``run() -> Any`` is the job (a service); ``task`` is the thin Celery task that runs it
    in production, where ``CELERY_BEAT_SCHEDULE`` must schedule it; without a broker the relay loop
    (``manage.py relay_outbox --loop``) runs every registered job at its interval (``JobClock``)."""

    key: str
    run: Ref
    interval: float
    task: str
    order: int = 100


periodic_jobs: Registry[PeriodicJob] = Registry("periodic jobs")


class JobClock:
    """When each periodic job is next due, for a long-running loop: a job is due at once on the
    loop's first pass, then every ``interval`` seconds after its previous run began. ``now`` is a
    monotonic clock reading (``time.monotonic()``)."""

    def __init__(self, jobs: Registry[PeriodicJob] = periodic_jobs) -> None:
        self.jobs = jobs
        self._next: dict[str, float] = {}

    def due(self, now: float) -> list[PeriodicJob]:
        due = [job for job in self.jobs if self._next.get(job.key, now) <= now]
        for job in due:
            self._next[job.key] = now + job.interval
        return due


# ---- dispatch checks ----------------------------------------------------------------------------
@dataclass(frozen=True)
class DispatchCheck:
    """A rule that keeps a technician from being offered an order (an approved absence, no valid
    certificate for the product), registered by the app that owns the rule.

    ``refusals(orders=, technicians=, at=) -> {(order_id, technician_id): reason}`` answers for every
    pair at once: the dispatch board asks for all its rows in one pass, so a check runs a constant
    number of queries. ``overridable``: a user holding ``service.override_dispatch_checks`` may assign
    anyway, with a reason; a check that is not (the technician is away) refuses everyone."""

    key: str
    refusals: Ref
    order: int = 100
    overridable: bool = True


dispatch_checks: Registry[DispatchCheck] = Registry("dispatch checks")


# ---- measured figures ---------------------------------------------------------------------------
@dataclass(frozen=True)
class FigureRow:
    """One record's part of a figure: ``amount`` credited to ``person_id`` (``None``: nobody in
    particular) in ``centre_id``, from the record ``record_id`` (an order), shown as ``reference``
    (its number). Summed per person or per centre, the rows are the figure; listed, they are its trace."""

    person_id: int | None
    centre_id: int | None
    amount: Any  # a Decimal
    record_id: int
    reference: str


@dataclass(frozen=True)
class FigureSource:
    """A named figure measured from the work recorded in the system (labour revenue, repairs,
    receptions ...), registered by the app whose records it reads.

    ``measure(*, start, end, centre_ids, rules) -> Iterable[FigureRow]``: the rows of the month
    ``start`` ≤ day < ``end`` for the centres in ``centre_ids`` (``None``: every centre), under the
    ``rules`` the reader states (which kinds and statuses count, the day an order counts on).
    ``unit``: "amount" (CNY) or "count" or "score". ``missing``: when set, the figure cannot be
    measured yet (the app that records it is not installed) and reads as zero with this sentence.
    ``records``: what ``record_id`` names, "order" (a service order: its trace links to the order) or
    another word for records that are not orders ("day" for attendance).
    An app that can measure a figure registers it under the same key and replaces a stand-in."""

    key: str
    label: str | Promise
    unit: str
    measure: Ref
    order: int = 100
    missing: str | Promise = ""
    records: str = "order"


figure_sources: Registry[FigureSource] = Registry("figure sources")


def register_figure_default(entry: FigureSource, into: Registry[FigureSource] = figure_sources) -> FigureSource:
    """Register ``entry`` unless an app already registered a source under its key (a stand-in never
    replaces a real source, whichever ``ready()`` runs first)."""
    return into.get(entry.key) or into.register(entry)
