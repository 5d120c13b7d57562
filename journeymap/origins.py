"""An explicit Origin allowlist for WebSocket handshakes (settings.WEBSOCKET_ALLOWED_ORIGINS).

Channels' AllowedHostsOriginValidator would tie WebSocket origins to ALLOWED_HOSTS and
treat a missing Origin as allowed; here the list is explicit and a missing Origin refused.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings


def origin_allowed(origin: str, allowed: list[str]) -> bool:
    try:
        parts = urlsplit(origin)
        port = parts.port
    except ValueError:
        return False
    if not parts.scheme or not parts.hostname:
        return False
    for pattern in allowed:
        wanted = urlsplit(pattern.replace(":*", ""))
        any_port = pattern.endswith(":*")
        if wanted.scheme != parts.scheme or wanted.hostname != parts.hostname:
            continue
        if any_port or wanted.port == port:
            return True
    return False


class OriginAllowlistMiddleware:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket":
            headers = dict(scope.get("headers", []))
            origin = headers.get(b"origin", b"").decode("latin-1")
            if not origin_allowed(origin, settings.WEBSOCKET_ALLOWED_ORIGINS):
                denier = WebsocketDenier()
                return await denier(scope, receive, send)
        return await self.app(scope, receive, send)
