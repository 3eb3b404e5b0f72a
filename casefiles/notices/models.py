import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from casefiles.directory import protected


def notice_path(notice, filename):
    # Unguessable: files are only ever served through permission-checked views, and this
    # keeps a misconfigured web server from handing them out by number.
    return f"cases/{notice.case.number}/notices/{uuid.uuid4().hex}.pdf"


class Notice(models.Model):
    """文书: a document the law wants the applicant to receive. Issued once, never changed (its
    PDF is added once, by ``casefiles.notices.documents.ensure_rendered``)."""

    class Kind(models.TextChoices):
        ACCEPTANCE = "acceptance", _("Notice of acceptance (受理通知书)")
        DEFERRED_ACCEPTANCE = "deferred_acceptance", _("Notice of tolerant acceptance (容缺受理通知书)")
        CORRECTION = "correction", _("One-time correction notice (补正告知书)")
        NON_ACCEPTANCE = "non_acceptance", _("Decision not to accept (不予受理决定书)")
        APPROVAL = "approval", _("Decision to grant (准予许可决定书)")
        DENIAL = "denial", _("Decision to deny (不予许可决定书)")
        # 告知承诺制: a commitment found false after the approval (casefiles.expedited.commitments).
        REVOCATION = "revocation", _("Decision to revoke the license (撤销行政许可决定书)")
        # 免申即享: a case the system opened for an enterprise proven eligible (casefiles.policies.benefits).
        BENEFIT_OFFER = "benefit_offer", _("Notice of a benefit without application (免申即享告知书)")

    case = models.ForeignKey("casefiles.CaseFile", on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    number = models.CharField(_("document number"), max_length=60, unique=True)
    # What the notice says is fixed when it is issued (content, number, and their sha256); the
    # PDF is rendered from them after the transition commits, once (casefiles.notices.documents).
    pdf = models.FileField(_("PDF"), upload_to=notice_path, max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of what the notice says (casefiles.notices.documents.digest)")
    pdf_sha256 = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the PDF, once rendered")
    # Encrypted at rest: it names the applicant with their identity number (casefiles.directory.protected).
    content = protected.EncryptedJSONField(_("content"), default=dict)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["issued_at", "pk"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("An issued notice cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("An issued notice cannot be deleted."))
