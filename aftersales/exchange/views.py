"""The import screen (/import/) and the order list's xlsx download (/exports/orders.xlsx).

Import: choose one of the registered import kinds the user may import, upload xlsx/CSV, see a row-by-row
preview, confirm. The preview and the import are ``importers.preview_import`` / ``run_import``: the
same rules, and the import is all-or-nothing.

Nothing is kept on the server between preview and import: the form (with its file) stays on the
page and the confirm button sends it again. The preview carries the file's SHA-256, so a file
swapped after the check is checked again instead of imported unseen.

Large files (more than ``BACKGROUND_ROWS`` rows or ``BACKGROUND_BYTES``) are checked and imported
by a background job (``services.start_import_job``): the answer is a progress fragment that htmx polls
at ``/import/jobs/<id>/`` until it swaps itself for the usual preview or result.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.accounts.forms import BootstrapFormMixin
from aftersales.core.errors import DomainError
from aftersales.core.registry import allows, import_kinds
from aftersales.exchange import exporters, importers, jobs, services
from aftersales.exchange.columns import columns_for
from aftersales.exchange.permissions import can_import
from aftersales.exchange.readers import MAX_BYTES, MAX_ROWS, estimate_rows

PREVIEW_ROWS = 200  # parsed rows shown; every error is listed regardless (up to MAX_ERRORS)
MAX_ERRORS = 1000
# Above either, a file is checked and imported in the background with a live row count: on
# PostgreSQL 500 rows take 2–4 s; 256 KB is roughly 2,000–3,000 CSV rows.
BACKGROUND_ROWS = 500
BACKGROUND_BYTES = 256 * 1024


class ImportForm(BootstrapFormMixin, forms.Form):
    """The kinds offered are the registered import kinds whose permission allows ``user``."""

    kind = forms.ChoiceField(label=gettext_lazy("What to import"), widget=forms.RadioSelect)
    file = forms.FileField(
        label=gettext_lazy("File (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = import_kinds.visible_to(user)
        self.fields["kind"].choices = [(k.key, k.label) for k in kinds]
        if kinds and not self.initial.get("kind"):
            self.initial["kind"] = kinds[0].key


def _kind_label(kind: str) -> Any:
    entry = import_kinds.get(kind)
    return entry.label if entry else kind


def _check_may_import(request: HttpRequest) -> None:
    """The screen opens to anyone who may import at least one kind; each kind checks its own."""
    if not can_import(request.user):
        raise PermissionDenied


def _column_labels(kind: str) -> dict[str, str]:
    chinese = (get_language() or "").startswith("zh")
    return {c.key: (c.zh if chinese else c.key) for c in columns_for(kind)}


def _in_background(file: Any) -> bool:
    return (file.size or 0) > BACKGROUND_BYTES or estimate_rows(file) > BACKGROUND_ROWS


def _preview_context(preview: importers.ImportPreview, *, digest: str) -> dict[str, Any]:
    labels = _column_labels(preview.kind)
    errors = [
        {"row": r.row, "field": labels.get(e.field, e.field), "message": e.message}
        for r in preview.rows
        for e in r.errors
    ]
    columns = {c.key: c for c in columns_for(preview.kind)}
    shown = [(key, columns[key].shown if key in columns else (lambda value: value)) for key in preview.columns]
    rows = [
        {"row": r.row, "ok": r.ok, "cells": [show(r.values.get(key, "")) for key, show in shown]}
        for r in preview.rows[:PREVIEW_ROWS]
    ]
    return {
        "preview": preview,
        "headers": [labels.get(key, key) for key in preview.columns],
        "rows": rows,
        "hidden_rows": max(preview.total - PREVIEW_ROWS, 0),
        "errors": errors[:MAX_ERRORS],
        "hidden_errors": max(len(errors) - MAX_ERRORS, 0),
        "digest": digest,
        "kind_label": _kind_label(preview.kind),
    }


def _respond(request: HttpRequest, form: ImportForm, result: dict[str, Any], *, status: int = 200) -> HttpResponse:
    """htmx gets the result fragment; a plain form post (no JavaScript) the whole page.

    htmx swaps only 2xx answers by default, so the fragment always answers 200; the status is for
    the plain post."""
    context = {"form": form, **result}
    if request.headers.get("HX-Request"):
        return render(request, "exchange/_result.html", {**context, "oob": True})
    return render(request, "exchange/import.html", _page_context(form) | context, status=status)


def _page_context(form: ImportForm) -> dict[str, Any]:
    keys = [key for key, _label in form.fields["kind"].choices]
    return {
        "form": form,
        "kinds": [
            {"kind": key, "label": _kind_label(key), "columns": columns_for(key), "headers": _column_labels(key)}
            for key in keys
        ],
        "max_rows": MAX_ROWS,
        "max_mb": MAX_BYTES // 1024 // 1024,
    }


@login_required
@require_GET
def import_page(request: HttpRequest) -> HttpResponse:
    _check_may_import(request)
    kind = request.GET.get("kind")
    form = ImportForm(initial={"kind": kind} if kind in import_kinds else None, user=request.user)
    return render(request, "exchange/import.html", _page_context(form))


def _file_error(form: ImportForm, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else "file", exc.detail)


@login_required
@require_POST
def import_preview(request: HttpRequest) -> HttpResponse:
    """Check every row and write nothing."""
    _check_may_import(request)
    form = ImportForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return _respond(request, form, {}, status=400)
    file, kind = form.cleaned_data["file"], form.cleaned_data["kind"]
    if _in_background(file):
        job_id = services.start_import_job(kind=kind, mode="preview", file=file, by=request.user)
        return _respond_job(request, job_id, form)
    try:
        preview = importers.preview_import(kind=kind, file=file, by=request.user)
    except DomainError as exc:
        _file_error(form, exc)
        return _respond(request, form, {}, status=400)
    return _respond(request, form, _preview_context(preview, digest=jobs.file_digest(file)))


@login_required
@require_POST
def import_run(request: HttpRequest) -> HttpResponse:
    """Import the checked file: every row or none."""
    _check_may_import(request)
    form = ImportForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return _respond(request, form, {}, status=400)
    file, kind = form.cleaned_data["file"], form.cleaned_data["kind"]
    digest = jobs.file_digest(file)
    try:
        background = _in_background(file)
        if request.POST.get("digest") != digest:
            if background:
                job_id = services.start_import_job(kind=kind, mode="preview", file=file, by=request.user, changed=True)
                return _respond_job(request, job_id, form)
            preview = importers.preview_import(kind=kind, file=file, by=request.user)
            context = _preview_context(preview, digest=digest)
            context["changed"] = True
            return _respond(request, form, context, status=409)
        if background:
            job_id = services.start_import_job(kind=kind, mode="import", file=file, by=request.user)
            return _respond_job(request, job_id, form)
        result = importers.run_import(kind=kind, file=file, by=request.user)
    except importers.ImportRejected as exc:
        context = _preview_context(exc.preview, digest=digest)
        context["rejected"] = exc.detail
        return _respond(request, form, context, status=400)
    except DomainError as exc:
        _file_error(form, exc)
        return _respond(request, form, {}, status=400)
    return _respond(request, form, {"imported": result, "kind_label": _kind_label(kind)})


def _job_context(job_id: str, job: dict[str, Any], form: ImportForm) -> tuple[dict[str, Any], int]:
    """The screen for a job: the progress while it runs, then what the synchronous path shows."""
    result = job.get("result") or {}
    kind = job["kind"]
    if job["state"] in (jobs.QUEUED, jobs.RUNNING):
        done, total = job.get("done", 0), job.get("total", 0)
        return {
            "job": {
                "id": job_id,
                "mode": job["mode"],
                "state": job["state"],
                "done": f"{done:,}",
                "total": f"{total:,}",
                "done_count": done,
                "total_count": total,
                "percent": int(done * 100 / total) if total else 0,
            }
        }, 200
    if "imported" in result:
        imported = importers.ImportResult(**result["imported"])
        return {"imported": imported, "kind_label": _kind_label(kind)}, 200
    if "preview" in result:
        context = _preview_context(importers.ImportPreview.from_dict(result["preview"]), digest=job.get("digest", ""))
        if job.get("changed"):
            context["changed"] = True
            return context, 409
        if "error" in result:
            context["rejected"] = result["error"]["detail"]
            return context, 400
        return context, 200
    error = result.get("error") or {}
    form.add_error(error.get("field") if error.get("field") in form.fields else "file", error.get("detail", ""))
    return {}, 400


def _respond_job(request: HttpRequest, job_id: str, form: ImportForm | None = None) -> HttpResponse:
    """Answer with the job's state; ``form`` is the posted form when the job was just started."""
    job = jobs.import_job_for(job_id=job_id, user=request.user)
    if job is None:
        raise Http404(_("No such import."))
    if form is None:  # polling: no form was posted, but a file error from the job goes next to the field
        form = ImportForm(initial={"kind": job["kind"]}, user=request.user)
        form.cleaned_data = {}
    context, status = _job_context(job_id, job, form)
    return _respond(request, form, context, status=status)


