from django.urls import path, re_path

from boards.live.consumer import BoardConsumer, NoSuchBoard, ShareConsumer

websocket_urlpatterns = [
    path("ws/boards/<uuid:board_id>/", BoardConsumer.as_asgi()),
    path("ws/share/<str:token>/", ShareConsumer.as_asgi()),
    # Anything else (an id that is no id, upper case included): 4404, not an HTTP 500.
    re_path(r"^ws/", NoSuchBoard.as_asgi()),
]
