from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, JsonResponse

# A database that answers SELECT 1 slower than this is as good as down for a load balancer. Connecting
# is bounded by DATABASES OPTIONS connect_timeout (PostgreSQL), settings/base.py.
HEALTH_STATEMENT_TIMEOUT_MS = 1500


def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring, answering within a couple of seconds whatever is down.

    503 when the database does not answer (the app cannot serve). 200 otherwise; ``status`` is
    ``degraded`` and ``cache`` ``unreachable`` when Redis does not answer: the app still serves
    (core/cache.py), and taking every server out of rotation for it would turn a slower service into
    an outage. Monitoring should alert on ``degraded``.
    """
    database = _database()
    cache_state = _cache()
    if database != "ok":
        return JsonResponse({"status": "error", "database": database, "cache": cache_state}, status=503)
    if cache_state == "unreachable":
        return JsonResponse({"status": "degraded", "database": database, "cache": cache_state})
    return JsonResponse({"status": "ok", "database": database, "cache": cache_state})


def _database() -> str:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL statement_timeout = %s", [HEALTH_STATEMENT_TIMEOUT_MS])
            cursor.execute("SELECT 1")
    except DatabaseError:
        return "unreachable"
    return "ok"


def _cache() -> str:
    ping = getattr(cache, "ping", None)
    if ping is None:
        return "local"  # the in-process cache: nothing to reach
    return "ok" if ping() else "unreachable"