@login_required
@require_GET
def import_status(request: HttpRequest, job_id: Any) -> HttpResponse:
    """A background job's progress fragment (htmx polls it every second), or its preview/result once
    finished. Only the user who started the job sees it; anyone else gets 404."""
    _check_may_import(request)
    return _respond_job(request, str(job_id))


@login_required
@require_GET
def import_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """An empty file with the header row (Chinese headers in Chinese), xlsx with a help sheet."""
    _check_may_import(request)
    entry = import_kinds.get(kind)
    if entry is None or fmt not in ("xlsx", "csv"):
        raise Http404(_("No such template."))
    if not allows(entry.permission, request.user):
        raise PermissionDenied
    export = exporters.import_template(kind=kind, fmt=fmt)
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=export.filename)
    return response


@login_required
@require_GET
def order_export(request: HttpRequest) -> HttpResponse:
    """The order list's filtered rows as xlsx (the "Export xlsx" link on /orders/ carries the filters),
    through ``exporters.export_orders``: scoped and audited. A refused export goes back to the list
    with the reason: a bad filter is shown by the list itself, which checks the same filters and names
    the field (a message as well showed the same error twice); any other refusal as a message."""
    try:
        export = exporters.export_orders(user=request.user, params=request.GET, fmt="xlsx")
    except DomainError as exc:
        if exc.code != "invalid_filter":
            messages.error(request, exc.detail)
        return redirect(reverse("service:order_list") + "?" + request.GET.urlencode())
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=export.filename)
    return response


@login_required
@require_GET
def export_download(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """Any registered export kind as xlsx or CSV (``/exports/<kind>.<fmt>``) with the list's filters
    in the query string: 404 for an unknown kind, 403 when the kind's permission refuses the user,
    400 for a bad filter or format, the field and the error's detail as the body."""
    try:
        export = exporters.export(kind=kind, user=request.user, params=request.GET, fmt=fmt)
    except DomainError as exc:
        # The field the error is about, when its text does not name it already ("from: 请按 YYYY-MM-DD…").
        named = not exc.field or exc.detail.startswith(f"{exc.field}:")
        body = exc.detail if named else f"{exc.field}: {exc.detail}"
        return HttpResponse(body, status=exc.status, content_type="text/plain; charset=utf-8")
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=export.filename)
    return response
