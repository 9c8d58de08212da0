"""The connected-equipment screens: the health list, the map of latest positions and a unit's track
playback beside its service orders. Reads only: each view checks its predicate and reads through the
scoping functions of ``permissions.py`` (a unit out of scope answers 404)."""

import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from aftersales.core.errors import DomainError
from aftersales.core.filtering import apply_filters
from aftersales.core.pagination import keyset_page
from aftersales.devices import mapping, selectors
from aftersales.devices.choices import LinkState
from aftersales.devices.filters import DeviceFilter
from aftersales.devices.forms import DayForm, HealthFilterForm
from aftersales.devices.permissions import (
    can_manage_devices,
    can_view_devices,
    devices_visible_to,
    quarantine_visible_to,
    states_visible_to,
    track_units_visible_to,
    triggers_visible_to,
)

HEALTH_PAGE = 50
DETAIL_ROWS = 20
MAP_MAX_POINTS = 5000
MAP_MAX_ZOOM = 7  # a province and its neighbours: the fleet map shows where machines are, not streets
PLAYBACK_POINTS = 400  # the animation's key points (the drawn track keeps every point)
PLAYBACK_SECONDS = 30
CHART_WIDTH, CHART_HEIGHT = 960, 160


def _require(request: HttpRequest) -> None:
    if not can_view_devices(request.user):
        raise PermissionDenied


@login_required
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """Every device in scope with its link state, when it was last heard from and its active faults."""
    _require(request)
    form = HealthFilterForm(request.GET or None)
    data = {k: v for k, v in (form.cleaned_data.items() if form.is_valid() else ()) if v}
    devices = selectors.with_state_and_unit(devices_visible_to(request.user))
    try:
        devices = apply_filters(DeviceFilter, data=data, queryset=devices)
        page = keyset_page(devices, cursor=request.GET.get("cursor"), limit=HEALTH_PAGE)
    except DomainError:
        page = keyset_page(devices.none(), cursor=None, limit=HEALTH_PAGE)
    rows = [
        {
            "device": device,
            "state": getattr(device, "state", None),
            "unit": selectors.current_unit(device),
            "faults": selectors.active_faults(getattr(device, "state", None)),
        }
        for device in page.items
    ]
    counts = dict.fromkeys(LinkState.values, 0)
    for state, count in _link_counts(request):
        counts[state] = count
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(
        request,
        "devices/health.html",
        {
            "form": form,
            "rows": rows,
            "next_cursor": page.next_cursor,
            "query": query.urlencode(),
            "counts": counts,
            "may_manage": can_manage_devices(request.user),
            "quarantined": quarantine_visible_to(request.user).count(),
        },
    )


@login_required
@require_GET
def device_detail(request: HttpRequest, device_id: int) -> HttpResponse:
    """One device: its state and active faults, the units it was bound to, its link changes, its
    quarantined messages, and the orders it opened, each with the track of that day beside the order."""
    _require(request)
    device = get_object_or_404(selectors.with_state_and_unit(devices_visible_to(request.user)), pk=device_id)
    state = getattr(device, "state", None)
    unit = selectors.current_unit(device)
    context = {
        "device": device,
        "state": state,
        "unit": unit,
        "faults": selectors.active_faults(state),
        "bindings": list(device.bindings.select_related("unit", "bound_by", "unbound_by").order_by("-bound_at")[:50]),
        "link_events": list(device.link_events.order_by("-at", "-pk")[:DETAIL_ROWS]),
        "quarantined": list(
            quarantine_visible_to(request.user).filter(device=device).order_by("-received_at", "-pk")[:DETAIL_ROWS]
        ),
        "triggers": list(
            triggers_visible_to(request.user)
            .filter(device=device)
            .select_related("order", "rule", "unit", "device")
            .order_by("-fired_at", "-pk")[:DETAIL_ROWS]
        ),
        "track_day": timezone.localdate(state.last_seen_at) if state and state.last_seen_at else timezone.localdate(),
    }
    return render(request, "devices/device.html", context)


def _link_counts(request: HttpRequest) -> list[tuple[str, int]]:
    from django.db.models import Count

    return list(
        states_visible_to(request.user).values("link_state").annotate(n=Count("pk")).values_list("link_state", "n")
    )


@login_required
@require_GET
def device_map(request: HttpRequest) -> HttpResponse:
    """The latest position of every device in scope, on the tile server's map or the bundled base."""
    _require(request)
    states = list(selectors.positioned(states_visible_to(request.user)).order_by("device_id")[:MAP_MAX_POINTS])
    view = mapping.frame(((s.lon, s.lat) for s in states), max_zoom=MAP_MAX_ZOOM)  # type: ignore[misc]
    markers = []
    for state in states:
        x, y = view.xy(state.lon, state.lat)  # type: ignore[arg-type]
        markers.append({"state": state, "x": x, "y": y, "faults": selectors.active_faults(state), "unit": state.unit})
    return render(request, "devices/map.html", {**_map_context(view), "markers": markers})


def _map_context(view: mapping.View) -> dict[str, Any]:
    tiles = mapping.tiles(view)
    return {
        "view": view,
        "tiles": tiles,
        "land": [] if tiles else mapping.land_paths(view),
        "graticule": [] if tiles else mapping.graticule(view, step=10 if view.zoom < 7 else 1),
        "attribution": settings.DEVICES.get("TILE_ATTRIBUTION", "") if tiles else "Natural Earth",
    }


