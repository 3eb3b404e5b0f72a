import os
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def material_path(material, filename):
    # Never the uploaded name: it is kept in original_name and shown, but not trusted on disk.
    # `filename` carries only the extension of the type detected from the content.
    extension = os.path.splitext(filename)[1].lower()
    return f"cases/{material.case.number}/materials/{uuid.uuid4().hex}{extension}"


class Material(models.Model):
    """材料: a file an applicant supplied for one requirement, or a promise to supply it later (容缺).

    A replacement is a new row with a higher version; earlier versions stay.
    """

    class Review(models.TextChoices):
        PENDING = "pending", _("Not reviewed")
        ACCEPTED = "accepted", pgettext_lazy("material review", "Accepted")
        REJECTED = "rejected", pgettext_lazy("material review", "Needs correction")

    case = models.ForeignKey("casefiles.CaseFile", on_delete=models.CASCADE, related_name="materials")
    requirement = models.ForeignKey(
        "cms.MaterialRequirement", verbose_name=_("requirement"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    requirement_name = models.CharField(_("material"), max_length=200)
    file = models.FileField(_("file"), upload_to=material_path, max_length=255, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    is_current = models.BooleanField(default=True)
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaced_by")
    extracted_text = models.TextField(_("extracted text"), blank=True)
    deferred = models.BooleanField(_("to be supplied later (容缺)"), default=False)
    commitment = models.TextField(_("commitment"), blank=True)
    review_state = models.CharField(_("review"), max_length=10, choices=Review.choices, default=Review.PENDING)
    review_reason = models.CharField(_("reason"), max_length=300, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["requirement_name", "-version"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        indexes = [models.Index(fields=["case", "is_current"])]

    def __str__(self):
        return f"{self.requirement_name} v{self.version}"
