"""How the API writes JSON: every time in Asia/Shanghai with its offset (``+08:00``), every decimal in
positional notation.

Times come out of the database in UTC and out of the services in whatever zone computed them; left to
the encoder they would read ``…Z`` in one field and ``…+08:00`` in the next. The one renderer of the
API (and the stored answers of idempotent creates) converts each aware datetime here, so no schema
field has to.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder


def local_time(value: datetime.datetime) -> datetime.datetime:
    """``value`` in the project's zone (``TIME_ZONE``, Asia/Shanghai), whatever zone is active."""
    return timezone.localtime(value, timezone.get_default_timezone()) if timezone.is_aware(value) else value


def json_time(value: datetime.datetime) -> str:
    """``value`` as the API writes a time: in the project's zone, ISO 8601 with milliseconds (the format of
    Django's JSON encoder). The renderer writes every time this way; the order list's fast path calls it
    for its rows so the encoder's fallback never runs."""
    if value.utcoffset() is not None:  # aware: in the project's zone (local_time, without its checks)
        value = value.astimezone(timezone.get_default_timezone())
    # The encoder's text: milliseconds (truncated) when there are any, "Z" for a zero offset.
    text = value.isoformat("T", "milliseconds") if value.microsecond else value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class LocalTimeEncoder(NinjaJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime):
            return json_time(o)
        if isinstance(o, Decimal):
            # Positional, never an exponent: a receipt of "1e3" answered "quantity": "1E+3" (found by
            # hand, 2026-12-06); Django's encoder writes str(), which keeps the input's exponent.
            return format(o, "f")
        return super().default(o)


class LocalTimeRenderer(JSONRenderer):
    encoder_class = LocalTimeEncoder


_RENDERER = LocalTimeRenderer()


def render_response(request: HttpRequest, data: Any, *, status: int = 200) -> HttpResponse:
    """An answer written by the API's renderer, for an endpoint that builds its JSON-ready data itself
    (the order list's fast path): the same bytes and content type Ninja would send."""
    content = _RENDERER.render(request, data, response_status=status)
    return HttpResponse(content, status=status, content_type=f"{_RENDERER.media_type}; charset={_RENDERER.charset}")
