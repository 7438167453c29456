"""ASGI entry point: HTTP through Django, WebSockets through Channels (the live stream, executions/routing.py).

Requests in the AWS JSON protocol skip the site's middleware (executions/aws/asgi.py says why); a body larger
than the request-size limit is refused before anything reads it (designer/limits.py). A WebSocket is
opened only from a page of an allowed host (AllowedHostsOriginValidator: no cross-site socket riding the
session cookie) and knows its user from the session (AuthMiddlewareStack)."""
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "designer.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs Django set up first)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from designer.limits import BodySizeLimit  # noqa: E402
from executions.aws.asgi import EndpointHandler, is_aws_request  # noqa: E402
from executions.routing import websocket_urlpatterns  # noqa: E402

aws_asgi_app = EndpointHandler()


async def http_application(scope, receive, send):
    app = aws_asgi_app if is_aws_request(scope) else django_asgi_app
    await app(scope, receive, send)


application = ProtocolTypeRouter({
    "http": BodySizeLimit(http_application),
    "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
})
