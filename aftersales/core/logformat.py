"""One JSON object per log line on stderr, so a log shipper (journald, Docker, Loki, ELK) can index it.

Every line has ``time`` (ISO 8601 with offset), ``level``, ``logger`` and ``message``; a line about a
request (Django's ``django.request`` logger passes it) adds ``method``, ``path``, ``status`` and
``user_id``; an exception adds ``exc_type`` and the whole ``traceback``. Never the request's body,
headers or query string: they can hold passwords, tokens and customers' phone numbers.
"""

import datetime
import json
import logging
from typing import Any


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).astimezone().isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            entry["method"] = getattr(request, "method", None)
            entry["path"] = request.path
            user = getattr(request, "user", None)
            entry["user_id"] = getattr(user, "pk", None) if user is not None else None
        if record.exc_info and record.exc_info[0] is not None:
            entry["exc_type"] = record.exc_info[0].__name__
            entry["traceback"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["traceback"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)
