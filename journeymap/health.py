"""What a load balancer and a monitoring system ask a process (docs/operations.md).

- /healthz, liveness: the process answers. Touches nothing else, so that a database
  outage does not get every process restarted.
- /readyz, readiness: the database answers a query and the channel layer answers (Redis,
  when configured), each within READINESS_TIMEOUT; 503 naming what failed otherwise, so
  the balancer sends nobody to a process that cannot serve them.
- /metrics: this process's Prometheus metrics (boards.live.metrics), for a bearer
  token (METRICS_TOKEN) or an allowed address (METRICS_ALLOWED_ADDRESSES) only.

None needs a login, and none says more than "ok" or "failed": the reason goes to the log.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

logger = logging.getLogger(__name__)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


async def _channel_layer() -> None:
    """Ping Redis when the channel layer is Redis; the in-memory layer is this process."""
    layer = settings.CHANNEL_LAYERS.get("default", {})
    if "redis" not in layer.get("BACKEND", "").lower():
        return
    import redis.asyncio as redis

    host = layer["CONFIG"]["hosts"][0]
    address = host["address"] if isinstance(host, dict) else host
    timeout = settings.READINESS_TIMEOUT
    client = redis.Redis.from_url(
        address, socket_timeout=timeout, socket_connect_timeout=timeout, retry=None
    )
    try:
        await client.ping()
    finally:
        await client.aclose()


async def _check(name: str, work) -> bool:
    try:
        await asyncio.wait_for(work, timeout=settings.READINESS_TIMEOUT)
    except Exception:
        logger.warning("Readiness: the %s check failed", name, exc_info=True)
        return False
    return True


@never_cache
async def readyz(request: HttpRequest) -> JsonResponse:
    checks = {
        "database": await _check("database", sync_to_async(_database)()),
        "channel_layer": await _check("channel layer", _channel_layer()),
    }
    ready = all(checks.values())
    return JsonResponse(
        {
            "status": "ok" if ready else "unavailable",
            "checks": {name: "ok" if ok else "failed" for name, ok in checks.items()},
        },
        status=200 if ready else 503,
    )


def _metrics_allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and constant_time_compare(given, f"Bearer {token}"):
        return True
    try:
        client = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    for allowed in settings.METRICS_ALLOWED_ADDRESSES:
        try:
            if client in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            logger.warning("METRICS_ALLOWED_ADDRESSES: %r is not an address", allowed)
    return False


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not _metrics_allowed(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
