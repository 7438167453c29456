"""ASGI entry point: HTTP through Django, WebSockets through Channels (routes arrive with the live stream).

Requests in the AWS JSON protocol skip the site's middleware (executions/aws/asgi.py says why)."""
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "designer.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402  (needs Django set up first)

from executions.aws.asgi import EndpointHandler, is_aws_request  # noqa: E402

aws_asgi_app = EndpointHandler()


async def http_application(scope, receive, send):
    app = aws_asgi_app if is_aws_request(scope) else django_asgi_app
    await app(scope, receive, send)


application = ProtocolTypeRouter({"http": http_application})
