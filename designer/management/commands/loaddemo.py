"""`python manage.py loaddemo`: load the demo workflow as the state machine "OrderDemo" (once)."""
from pathlib import Path

from django.core.management.base import BaseCommand

from designer.models import StateMachine
from designer.services import create_state_machine

DEMO = Path(__file__).resolve().parents[2] / "demo" / "order.asl.json"
NAME = "OrderDemo"


class Command(BaseCommand):
    help = "Load the demo workflow (designer/demo/order.asl.json) as the state machine OrderDemo, unless present."

    def handle(self, *args, **options):
        if StateMachine.objects.filter(name=NAME).exists():
            self.stdout.write(f"{NAME} is already loaded")
            return
        machine = create_state_machine(name=NAME, definition=DEMO.read_text(),
                                       role_arn="arn:aws:iam::123456789012:role/flowdeck")
        self.stdout.write(f"loaded {machine.arn}")
