"""WebSocket routes (designer/asgi.py mounts them behind the session and allowed-origin checks)."""
from django.urls import path

from executions import consumers

websocket_urlpatterns = [
    path("ws/executions/<int:execution_id>/", consumers.ExecutionConsumer.as_asgi()),
]
