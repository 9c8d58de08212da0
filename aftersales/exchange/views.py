"""The import screen (/import/): choose customers or units, upload xlsx/CSV, see a row-by-row
preview, confirm. The preview and the import are ``importers.preview_import`` / ``run_import``: the
same rules, and the import is all-or-nothing.

Nothing is kept on the server between preview and import: the form (with its file) stays on the
page and the confirm button sends it again. The preview carries the file's SHA-256, so a file
swapped after the check is checked again instead of imported unseen.
"""

import hashlib
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.accounts.forms import BootstrapFormMixin
from aftersales.core.errors import DomainError
from aftersales.customers.permissions import can_edit_customers
from aftersales.exchange import exporters, importers
from aftersales.exchange.columns import KINDS, columns_for
from aftersales.exchange.readers import MAX_BYTES, MAX_ROWS

KIND_LABELS = {"customers": gettext_lazy("Customers"), "units": gettext_lazy("Units (installed base)")}
PREVIEW_ROWS = 200  # parsed rows shown; every error is listed regardless (up to MAX_ERRORS)
MAX_ERRORS = 1000


class ImportForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What to import"),
        choices=[(kind, KIND_LABELS[kind]) for kind in KINDS],
        initial="customers",
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=gettext_lazy("File (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )


def _check_may_import(request: HttpRequest) -> None:
    if not can_edit_customers(request.user):
        raise PermissionDenied


def _column_labels(kind: str) -> dict[str, str]:
    chinese = (get_language() or "").startswith("zh")
    return {c.key: (c.zh if chinese else c.key) for c in columns_for(kind)}


def _digest(file: Any) -> str:
    file.seek(0)
    digest = hashlib.sha256(file.read(MAX_BYTES + 1)).hexdigest()
    file.seek(0)
    return digest


def _preview_context(preview: importers.ImportPreview, *, digest: str) -> dict[str, Any]:
    labels = _column_labels(preview.kind)
    errors = [
        {"row": r.row, "field": labels.get(e.field, e.field), "message": e.message}
        for r in preview.rows
        for e in r.errors
    ]
    rows = [
        {"row": r.row, "ok": r.ok, "cells": [r.values.get(key, "") for key in preview.columns]}
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
        "kind_label": KIND_LABELS[preview.kind],
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
    return {
        "form": form,
        "kinds": [
            {"kind": kind, "label": KIND_LABELS[kind], "columns": columns_for(kind), "headers": _column_labels(kind)}
            for kind in KINDS
        ],
        "max_rows": MAX_ROWS,
        "max_mb": MAX_BYTES // 1024 // 1024,
    }


@login_required
@require_GET
def import_page(request: HttpRequest) -> HttpResponse:
    _check_may_import(request)
    kind = request.GET.get("kind")
    form = ImportForm(initial={"kind": kind} if kind in KINDS else None)
    return render(request, "exchange/import.html", _page_context(form))


def _file_error(form: ImportForm, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else "file", exc.detail)


@login_required
@require_POST
def import_preview(request: HttpRequest) -> HttpResponse:
    """Check every row and write nothing."""
    _check_may_import(request)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _respond(request, form, {}, status=400)
    file = form.cleaned_data["file"]
    try:
        preview = importers.preview_import(kind=form.cleaned_data["kind"], file=file, by=request.user)
    except DomainError as exc:
        _file_error(form, exc)
        return _respond(request, form, {}, status=400)
    return _respond(request, form, _preview_context(preview, digest=_digest(file)))


@login_required
@require_POST
def import_run(request: HttpRequest) -> HttpResponse:
    """Import the checked file: every row or none."""
    _check_may_import(request)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _respond(request, form, {}, status=400)
    file, kind = form.cleaned_data["file"], form.cleaned_data["kind"]
    digest = _digest(file)
    try:
        if request.POST.get("digest") != digest:
            preview = importers.preview_import(kind=kind, file=file, by=request.user)
            context = _preview_context(preview, digest=digest)
            context["changed"] = True
            return _respond(request, form, context, status=409)
        result = importers.run_import(kind=kind, file=file, by=request.user)
    except importers.ImportRejected as exc:
        context = _preview_context(exc.preview, digest=digest)
        context["rejected"] = exc.detail
        return _respond(request, form, context, status=400)
    except DomainError as exc:
        _file_error(form, exc)
        return _respond(request, form, {}, status=400)
    return _respond(request, form, {"imported": result, "kind_label": KIND_LABELS[kind]})


@login_required
@require_GET
def import_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """An empty file with the header row (Chinese headers in Chinese), xlsx with a help sheet."""
    _check_may_import(request)
    if kind not in KINDS or fmt not in ("xlsx", "csv"):
        raise Http404(_("No such template."))
    export = exporters.import_template(kind=kind, fmt=fmt)
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=export.filename)
    return response
