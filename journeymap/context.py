"""What the current request or socket is about: its request id, the signed-in person, the
board, the client's address. Read by the log filter (journeymap.logs) and the audit log
(journeymap.audit), set by `RequestContextMiddleware` for HTTP and by the board consumer
for a socket (`bind`).

Context variables, so that each request (a thread or an asyncio task) sees its own, and
asgiref carries them into the threads that run sync code for async code and back.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
user_id: ContextVar[int | None] = ContextVar("user_id", default=None)
board_id: ContextVar[str | None] = ContextVar("board_id", default=None)
address: ContextVar[str | None] = ContextVar("address", default=None)

# A request id from the proxy (X-Request-ID) is kept when it looks like one, so that the
# proxy's log and ours can be joined; anything else is replaced, never logged as given.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def bind(**values) -> None:
    """Set some of request_id, user_id, board_id, address for the rest of this task."""
    for name, value in values.items():
        globals()[name].set(value)


def current() -> dict:
    return {
        "request_id": request_id.get(),
        "user_id": user_id.get(),
        "board_id": board_id.get(),
        "address": address.get(),
    }


class RequestContextMiddleware:
    """Binds the request's context for its logs and audit events, and answers with its
    X-Request-ID. After AuthenticationMiddleware (it reads request.user)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        rid = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        user = getattr(request, "user", None)
        # Left set until the response is closed (`_clear`), not only until this returns:
        # Django logs a 4xx answer after the middleware, and that line needs it too.
        request_id.set(rid)
        user_id.set(user.pk if user is not None and user.is_authenticated else None)
        board_id.set(None)
        address.set(request.META.get("REMOTE_ADDR") or None)
        response = self.get_response(request)
        response["X-Request-ID"] = rid
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        board = view_kwargs.get("board_id")
        if board is not None:
            board_id.set(str(board))


@receiver(request_finished, dispatch_uid="context_clear")
def _clear(**kwargs) -> None:
    """A thread serves one request after another (WSGI, the test client): nothing of one
    may be taken for the next, or for work done outside any request in that thread."""
    for var in (request_id, user_id, board_id, address):
        var.set(None)
