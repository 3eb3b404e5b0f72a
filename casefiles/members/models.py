"""An enterprise's members (企业成员): who acts for it, in which role, and how they came to.

The enterprise's ``members_group`` (casefiles.directory) stays what grants reach: a case granted
to the group reaches every member. A ``Membership`` says in which role a member acts; it and the
group change together, in one transaction, in ``casefiles.members.enterprises``. A user put into
the group some other way (staff in the admin, ``Enterprise.add_member``) is a handler.

Each enterprise's changes of members are journaled in its ``Roster``'s journal (``MemberEvent``,
sealed and checked like a case's: casefiles.journal.records).
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casefiles.directory import protected
from casefiles.journal.models import AppendOnly


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", pgettext_lazy("enterprise member", "Administrator (管理员)")
    HANDLER = "handler", pgettext_lazy("enterprise member", "Handler (经办人)")


class Membership(models.Model):
    """A user acting for an enterprise, in a role."""

    enterprise = models.ForeignKey("casefiles.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE,
                                   related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="enterprise_memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.HANDLER)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("member since"), auto_now_add=True)

    class Meta:
        ordering = ["enterprise", "created_at", "pk"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["enterprise", "user"], name="one_membership_per_enterprise_user")]

    def __str__(self):
        return f"{self.enterprise_id}:{self.user_id} {self.role}"


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What is stored of an invitation's token: only the SMS carries the token itself."""
    return hashlib.sha256(str(token).encode()).hexdigest()


class Invitation(protected.Protected, models.Model):
    """An administrator's invitation, sent by SMS to a mobile number, to act for the enterprise.
    The mobile number is encrypted at rest, found by its digest (casefiles.directory.protected).

    Used once: accepted (``accepted_at``), revoked, or expired, it opens nothing more.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for acceptance")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    enterprise = models.ForeignKey("casefiles.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE,
                                   related_name="invitations")
    mobile = protected.EncryptedTextField(_("mobile phone"), max_length=20)
    mobile_hash = protected.DigestField(of="mobile")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.HANDLER)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("invited by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(pgettext_lazy("record field", "sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("accepted by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [models.Index(fields=["enterprise", "created_at"], name="invitation_by_enterprise")]

    def __str__(self):
        return f"{self.enterprise_id} → {self.mobile[:3]}…"

    def state(self, now) -> str:
        if self.accepted_at is not None:
            return self.State.ACCEPTED
        if self.revoked_at is not None:
            return self.State.REVOKED
        if now >= self.expires_at:
            return self.State.EXPIRED
        return self.State.PENDING


class JoinRequest(models.Model):
    """Someone who registered an enterprise that was registered already asks to act for it.

    ``join``: the enterprise has administrators, who approve or decline. ``claim``: it has none
    (staff registered it): the window (综合窗口) decides after checking in person
    (docs/enterprises.md says why).
    """

    class Kind(models.TextChoices):
        JOIN = "join", _("Request to join")
        CLAIM = "claim", _("Claim to administer")

    class Outcome(models.TextChoices):
        PENDING = "", _("Pending")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    enterprise = models.ForeignKey("casefiles.Enterprise", verbose_name=_("enterprise"), on_delete=models.CASCADE,
                                   related_name="join_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("record field", "requested by"), on_delete=models.CASCADE,
                             related_name="enterprise_join_requests")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.JOIN)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING, blank=True)
    role = models.CharField(_("role given"), max_length=16, choices=Role.choices, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("request to join an enterprise")
        verbose_name_plural = _("requests to join an enterprise")
        constraints = [models.UniqueConstraint(fields=["enterprise", "user"], condition=Q(outcome=""),
                                               name="one_pending_join_request")]

    def __str__(self):
        return f"{self.enterprise_id}:{self.user_id} {self.kind} {self.outcome or 'pending'}"

    @property
    def pending(self) -> bool:
        return self.outcome == self.Outcome.PENDING


class Roster(models.Model):
    """成员名册: the owner of an enterprise's members journal (its head, length and seal)."""

    enterprise = models.OneToOneField("casefiles.Enterprise", on_delete=models.CASCADE, related_name="roster")
    # The journal's label: sealed into every event, so it must never change (a USCC does not).
    uscc = models.CharField(max_length=18, unique=True, editable=False)
    journal_head = models.CharField(max_length=64, blank=True, editable=False)
    journal_length = models.PositiveIntegerField(default=0, editable=False)
    journal_seal = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("members roster")
        verbose_name_plural = _("members rosters")

    def __str__(self):
        return self.uscc


class MemberEvent(AppendOnly):
    """One line of an enterprise's members journal: registered, invited, joined, role changed,
    removed, request decided. Written by casefiles.members.enterprises.record only."""

    append_only = "The members journal is append-only."

    roster = models.ForeignKey(Roster, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=24)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=16, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["roster", "sequence"]
        constraints = [models.UniqueConstraint(fields=["roster", "sequence"], name="one_member_event_per_sequence")]

    def __str__(self):
        return f"{self.roster_id}#{self.sequence} {self.action}"
