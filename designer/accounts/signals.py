"""Logins, failed logins and logouts go to the audit log, whichever door called Django's auth (the login page,
the Django admin): its signals carry the request, so the address is known. A failed attempt is recorded with the
user name tried, never the password."""
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from designer.accounts import audit


def _actor(request, user=None) -> audit.Actor:
    # Not Actor.of: the request may not carry the user yet (the test client's and the admin's logins).
    if request is None:
        return audit.Actor(user, "", audit.SYSTEM)
    return audit.Actor(user, request.META.get("REMOTE_ADDR", "") or "", audit.WEB)


@receiver(user_logged_in, dispatch_uid="audit-login")
def logged_in(sender, request, user, **kwargs):
    audit.record(_actor(request, user), "login", target=user.get_username())


@receiver(user_login_failed, dispatch_uid="audit-login-failed")
def login_failed(sender, credentials, request=None, **kwargs):
    audit.record(_actor(request), "login.failed", target=str(credentials.get("username", "")))


@receiver(user_logged_out, dispatch_uid="audit-logout")
def logged_out(sender, request, user, **kwargs):
    if user is not None and user.is_authenticated:
        audit.record(_actor(request, user), "logout", target=user.get_username())
