import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casefiles.directory import protected
from casefiles.directory.models import Department
from casefiles.journal.models import AppendOnly


class LicenseType(models.Model):
    """A kind of electronic license (证照类型), e.g. 营业执照 or 食品经营许可证.

    Guides name the license types that replace a material (免提交) and the type an item
    produces (ServiceItemPage.result_license_type); approving such a case issues one.
    """

    class Template(models.TextChoices):
        BUSINESS_LICENSE = "business_license", _("Business license (营业执照)")
        FOOD_BUSINESS = "food_business", _("Food business license (食品经营许可证)")
        CONSTRUCTION = "construction", _("Construction permit (建筑工程施工许可证)")
        PUBLIC_HEALTH = "public_health", _("Public health license (公共场所卫生许可证)")
        GENERIC = "generic", _("Generic certificate")

    code = models.CharField(_("license type code"), max_length=40, unique=True)
    name = models.CharField(pgettext_lazy("record field", "name"), max_length=100)
    issuing_department = models.ForeignKey(
        Department, verbose_name=_("issuing department"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="license_types",
    )
    validity_years = models.PositiveSmallIntegerField(
        _("validity in years"), null=True, blank=True, help_text=_("Empty: valid long-term (长期有效).")
    )
    template = models.CharField(_("certificate template"), max_length=20, choices=Template.choices, default=Template.GENERIC)
    data_fields = models.JSONField(
        _("data fields"), default=list, blank=True,
        help_text=_('What the license carries beyond holder and dates, e.g. [{"key": "scope", "label": "经营项目"}].'),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("license type")
        verbose_name_plural = _("license types")

    def __str__(self):
        return self.name


class SigningKey(models.Model):
    """A key an issuing department signs licenses with. Retired keys still verify old licenses."""

    key_id = models.CharField(max_length=32, unique=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="signing_keys")
    algorithm = models.CharField(max_length=20, default="Ed25519")
    public_key = models.TextField(help_text="Raw public key, base64url")
    private_key = models.TextField(help_text="PKCS#8 PEM, encrypted with the server's key password")
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["department", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["department"], condition=Q(retired_at__isnull=True), name="one_active_key_per_department")
        ]

    def __str__(self):
        return f"{self.department.code} {self.key_id}"


class License(protected.Protected, models.Model):
    """电子证照: one version of a license issued to an enterprise or a person.

    The holder's code (a person's identity number, or a USCC) is encrypted at rest and found by
    its digest (casefiles.directory.protected).
    """

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        SUSPENDED = "suspended", _("Suspended")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")
        SUPERSEDED = "superseded", _("Superseded by a newer version")

    class HolderCodeType(models.TextChoices):
        USCC = "001", _("Unified social credit code")
        RESIDENT_ID = "111", _("Resident identity number")

    identifier = models.CharField(_("license identifier"), max_length=120, unique=True)
    number = models.CharField(_("certificate number"), max_length=60)
    license_type = models.ForeignKey(LicenseType, verbose_name=_("license type"), on_delete=models.PROTECT, related_name="licenses")
    holder_name = models.CharField(_("holder"), max_length=200)
    holder_code = protected.EncryptedTextField(_("holder's code"), max_length=18)
    holder_code_hash = protected.DigestField(of="holder_code")
    holder_code_type = models.CharField(_("holder's code type"), max_length=3, choices=HolderCodeType.choices)
    enterprise = models.ForeignKey("casefiles.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="licenses")
    person = models.ForeignKey("casefiles.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="licenses")
    issuer = models.ForeignKey(Department, verbose_name=_("issuer"), on_delete=models.PROTECT, related_name="issued_licenses")
    issuer_name = models.CharField(_("issuer"), max_length=100)
    issuer_code = models.CharField(_("issuer's code"), max_length=18)
    issue_date = models.DateField(_("issued on"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True, help_text=_("Empty: long-term."))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.VALID, db_index=True)
    status_reason = models.CharField(_("reason"), max_length=300, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    source_case = models.ForeignKey("casefiles.CaseFile", null=True, blank=True, on_delete=models.PROTECT, related_name="licenses")
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_version")
    signing_key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="licenses")
    signature = models.CharField(max_length=200)
    pdf = models.FileField(upload_to="licenses/", blank=True, max_length=255)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The license's journal (LicenseEvent), as a case keeps its own (casefiles.journal.records).
    journal_head = models.CharField(max_length=64, blank=True, editable=False)
    journal_length = models.PositiveIntegerField(default=0, editable=False)
    journal_seal = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-issue_date", "-pk"]
        verbose_name = _("electronic license")
        verbose_name_plural = _("electronic licenses")
        indexes = [
            models.Index(fields=["license_type", "holder_code_hash", "status"], name="license_reuse"),
            models.Index(fields=["status", "valid_until"], name="license_expiry"),
        ]

    def __str__(self):
        return f"{self.license_type.name} {self.number}"


class LicenseUse(models.Model):
    """免提交: a license used in a later application in place of a material."""

    license = models.ForeignKey(License, on_delete=models.PROTECT, related_name="uses")
    case = models.ForeignKey("casefiles.CaseFile", on_delete=models.CASCADE, related_name="license_uses")
    requirement = models.ForeignKey("cms.MaterialRequirement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    requirement_name = models.CharField(max_length=200)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    used_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-used_at"]
        constraints = [models.UniqueConstraint(fields=["case", "requirement", "license"], name="one_use_per_requirement")]


class LicenseEvent(AppendOnly):
    """What happened to a license: its issue, then suspension, revocation, expiry …

    Append-only and chained by keyed hashes like the case journal (casefiles.journal.records); every
    event is written by ``casefiles.licenses.lifecycle.record_event``.
    """

    append_only = "The license journal is append-only."

    license = models.ForeignKey(License, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=12)
    to_status = models.CharField(max_length=12)
    reason = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["license", "sequence"]
        constraints = [models.UniqueConstraint(fields=["license", "sequence"], name="one_license_event_per_sequence")]


def new_share_token():
    return secrets.token_urlsafe(24)


class LicenseShare(models.Model):
    """亮证: a time-limited link the holder gives someone to show the license."""

    license = models.ForeignKey(License, on_delete=models.CASCADE, related_name="shares")
    token = models.CharField(max_length=64, unique=True, default=new_share_token)
    expires_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked = models.BooleanField(default=False)
