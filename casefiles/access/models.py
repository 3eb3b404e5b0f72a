import os
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def authorisation_path(authorisation, filename):
    # Never the uploaded name (kept in document_name); only the extension of the detected type.
    extension = os.path.splitext(filename)[1].lower()
    return f"cases/{authorisation.case.number}/authorisations/{uuid.uuid4().hex}{extension}"


class Authorisation(models.Model):
    """帮办代办: an applicant lets an agent act on one case (a bundle: with its children) for a
    limited time, on the strength of a signed authorisation (授权委托书).

    The agent's access is a ``CaseGrant`` with reason ``agent`` (casefiles.agents.authorisations makes and
    removes it); this row says who allowed it, until when, and what for. The authorisation is
    in force from ``valid_from`` until ``valid_until`` unless revoked or ended by expiry.
    """

    class Kind(models.TextChoices):
        HELPER = "helper", _("Service-centre helper (帮办员)")
        REGISTERED = "registered", _("Registered agent (代办人)")

    class Scope(models.TextChoices):
        PREPARE = "prepare", _("Fill in the application; the applicant submits")
        SUBMIT = "submit", _("Fill in, submit and answer corrections")

    class State(models.TextChoices):
        PENDING = "pending", _("Not yet in force")
        ACTIVE = "active", _("In force")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    case = models.ForeignKey("casefiles.CaseFile", verbose_name=_("case file"), on_delete=models.CASCADE,
                             related_name="authorisations")
    enterprise = models.ForeignKey("casefiles.Enterprise", verbose_name=_("enterprise"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("casefiles.Person", verbose_name=_("person"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.PROTECT,
                              related_name="agent_authorisations")
    kind = models.CharField(_("kind of agent"), max_length=12, choices=Kind.choices, default=Kind.HELPER)
    scope = models.CharField(_("scope"), max_length=12, choices=Scope.choices, default=Scope.SUBMIT)
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("authorised by"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(pgettext_lazy("record field", "created"), auto_now_add=True)

    document = models.FileField(_("signed authorisation"), upload_to=authorisation_path, max_length=255)
    document_name = models.CharField(_("file name"), max_length=255)
    document_sha256 = models.CharField(max_length=64)
    document_size = models.PositiveBigIntegerField(_("size"), default=0)
    document_type = models.CharField(_("type"), max_length=100)

    revoked_at = models.DateTimeField(_("ended"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("revoked by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    expired = models.BooleanField(_("ended by expiry"), default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("authorisation of an agent")
        verbose_name_plural = _("authorisations of agents")
        constraints = [
            models.CheckConstraint(
                condition=(Q(enterprise__isnull=False, person__isnull=True) | Q(enterprise__isnull=True, person__isnull=False)),
                name="authorisation_has_exactly_one_applicant",
            ),
            models.CheckConstraint(condition=Q(valid_until__gt=models.F("valid_from")), name="authorisation_ends_after_start"),
        ]
        indexes = [
            # What a user may do as an agent (every permission check that guardian answers yes).
            models.Index(fields=["agent", "case"], condition=Q(revoked_at__isnull=True), name="authorisation_open_by_agent"),
            # The tick's look for authorisations that ran out.
            models.Index(fields=["valid_until"], condition=Q(revoked_at__isnull=True), name="authorisation_open_until"),
        ]

    def __str__(self):
        return f"{self.case.number} → {self.agent}"

    @property
    def applicant(self):
        return self.enterprise or self.person

    def state(self, now=None) -> str:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return self.State.EXPIRED if self.expired else self.State.REVOKED
        if now >= self.valid_until:
            return self.State.EXPIRED
        if now < self.valid_from:
            return self.State.PENDING
        return self.State.ACTIVE

    def in_force(self, now=None) -> bool:
        return self.state(now) == self.State.ACTIVE

    def get_state_display(self):
        return self.State(self.state()).label
