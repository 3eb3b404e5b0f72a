"""The workbench's second factor: with ``YIWANG_STAFF_MFA_REQUIRED``, staff open ``/admin/`` only
with an authenticator app (allauth's TOTP) set up, and only in a session proven by its code.

- Who: a signed-in, active account that is staff (``is_staff``) or may enter the Wagtail admin
  (``wagtailadmin.access_admin``). Applicants are never asked.
- What: ``missing(request)`` says what the session still lacks — ``SET_UP`` (no authenticator
  app yet: allauth's TOTP activation page, which first asks the password again), ``CODE`` (the
  app is set up, but this session was not signed in with its code: allauth's MFA
  reauthentication page) — or None.
- Proof: allauth records each way a session was authenticated (``get_authentication_records``,
  kept in the session for its user). A record of method ``mfa`` — written by allauth's MFA stage
  of a sign-in at ``/accounts/login/``, or by its reauthentication page — is the code given in
  this session; a recovery code counts as well (it is the app's stand-in when the phone is lost).
  Wagtail's own ``/admin/login/`` signs in with the password alone and records nothing, so a
  staff sign-in there is asked for the code on its way into the admin.
- Where: ``StaffSecondFactorMiddleware`` applies the rule to every path under the admin but its
  sign-in and sign-out pages (a member of staff without a phone at hand must still be able to
  leave). The activation and code pages are allauth's, under ``/accounts/``, outside the admin.
"""

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

SET_UP, CODE = "set_up", "code"
SECOND_FACTOR = "mfa"  # allauth's method name for an authentication by an authenticator's code


def is_staff(user) -> bool:
    """Whether ``user`` works in the workbench: staff, or let into the Wagtail admin."""
    return bool(user.is_authenticated and user.is_active
                and (user.is_staff or user.has_perm("wagtailadmin.access_admin")))


def required(user) -> bool:
    return bool(settings.YIWANG_STAFF_MFA_REQUIRED) and is_staff(user)


def has_authenticator_app(user) -> bool:
    return is_mfa_enabled(user, [Authenticator.Type.TOTP])


def proven_by_code(request) -> bool:
    """Whether this session's user gave an authenticator's code in this session."""
    return any(record.get("method") == SECOND_FACTOR for record in get_authentication_records(request, request.user))


def missing(request) -> str | None:
    """What the session lacks before the workbench opens: ``SET_UP``, ``CODE``, or None."""
    if not required(request.user):
        return None
    if not has_authenticator_app(request.user):
        return SET_UP
    if not proven_by_code(request):
        return CODE
    return None


def where_to(step: str, next_path: str) -> str:
    """The page that supplies ``step``, coming back to ``next_path`` where allauth allows it."""
    if step == SET_UP:
        # allauth's activation page ends on the recovery codes; 我的空间 and the header lead on.
        return reverse("mfa_activate_totp")
    return f"{reverse('mfa_reauthenticate')}?{urlencode({'next': next_path})}"


def why(step: str) -> str:
    if step == SET_UP:
        return _("The workbench needs a second factor: set up an authenticator app on your phone first. "
                 "Its code is then asked each time you sign in to the workbench.")
    return _("The workbench needs the code from your authenticator app: enter it to continue.")


def in_workbench(path: str) -> bool:
    """A path of the workbench that the rule guards (its sign-in and sign-out stay open)."""
    return path.startswith(reverse("wagtailadmin_home")) and path not in (
        reverse("wagtailadmin_login"), reverse("wagtailadmin_logout"))


class StaffSecondFactorMiddleware:
    """Sends staff who lack the second factor from the workbench to the page that gives it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if in_workbench(request.path):
            step = missing(request)
            if step is not None:
                messages.info(request, why(step))
                return HttpResponseRedirect(where_to(step, request.get_full_path()))
        return self.get_response(request)
