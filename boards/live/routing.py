from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from django.urls import path, re_path

from boards.live.consumer import BoardConsumer, NoSuchBoard
from boards.live.outage import DatabaseOutageMiddleware
from boards.live.share_consumer import ShareConsumer

websocket_urlpatterns = [
    path("ws/boards/<uuid:board_id>/", BoardConsumer.as_asgi()),
    path("ws/share/<str:token>/", ShareConsumer.as_asgi()),
    # Anything else (an id that is no id, upper case included): 4404, not an HTTP 500.
    re_path(r"^ws/", NoSuchBoard.as_asgi()),
]


def websocket_application():
    """The WebSocket side of the ASGI app (journeymap/asgi.py puts the Origin check in
    front): the session's user attached, the path routed, and a database outage at any
    point answered with 4011 (boards/live/outage.py)."""
    return DatabaseOutageMiddleware(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
