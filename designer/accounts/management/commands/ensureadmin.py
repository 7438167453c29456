"""`manage.py ensureadmin`: on a new install (no site admin yet), create the first one.

The user name is FLOWDECK_ADMIN_USERNAME (default "admin"); the password is FLOWDECK_ADMIN_PASSWORD, or else a
generated one, printed this once with the user name. Run at every start (.ci/start): once a site admin exists it
does nothing and prints nothing secret.
"""
import os
import secrets

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse

from designer.accounts import audit


class Command(BaseCommand):
    help = "Create the first site admin if there is none (FLOWDECK_ADMIN_USERNAME, FLOWDECK_ADMIN_PASSWORD)."

    def handle(self, *args, **options):
        users = get_user_model()
        if users.objects.filter(is_superuser=True).exists():
            if options["verbosity"] > 1:
                self.stdout.write("ensureadmin: a site admin exists; nothing to do")
            return
        username = os.environ.get("FLOWDECK_ADMIN_USERNAME", "").strip() or "admin"
        password = os.environ.get("FLOWDECK_ADMIN_PASSWORD", "")
        generated = not password
        if generated:
            password = secrets.token_urlsafe(18)  # 144 random bits
        if users.objects.filter(username__iexact=username).exists():
            # Promoting an existing account silently would hand it every right; the operator decides.
            raise CommandError(f"ensureadmin: there is no site admin, but a user named {username!r} exists already; "
                               "set FLOWDECK_ADMIN_USERNAME to another name, or make them a site admin yourself")
        candidate = users(username=username)
        try:
            password_validation.validate_password(password, candidate)
        except ValidationError as error:
            raise CommandError("ensureadmin: FLOWDECK_ADMIN_PASSWORD is too weak: " + " ".join(error.messages)) from None
        with transaction.atomic():
            admin = users.objects.create_superuser(username=username, email="", password=password)
            audit.record(audit.Actor(None, "", audit.CLI), "user.create", target=username, superuser=True,
                         password_source="generated" if generated else "environment")
        login = reverse("login")
        if generated:
            self.stdout.write(self.style.SUCCESS(
                f"Flowdeck: created the site admin {admin.get_username()!r} with the password\n\n    {password}\n\n"
                f"It is shown this once: log in at {login} and change it on your account page."))
        else:
            self.stdout.write(self.style.SUCCESS(
                f"Flowdeck: created the site admin {admin.get_username()!r} (password from FLOWDECK_ADMIN_PASSWORD); "
                f"log in at {login}"))
