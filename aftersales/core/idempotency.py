"""Idempotent creates: one answer per ``Idempotency-Key``, replayed for a retry of the same request.

A record keeps the key, the request's fingerprint (SHA-256 of method, path and body) and the answer.
The same key with the same request replays the answer and creates nothing; the same key with another
path or body answers 422 ``idempotency_key_reused`` (the client has a bug: it must not guess which
request wins). Records older than ``AFTERSALES["IDEMPOTENCY_KEEP_HOURS"]`` are ignored and pruned
(``manage.py prune_idempotency``, scheduled daily by Celery beat).
"""

import datetime
import hashlib
import json
from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Status
from pydantic import BaseModel

from aftersales.core.errors import DomainError, UnprocessableError
from aftersales.core.models import IdempotencyKey
from aftersales.core.renderers import LocalTimeEncoder

MAX_KEY_LENGTH = 128

# What an idempotent endpoint returns: the first answer (through its response schema) or a replay.
Created = Status[Any] | JsonResponse


def keep_for() -> datetime.timedelta:
    return datetime.timedelta(hours=cast(int, settings.AFTERSALES.get("IDEMPOTENCY_KEEP_HOURS", 72)))


def request_fingerprint(request: HttpRequest) -> str:
    """SHA-256 over the method, the path and the body as the server understood it.

    A JSON body is hashed in canonical form (key order and spacing do not matter); a form upload by
    its fields and each file's bytes (the multipart boundary changes on every send).
    """
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    content_type = (request.content_type or "").lower()
    if content_type == "application/json":
        try:
            digest.update(json.dumps(json.loads(request.body or b"null"), sort_keys=True).encode())
        except ValueError:
            digest.update(request.body)
    else:
        for name, values in sorted(request.POST.lists()):
            digest.update(json.dumps([name, values]).encode())
        for name, files in sorted(request.FILES.lists()):
            for upload in files:
                digest.update(f"\n{name}:{upload.name}:".encode())
                for chunk in upload.chunks():
                    digest.update(hashlib.sha256(chunk).digest())
                upload.seek(0)
    return digest.hexdigest()


def idempotent(request: HttpRequest, create: Callable[[], tuple[int, Any]]) -> Created:
    """Run ``create`` once per ``Idempotency-Key``: the same key and request replay the first answer.

    ``create`` returns ``(status, body)``: a response schema instance (or a JSON-ready value). The answer is stored in the same
    transaction as the record; a concurrent request with the same key fails on the unique constraint,
    rolls back whatever it made and replays the winner's answer. A create that fails stores nothing,
    so it may be retried with the same key.
    """
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        status, body = create()
        return Status(status, _answer(body))
    if len(key) > MAX_KEY_LENGTH:
        raise DomainError(
            "invalid_idempotency_key",
            _("The Idempotency-Key header is longer than %(max)d characters.") % {"max": MAX_KEY_LENGTH},
        )
    user = request.user
    fingerprint = request_fingerprint(request)
    # A record past its retention is gone for the client, whether or not the pruning ran yet.
    IdempotencyKey.objects.filter(user=user, key=key, created_at__lt=timezone.now() - keep_for()).delete()
    stored = IdempotencyKey.objects.filter(user=user, key=key).first()
    if stored is None:
        try:
            with transaction.atomic():
                status, body = create()
                body = _answer(body)
                IdempotencyKey.objects.create(
                    user=user,
                    key=key,
                    method=request.method or "POST",
                    path=request.path,
                    request_hash=fingerprint,
                    status_code=status,
                    body=_json(body),
                )
                return Status(status, body)
        except IntegrityError:
            stored = IdempotencyKey.objects.filter(user=user, key=key).first()
            if stored is None:
                raise
    if stored.path != request.path or (stored.request_hash and stored.request_hash != fingerprint):
        raise UnprocessableError(
            "idempotency_key_reused",
            _("This Idempotency-Key was used for a different request; use a new key for a new request."),
        )
    # The stored body is the answer as sent: replayed as is, not run through the response schema
    # again (its resolvers read model instances, not JSON).
    return JsonResponse(stored.body, status=stored.status_code, safe=False)


def _answer(body: Any) -> Any:
    """The create's answer, checked with or without a key: a response schema instance or plain JSON data.
    A model instance would pass without a key (Ninja validates it through the response schema) and fail
    with one, where the answer is stored (found by an API probe, 2026-12-06: every money create answered
    500 to a client that sent the header)."""
    if not isinstance(body, BaseModel | dict | list):
        raise TypeError(f"an idempotent create answers a response schema instance, not {type(body).__name__}")
    return body


def _json(body: Any) -> Any:
    """The answer as stored for a replay, encoded as Ninja renders it (the same JSON encoder, so
    the replay is the first answer byte for byte: e.g. times to the millisecond)."""
    if isinstance(body, BaseModel):
        body = body.model_dump()
    return json.loads(json.dumps(body, cls=LocalTimeEncoder))


def prune_idempotency_keys(*, now: datetime.datetime | None = None) -> int:
    """Delete the records older than the retention; return how many went."""
    cutoff = (now or timezone.now()) - keep_for()
    deleted, _rows = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
