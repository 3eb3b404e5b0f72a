"""邀请成员: an administrator invites someone by mobile number, in a role; the SMS carries a link.

The link opens once: the person signed in whose mobile number is the one invited accepts it
and becomes a member in the role given. Accepted, revoked or past ``INVITATION_DAYS``, it opens
nothing and says why. Only a digest of its token is stored: the SMS alone carries the token.
An administrator sends at most ``INVITATIONS_PER_DAY`` invitations a day for an enterprise (each is
an SMS to a number they typed); a new invitation to a number replaces the one still waiting.
"""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casefiles.accounts import sms
from casefiles.directory import lookup, protected
from casefiles.directory.identifiers import IdentifierError, mask_mobile, validate_mobile
from casefiles.errors import Conflict, Invalid, NotFound, NotPermitted
from casefiles.members import enterprises
from casefiles.members.models import Invitation, Role, new_invitation_token, token_digest
from config import siteurl

INVITATION_DAYS = 7
INVITATIONS_PER_DAY = 20

def normalise_mobile(number) -> str:
    """A mainland mobile number as 11 digits (``identifiers.validate_mobile``), or ``Invalid``."""
    try:
        return validate_mobile(number)
    except IdentifierError as error:
        raise Invalid(str(error)) from None


def accept_url(token: str) -> str:
    return siteurl.absolute(reverse("casefiles:accept_invitation", kwargs={"token": token}))


def invite(enterprise, mobile, role, by) -> Invitation:
    """An administrator invites the holder of ``mobile`` to act for ``enterprise`` in ``role``;
    the SMS goes out once the invitation is stored."""
    enterprises.managed_by(by, enterprise)
    mobile = normalise_mobile(mobile)
    if role not in Role.values:
        raise Invalid(_("Choose a role."))
    invited = lookup.person_with_mobile(mobile)
    if invited is not None and invited.user is not None and enterprises.is_member(invited.user, enterprise):
        raise Conflict(_("The holder of this mobile number is already a member."))
    now = timezone.now()
    token = new_invitation_token()
    with transaction.atomic():
        roster = enterprises.roster_of(enterprise, lock=True)
        if Invitation.objects.filter(enterprise=enterprise, created_at__gte=now - datetime.timedelta(days=1)).count() \
                >= INVITATIONS_PER_DAY:
            raise Conflict(_("At most %(count)d invitations a day can be sent for an enterprise: try again tomorrow.")
                           % {"count": INVITATIONS_PER_DAY})
        replaced = list(_waiting(enterprise, now).filter(protected.matches("mobile", mobile)).values_list("pk", flat=True))
        Invitation.objects.filter(pk__in=replaced).update(revoked_at=now)
        invitation = Invitation.objects.create(
            enterprise=enterprise, mobile=mobile, role=role, token_hash=token_digest(token), invited_by=by,
            created_at=now, expires_at=now + datetime.timedelta(days=INVITATION_DAYS),
        )
        enterprises.record(enterprise, "invite", by, role=role, roster=roster,
                           data={"invitation": invitation.pk, "mobile": mask_mobile(mobile), "replaces": replaced})
        text = _("%(enterprise)s invites you to act for it as %(role)s on the one-stop government services portal. "
                 "Sign in and accept within %(days)d days: %(link)s") % {
            "enterprise": enterprise.name, "role": Role(role).label, "days": INVITATION_DAYS, "link": accept_url(token)}
        transaction.on_commit(lambda: sms.send_text(mobile, str(text)))
    return invitation


def _waiting(enterprise, now):
    return Invitation.objects.filter(enterprise=enterprise, accepted_at__isnull=True, revoked_at__isnull=True,
                                     expires_at__gt=now)


def waiting(enterprise):
    """The invitations of ``enterprise`` not yet accepted, revoked or expired, newest first."""
    return _waiting(enterprise, timezone.now()).select_related("invited_by")


def revoke(invitation, by) -> None:
    with transaction.atomic():
        roster = enterprises.roster_of(invitation.enterprise, lock=True)
        enterprises.managed_by(by, invitation.enterprise)
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.state(timezone.now()) != Invitation.State.PENDING:
            raise Conflict(_("This invitation is no longer waiting: it cannot be revoked."))
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        enterprises.record(locked.enterprise, "revoke_invitation", by, roster=roster, data={"invitation": locked.pk})


def by_token(token) -> Invitation:
    """The invitation the link's ``token`` opens (in any state), or ``NotFound``."""
    token = str(token or "")
    invitation = None
    if 16 <= len(token) <= 100:
        invitation = Invitation.objects.select_related("enterprise", "invited_by").filter(token_hash=token_digest(token)).first()
    if invitation is None:
        raise NotFound(_("No such invitation: check that the link was copied whole."))
    return invitation


def refusal(invitation, user, now=None):
    """Why ``user`` cannot accept ``invitation`` now (a ``Refused`` to raise), or None."""
    now = now or timezone.now()
    state = invitation.state(now)
    if state == Invitation.State.ACCEPTED:
        return Conflict(_("This invitation was accepted already, on %(date)s: it can be used only once.") % {
            "date": timezone.localtime(invitation.accepted_at).strftime("%Y-%m-%d %H:%M")})
    if state == Invitation.State.REVOKED:
        return Conflict(_("This invitation was revoked by the enterprise's administrator."))
    if state == Invitation.State.EXPIRED:
        return Conflict(_("This invitation expired on %(date)s: ask the enterprise's administrator for a new one.") % {
            "date": timezone.localtime(invitation.expires_at).strftime("%Y-%m-%d %H:%M")})
    invited = lookup.person_with_mobile(invitation.mobile)
    if invited is None or invited.user_id is None or invited.user_id != user.pk:
        return NotPermitted(_("This invitation was sent to %(mobile)s: sign in with the account whose mobile number it is.")
                            % {"mobile": mask_mobile(invitation.mobile)})
    return None


def accept(token, user) -> Invitation:
    """The invited person accepts: they become a member in the invitation's role. Once only."""
    if user is None or not user.is_authenticated:
        raise NotPermitted(_("Sign in to accept the invitation."))
    invitation = by_token(token)
    with transaction.atomic():
        roster = enterprises.roster_of(invitation.enterprise, lock=True)
        locked = Invitation.objects.select_for_update().select_related("enterprise").get(pk=invitation.pk)
        if (refused := refusal(locked, user)) is not None:
            raise refused
        locked.accepted_at, locked.accepted_by = timezone.now(), user
        locked.save(update_fields=["accepted_at", "accepted_by"])
        enterprises.join(locked.enterprise, user, locked.role, added_by=locked.invited_by, action="accept_invitation",
                         roster=roster, data={"invitation": locked.pk})
    return locked
