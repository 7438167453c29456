"""`python manage.py accesskey create USER [--superuser] [--description TEXT]`: an access key for the AWS-compatible
endpoint, its secret printed once; `accesskey revoke KEY_ID`. For scripts and benchmarks that bring up a server
on a fresh database: `create` makes the user (no password: it signs in only with keys) if there is none."""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from designer.accounts import audit, credentials
from designer.accounts.models import AccessKey


class Command(BaseCommand):
    help = "Create (printing its secret once) or revoke an access key for the AWS-compatible endpoint."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        create = commands.add_parser("create", help="Create a key for USER (and USER, if missing).")
        create.add_argument("username")
        create.add_argument("--superuser", action="store_true",
                            help="Make the user a superuser (every permission on every state machine).")
        create.add_argument("--description", default="")
        revoke = commands.add_parser("revoke", help="Revoke a key.")
        revoke.add_argument("access_key_id")

    def handle(self, *args, **options):
        actor = audit.Actor(via=audit.CLI)
        if options["command"] == "revoke":
            key = AccessKey.objects.filter(access_key_id=options["access_key_id"]).first()
            if key is None:
                raise CommandError(f"No access key {options['access_key_id']}")
            if credentials.revoke(key):
                audit.record(actor, "access_key.revoke", key.access_key_id, user=key.user.get_username())
            self.stdout.write(f"revoked {key.access_key_id}")
            return
        with transaction.atomic():
            user = self._user(options["username"], options["superuser"], actor)
            key, secret = credentials.issue_access_key(user, options["description"])
            audit.record(actor, "access_key.create", key.access_key_id, user=user.get_username())
        self.stdout.write(f"AWS_ACCESS_KEY_ID={key.access_key_id}\nAWS_SECRET_ACCESS_KEY={secret}")

    @staticmethod
    def _user(username: str, superuser: bool, actor: audit.Actor):
        users = get_user_model()
        user = users.objects.filter(username=username).first()
        if user is None:
            user = users.objects.create_user(username)  # no usable password
            audit.record(actor, "user.create", username)
        if superuser and not (user.is_superuser and user.is_staff):
            user.is_superuser = user.is_staff = True
            user.save(update_fields=["is_superuser", "is_staff"])
            audit.record(actor, "user.update", username, superuser=True)
        if not user.is_active:
            raise CommandError(f"User {username} is not active")
        return user
