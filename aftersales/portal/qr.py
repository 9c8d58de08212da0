"""QR codes of the units' labels (segno: SVG and PNG without Pillow)."""

import io

import segno
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse


def label_url(request: HttpRequest, token: str) -> str:
    """The address a label's code holds: ``SITE_URL`` when set (the public address), else this host."""
    path = reverse("portal:unit_public", args=[token])
    base = str(settings.AFTERSALES.get("SITE_URL") or "").rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def _code(url: str) -> segno.QRCode:
    # Level M: a label scratched or dirty on a machine still scans (15 % of the code can be lost).
    return segno.make(url, error="m", micro=False)


def svg(url: str, *, scale: int = 4) -> bytes:
    out = io.BytesIO()
    _code(url).save(out, kind="svg", scale=scale, border=2, xmldecl=True, title=url)
    return out.getvalue()


def svg_inline(url: str, *, scale: int = 3) -> str:
    """The code as an ``<svg>`` element for a page (our own markup, no script, no style attribute)."""
    return str(_code(url).svg_inline(scale=scale, border=2, omitsize=True))


def png(url: str, *, scale: int = 8) -> bytes:
    out = io.BytesIO()
    _code(url).save(out, kind="png", scale=scale, border=2)
    return out.getvalue()
