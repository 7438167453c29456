"""`python manage.py loaddemo`: load the demo workflows and the connections they call through (each once).

- OrderDemo (designer/demo/order.asl.json): Python-free ASL (Choice, Map, Parallel, Retry/Catch).
- HttpDemo (designer/demo/http.asl.json): HTTP tasks through the connection `demo-api` (OAuth 2 client
  credentials) against the demo HTTP API.
- XmlRpcDemo (designer/demo/xmlrpc.asl.json): an XML-RPC task through the connection `demo-billing`
  (HTTP Basic) against the demo billing endpoint.

The demo endpoints are `manage.py demoendpoints` (which `.ci/start` runs) on 127.0.0.1:8701 and :8702; their
credentials are fixed demo values that guard nothing real.
"""
from pathlib import Path

from django.core.management.base import BaseCommand

from designer.models import StateMachine
from designer.services import create_state_machine
from executions.integrations import demo
from executions.integrations.connections import create_connection
from executions.integrations.models import Connection

DEMOS = Path(__file__).resolve().parents[2] / "demo"
DEMO = DEMOS / "order.asl.json"
NAME = "OrderDemo"
MACHINES = {NAME: "order.asl.json", "HttpDemo": "http.asl.json", "XmlRpcDemo": "xmlrpc.asl.json"}
ROLE = "arn:aws:iam::123456789012:role/flowdeck"


def demo_connections(host: str = "127.0.0.1", http_port: int = demo.DEFAULT_HTTP_PORT,
                     xmlrpc_port: int = demo.DEFAULT_XMLRPC_PORT) -> dict[str, dict]:
    """The demo connections' settings, pointing at the demo endpoints on `host`."""
    api = f"http://{host}:{http_port}"
    return {
        "demo-api": {
            "description": "The demo HTTP API (manage.py demoendpoints), OAuth 2 client credentials",
            "base_url": api, "auth_type": "OAUTH_CLIENT_CREDENTIALS", "oauth_token_url": f"{api}/oauth/token",
            "oauth_client_id": demo.DEMO_CLIENT_ID, "oauth_client_secret": demo.DEMO_CLIENT_SECRET, "timeout_seconds": 10,
        },
        "demo-billing": {
            "description": "The demo XML-RPC billing endpoint (manage.py demoendpoints), HTTP Basic",
            "base_url": f"http://{host}:{xmlrpc_port}/RPC2", "auth_type": "BASIC", "username": demo.DEMO_USER,
            "password": demo.DEMO_PASSWORD, "timeout_seconds": 10,
        },
    }


class Command(BaseCommand):
    help = ("Load the demo workflows (OrderDemo, HttpDemo, XmlRpcDemo from designer/demo/) and the demo connections "
            "(demo-api, demo-billing), each unless present.")

    def handle(self, *args, **options):
        for name, settings in demo_connections().items():
            if Connection.objects.filter(name=name).exists():
                self.stdout.write(f"connection {name} is already there")
                continue
            create_connection(name, **settings)
            self.stdout.write(f"created connection {name}")
        for name, file in MACHINES.items():
            if StateMachine.objects.filter(name=name).exists():
                self.stdout.write(f"{name} is already loaded")
                continue
            machine = create_state_machine(name=name, definition=(DEMOS / file).read_text(), role_arn=ROLE)
            self.stdout.write(f"loaded {machine.arn}")