@login_required
@require_GET
def track(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A unit's track of one day played back, speed and engine events on a timeline, beside the
    orders open on the unit that day."""
    _require(request)
    unit = get_object_or_404(track_units_visible_to(request.user).select_related("customer"), pk=unit_id)
    form = DayForm(request.GET or None)
    day = form.cleaned_data["day"] if form.is_valid() else timezone.localdate()
    data = selectors.track_for(unit, day=day)
    points = selectors.as_dicts(data.points)
    positioned = [p for p in points if p["lat"] is not None and p["lon"] is not None]
    view = mapping.frame((p["lon"], p["lat"]) for p in positioned)
    start, end = selectors.day_bounds(day)
    triggers = {t.order_id: t for t in data.triggers}
    for order in data.orders:
        order.device_trigger = triggers.get(order.pk)  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        **_map_context(view),
        "form": form,
        "unit": unit,
        "day": day,
        "previous_day": day - datetime.timedelta(days=1),
        "next_day": day + datetime.timedelta(days=1) if day < timezone.localdate() else None,
        "points": points,
        "faults": data.faults,
        "orders": data.orders,
        **_route(view, positioned),
        "playback_seconds": PLAYBACK_SECONDS,
        **_playback(view, positioned, start=start),
        **_chart(points, data.faults, data.orders, start=start, end=end),
    }
    return render(request, "devices/track.html", context)


def _route(view: mapping.View, points: list[dict[str, Any]]) -> dict[str, Any]:
    """The day's path from its start to its end; a day of one position is that point, marked alone (it
    said "No positions on this day": QA 2026-12-07)."""
    if len(points) == 1:
        x, y = view.xy(points[0]["lon"], points[0]["lat"])
        return {"route": "", "first": None, "last": None, "single": {"x": x, "y": y, "at": points[0]["at"]}}
    return {
        "route": mapping.polyline(view, ((p["lon"], p["lat"]) for p in points)),
        "first": view.xy(points[0]["lon"], points[0]["lat"]) if points else None,
        "last": view.xy(points[-1]["lon"], points[-1]["lat"]) if points else None,
        "single": None,
    }


def _playback(view: mapping.View, points: list[dict[str, Any]], *, start: datetime.datetime) -> dict[str, Any]:
    """The moving marker: an SVG animateMotion along the day's path, its keyTimes the points' times
    within the day's span of data, so the marker waits where the machine stood."""
    if len(points) < 2:
        return {"motion_path": "", "key_times": "", "key_points": ""}
    step = max(1, len(points) // PLAYBACK_POINTS)
    sample = points[::step]
    if sample[-1] is not points[-1]:
        sample.append(points[-1])
    coords = [view.xy(p["lon"], p["lat"]) for p in sample]
    lengths = [0.0]
    for (x0, y0), (x1, y1) in zip(coords, coords[1:], strict=False):
        lengths.append(lengths[-1] + ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5)
    total = lengths[-1] or 1.0
    first, last = sample[0]["at"], sample[-1]["at"]
    span = (last - first).total_seconds() or 1.0
    times = [min(1.0, max(0.0, (p["at"] - first).total_seconds() / span)) for p in sample]
    for i in range(1, len(times)):  # keyTimes must not go back
        times[i] = max(times[i], times[i - 1])
    times[0], times[-1] = 0.0, 1.0
    return {
        "motion_path": "M" + "L".join(f"{x:g},{y:g}" for x, y in coords),
        "key_times": ";".join(f"{t:.4f}" for t in times),
        "key_points": ";".join(f"{min(1.0, length / total):.4f}" for length in lengths),
        "playback_from": first,
        "playback_to": last,
    }


def _chart(
    points: list[dict[str, Any]],
    faults: list[Any],
    orders: list[Any],
    *,
    start: datetime.datetime,
    end: datetime.datetime,
) -> dict[str, Any]:
    """The day's timeline (00:00-24:00): speed as a line, fault reports and orders as marks."""
    seconds = (end - start).total_seconds()

    def x(moment: datetime.datetime) -> float:
        return round(max(0.0, min(1.0, (moment - start).total_seconds() / seconds)) * CHART_WIDTH, 1)

    speeds = [p["speed"] for p in points if p["speed"] is not None]
    top = max([60.0, *speeds])
    inner = CHART_HEIGHT - 30

    def y(speed: float) -> float:
        return round(10 + inner - speed / top * inner, 1)

    line = " ".join(f"{x(p['at']):g},{y(p['speed']):g}" for p in points if p["speed"] is not None)
    hours = [{"x": round(h / 24 * CHART_WIDTH, 1), "label": f"{h:02d}:00"} for h in range(0, 25, 3)]
    return {
        "chart_width": CHART_WIDTH,
        "chart_height": CHART_HEIGHT,
        "chart_bottom": 10 + inner,
        "speed_line": line,
        "speed_top": round(top),
        "hours": hours,
        "fault_marks": [{"x": x(f.at), "fault": f} for f in faults],
        "order_marks": [{"x": x(o.received_at), "order": o} for o in orders if start <= o.received_at < end],
    }
