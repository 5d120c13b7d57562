"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "journeymap.settings")
django_asgi_app = get_asgi_application()

# Imported after Django is set up: they import models.
from channels.routing import ProtocolTypeRouter  # noqa: E402

from boards.live.routing import websocket_application  # noqa: E402
from journeymap.origins import OriginAllowlistMiddleware  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": OriginAllowlistMiddleware(websocket_application()),
    }
)
