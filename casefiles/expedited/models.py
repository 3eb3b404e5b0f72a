"""告知承诺制's check after the approval (核查): an application approved on the applicant's
commitment is checked by its department within the item's time limit; a commitment found
untrue revokes the approval's license (casefiles.expedited.commitments)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PostApprovalCheck(models.Model):
    """One check of one approved case's commitment: open until a decider or acceptor of the
    department confirms it or finds the commitment false."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("post-approval check", "Open")
        CONFIRMED = "confirmed", _("Commitment confirmed")
        FALSE_COMMITMENT = "false_commitment", _("Commitment found false")

    case = models.OneToOneField("casefiles.CaseFile", verbose_name=_("case file"), on_delete=models.PROTECT,
                                related_name="post_approval_check")
    department = models.ForeignKey("casefiles.Department", verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="post_approval_checks")
    opened_at = models.DateTimeField(_("opened"))
    due = models.DateField(_("check due"), db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    finding = models.TextField(_("finding"), blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checked by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = _("post-approval check (核查)")
        verbose_name_plural = _("post-approval checks (核查)")
        indexes = [models.Index(fields=["department", "status", "due"], name="check_department_open")]

    def __str__(self):
        return f"{self.case.number} {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
