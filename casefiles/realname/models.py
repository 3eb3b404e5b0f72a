"""实名认证: how sure Yiwang is that a person is who their account says, and what made it so.

A ``Verification`` is one fact — this person reached this level by this method, checked by this
clerk or asserted by this provider — kept until it is revoked. Each keeps its own journal
(``VerificationEvent``: verified, revoked), sealed like the case and license journals
(casefiles.journal.records, registered by casefiles.realname.levels).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casefiles.journal.models import AppendOnly


class Level(models.TextChoices):
    """The real-name levels, lowest first: the order is the ranking.

    A check in person ranks above the provincial unified identity's claim, as most provinces
    rank 线下核验 highest: a clerk here held the identity document and saw its holder, and the
    check is journaled where we can audit it; the provider's claim (however it verified —
    usually face recognition against the public-security photo) is an assertion we accept
    but cannot inspect.
    """

    REGISTERED = "registered", _("Real-name registration (实名注册)")
    IDENTITY_PROVIDER = "identity_provider", _("Real-name check by the provincial unified identity (统一身份认证)")
    IN_PERSON = "in_person", _("Real-name check in person (线下核验)")


RANK = {level: rank for rank, level in enumerate(Level.values)}


def highest(levels) -> str | None:
    """The highest of ``levels`` (None for none)."""
    return max((level for level in levels if level), key=RANK.__getitem__, default=None)


def new_reference() -> str:
    return f"RN{secrets.token_hex(8).upper()}"


class Verification(models.Model):
    """One real-name verification of a person; their level is the highest one not revoked."""

    class Method(models.TextChoices):
        MOBILE = "mobile", _("Identity number and a verified mobile number")
        OIDC = "oidc", _("Provincial unified identity (OpenID Connect)")
        WINDOW = "window", _("Identity document checked at a service window")

    # Names its journal (audit verify RN…): says nothing of the person.
    reference = models.CharField(_("reference"), max_length=24, unique=True, default=new_reference, editable=False)
    person = models.ForeignKey("casefiles.Person", on_delete=models.PROTECT, related_name="verifications",
                               verbose_name=_("person"))
    level = models.CharField(_("real-name level"), max_length=20, choices=Level.choices)
    method = models.CharField(_("method"), max_length=12, choices=Method.choices)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("verified by"))
    evidence = models.CharField(_("evidence"), max_length=300, blank=True,
                                help_text=_("The document checked, or the provider's issuer and subject."))
    created_at = models.DateTimeField(_("verified at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # Read by the journal's checks and checkpoints, as a case's and a license's status are.
    status = models.GeneratedField(
        expression=Case(When(revoked_at__isnull=True, then=Value("in_force")), default=Value("revoked")),
        output_field=models.CharField(max_length=8), db_persist=True,
    )
    journal_head = models.CharField(max_length=64, blank=True, editable=False)
    journal_length = models.PositiveIntegerField(default=0, editable=False)
    journal_seal = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["person", "-created_at"]
        constraints = [
            # Recording the same level by the same method again finds this one (levels.record).
            models.UniqueConstraint(fields=["person", "level", "method"], condition=Q(revoked_at__isnull=True),
                                    name="one_standing_verification_per_method"),
        ]
        verbose_name = _("real-name verification")
        verbose_name_plural = _("real-name verifications")

    def __str__(self):
        return f"{self.reference} {self.level}"


class VerificationEvent(AppendOnly):
    """What happened to a verification: made, then perhaps revoked. Append-only and chained by
    keyed hashes like the case journal; written by ``casefiles.realname.levels``."""

    append_only = "The real-name journal is append-only."

    verification = models.ForeignKey(Verification, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    data = models.JSONField(default=dict, blank=True)  # what was verified (person, level, method, evidence), or why revoked
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["verification", "sequence"]
        constraints = [models.UniqueConstraint(fields=["verification", "sequence"],
                                               name="one_verification_event_per_sequence")]
