from django.urls import path

from boards.consumers import BoardConsumer, ShareConsumer

websocket_urlpatterns = [
    path("ws/boards/<uuid:board_id>/", BoardConsumer.as_asgi()),
    path("ws/share/<str:token>/", ShareConsumer.as_asgi()),
]
