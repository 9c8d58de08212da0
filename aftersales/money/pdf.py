"""Server-side PDFs of quotes and invoices (A4, WeasyPrint): the print templates rendered with
``pdf=True`` (no toolbar, no Bootstrap) and turned into a PDF on the server. WeasyPrint never reaches
the network: static files are read where the app serves them from (the collected, hashed files under
``make run`` and in production; the app folders under the development server), images of the document
come as data URIs, and any other URL is refused."""

import base64
import mimetypes
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db.models.fields.files import FieldFile
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from aftersales.money.models import Invoice, Quote

BASE_URL = "https://pdf.aftersales.invalid/"


def _static_file(name: str) -> bytes | None:
    # With the manifest storage (make run, production) {% static %} names the collected, hashed copy
    # (css/print.3f2a….css), which only the storage holds: the finders know the source names alone.
    if staticfiles_storage.exists(name):
        with staticfiles_storage.open(name, "rb") as handle:
            return handle.read()
    found = finders.find(name)
    if isinstance(found, str):
        with open(found, "rb") as handle:
            return handle.read()
    return None


def _fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    from weasyprint.urls import URLFetcherResponse  # noqa: PLC0415 - loaded with WeasyPrint, when a PDF is asked for

    path = urlsplit(url).path
    static = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
    if url.startswith(BASE_URL[:-1]) and path.startswith(static) and ".." not in path.split("/"):
        body = _static_file(path[len(static) :])
        if body is not None:
            mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=body, headers={"Content-Type": mime})
    raise ValueError(f"not fetched for a PDF: {url}")


def data_uri(image: FieldFile | None) -> str:
    """An uploaded image (a signature) as a data URI, to embed in the PDF."""
    if not image:
        return ""
    with image.open("rb") as handle:
        return "data:image/png;base64," + base64.b64encode(handle.read()).decode()


def html_to_pdf(html: str) -> bytes:
    """A print page (rendered with ``pdf=True``) as a PDF; only static files are fetched. Also used by
    the periodic reports (``reports.periodic``)."""
    from weasyprint import HTML  # noqa: PLC0415 - a heavy import, loaded when a PDF is asked for

    return HTML(string=html, base_url=BASE_URL, url_fetcher=_fetch).write_pdf()


def pdf_response(request: HttpRequest, template: str, context: dict[str, Any], *, filename: str) -> HttpResponse:
    html = render_to_string(template, {**context, "pdf": True}, request=request)
    document = html_to_pdf(html)
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def quote_pdf_response(request: HttpRequest, quote: Quote) -> HttpResponse:
    context = {"quote": quote, "lines": list(quote.lines.order_by("id")), "signature_uri": data_uri(quote.signature)}
    return pdf_response(request, "money/quote_print.html", context, filename=f"{quote.number}.pdf")


def invoice_pdf_response(request: HttpRequest, invoice: Invoice) -> HttpResponse:
    context = {"invoice": invoice, "lines": list(invoice.lines.order_by("id"))}
    name = invoice.number or f"draft-{invoice.pk}"
    return pdf_response(request, "money/invoice_print.html", context, filename=f"{name}.pdf")
