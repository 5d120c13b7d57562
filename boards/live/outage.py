"""The database unavailable while a socket opens or runs: a close it can act on.

Every step of a board socket reads the database (the session behind the cookie in
channels' AuthMiddleware, the membership at connect, access on every ping and sync). With
PostgreSQL restarting, those reads raised out of the application: daphne logged
"Exception inside application" with a traceback and dropped the handshake or closed with
1011, which a client following docs/protocol.md does not treat as "re-send". This closes
such a socket with 4011 instead, the close that tells a client to reconnect and re-send
what is unacknowledged, and logs one line. A failed commit is answered the same way
(boards.live.room); nothing here decides what is stored.
"""

from __future__ import annotations

import logging

from django.db import Error as DatabaseError

from boards.live.reads import CLOSE_INTERNAL

logger = logging.getLogger(__name__)


class DatabaseOutageMiddleware:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await self.app(scope, receive, send)
        sent = set()

        async def tracked(message):
            sent.add(message["type"])
            await send(message)

        try:
            return await self.app(scope, receive, tracked)
        except DatabaseError as error:
            logger.warning(
                "WebSocket %s closed with %s: the database is unavailable (%s)",
                scope.get("path"),
                CLOSE_INTERNAL,
                str(error).splitlines()[0] if str(error) else type(error).__name__,
            )
            if "websocket.close" in sent:
                return None
            if "websocket.accept" not in sent:
                await send({"type": "websocket.accept"})
            await send({"type": "websocket.close", "code": CLOSE_INTERNAL})
            return None
