from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError(self.model.append_only)

    def delete(self):
        raise ValidationError(self.model.append_only)


class AppendOnly(models.Model):
    """A journal's line: written once, never changed or removed — here, and by the database's
    triggers (migrations 0006 and 0015) for whoever bypasses the ORM."""

    append_only = "The journal is append-only."

    sequence = models.PositiveIntegerField()
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)
    # Which journal key sealed it (casefiles.journal.records.Key.id); blank: sealed before keys had ids.
    key_id = models.CharField(max_length=16, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(self.append_only)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(self.append_only)


class CaseEvent(AppendOnly):
    """日志: one line of a case's journal. Append-only, chained by keyed hashes (casefiles.journal.records)."""

    append_only = "The case journal is append-only."

    case = models.ForeignKey("casefiles.CaseFile", on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    on_behalf_of = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=40)
    from_state = models.CharField(_("from"), max_length=24, blank=True)
    to_state = models.CharField(_("to"), max_length=24, blank=True)
    comment = models.TextField(pgettext_lazy("record field", "comment"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["case", "sequence"]
        constraints = [models.UniqueConstraint(fields=["case", "sequence"], name="one_event_per_sequence")]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self):
        return f"{self.case_id}#{self.sequence} {self.action}"
