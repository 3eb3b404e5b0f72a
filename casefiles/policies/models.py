"""惠企政策 and the enterprises they are for: qualifications held (资质: 高新技术企业, 专精特新 …),
what an enterprise declared of itself (一企一档's declared part), subscriptions and the pushes
they were sent, and the benefits given without application (免申即享). The policies and their
eligibility conditions are pages of the catalogue (``cms.models.policy``); the rules are in the
modules beside this one."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Source(models.TextChoices):
    """Where a fact of the enterprise's file comes from."""

    VERIFIED = "verified", _("Verified")  # recorded by a department, the registry or the system itself
    DECLARED = "declared", _("Declared by the enterprise")


class Qualification(models.Model):
    """A qualification an enterprise may be recognised with (资质认定), e.g. 高新技术企业."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(pgettext_lazy("record field", "name"), max_length=100)
    recognised_by = models.ForeignKey("casefiles.Department", verbose_name=_("recognised by"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["name"]
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")

    def __str__(self):
        return self.name


class QualificationHeld(models.Model):
    """An enterprise holds a qualification: recorded by the department that recognised it
    (verified), or declared by the enterprise (to be verified)."""

    enterprise = models.ForeignKey("casefiles.Enterprise", on_delete=models.CASCADE, related_name="qualifications")
    qualification = models.ForeignKey(Qualification, verbose_name=_("qualification"), on_delete=models.PROTECT,
                                      related_name="holders")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    certificate_number = models.CharField(_("certificate number"), max_length=60, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("qualification held")
        verbose_name_plural = _("qualifications held")
        constraints = [models.UniqueConstraint(fields=["enterprise", "qualification", "source"],
                                               name="qualification_held_once_per_source")]


class Declaration(models.Model):
    """What an enterprise says of itself (自主申报), for the conditions a policy lets it declare;
    every value is shown as declared, never as verified."""

    enterprise = models.OneToOneField("casefiles.Enterprise", on_delete=models.CASCADE, related_name="declaration")
    employees = models.PositiveIntegerField(_("number of employees"), null=True, blank=True)
    industry_code = models.CharField(_("industry code (GB/T 4754)"), max_length=5, blank=True)
    scale = models.CharField(_("scale"), max_length=10, blank=True,
                             choices=[("large", _("Large")), ("medium", _("Medium")), ("small", _("Small")),
                                      ("micro", _("Micro"))])
    established_on = models.DateField(_("established on"), null=True, blank=True)
    registered_capital = models.DecimalField(_("registered capital (10,000 yuan)"), max_digits=14, decimal_places=2,
                                             null=True, blank=True)
    annual_revenue = models.DecimalField(_("revenue last year (10,000 yuan)"), max_digits=14, decimal_places=2,
                                         null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")


class Subscription(models.Model):
    """政策订阅: a user asks to be told of policies by industry, category and region, or of
    whatever matches the enterprise they act for."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="policy_subscriptions")
    enterprise = models.ForeignKey("casefiles.Enterprise", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="+", help_text=_("Whose matches: for “whatever matches me”."))
    matches_me = models.BooleanField(_("whatever matches my enterprise"), default=False)
    industries = models.JSONField(_("industries"), default=list, blank=True)  # GB/T 4754 codes: any, or under one
    categories = models.JSONField(_("categories"), default=list, blank=True)  # PolicyPage.Category values
    region_code = models.CharField(_("region"), max_length=6, blank=True)
    by_email = models.BooleanField(_("by email"), default=True)
    by_sms = models.BooleanField(_("by SMS"), default=False)
    weekly_digest = models.BooleanField(_("weekly digest"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("policy subscription")
        verbose_name_plural = _("policy subscriptions")


class PolicyPush(models.Model):
    """A user was told of a policy's publication or change: once per (user, policy, revision)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    policy = models.ForeignKey("cms.PolicyPage", on_delete=models.CASCADE, related_name="+")
    revision_id = models.PositiveBigIntegerField()
    subscription = models.ForeignKey(Subscription, null=True, on_delete=models.SET_NULL, related_name="pushes")
    changed = models.BooleanField(default=False)  # a change of a policy pushed before, not its first publication
    emailed = models.BooleanField(default=False)
    texted = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "policy", "revision_id"], name="policy_push_once")]


class PolicyDigest(models.Model):
    """The weekly digest of a user's pushes: one per user and week (its Monday)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week = models.DateField()
    count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "week"], name="policy_digest_once_a_week")]


class Benefit(models.Model):
    """免申即享: a policy's benefit found for an enterprise by the system. Proven eligible by
    verified data: a case is opened (``offered``), the enterprise confirms or declines, the
    payout (兑现) is recorded. Eligible only by what it declared: it is invited to apply
    (``invited``), no case. One row per policy and enterprise, ever: never offered twice, a
    declined benefit never again."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited to apply")
        OFFERED = "offered", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed, awaiting payout")
        PAID = "paid", _("Paid out")
        DECLINED = "declined", pgettext_lazy("benefit", "Declined")

    OPEN = (Status.OFFERED, Status.CONFIRMED)

    policy = models.ForeignKey("cms.PolicyPage", verbose_name=_("policy"), on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey("casefiles.Enterprise", verbose_name=_("enterprise"), on_delete=models.PROTECT,
                                   related_name="benefits")
    case = models.OneToOneField("casefiles.CaseFile", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="benefit")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, db_index=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    reasons = models.JSONField(default=list)  # each condition met, and from what, when found
    found_at = models.DateTimeField(auto_now_add=True)
    confirm_by = models.DateField(_("confirm by"), null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    payout_due = models.DateField(_("payout due"), null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(_("reason"), max_length=300, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_amount = models.DecimalField(_("amount paid (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    payout_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    acted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")

    class Meta:
        ordering = ["-found_at", "-pk"]
        verbose_name = _("benefit without application")
        verbose_name_plural = _("benefits without application")
        constraints = [
            models.UniqueConstraint(fields=["policy", "enterprise"], name="benefit_once_per_enterprise"),
            models.CheckConstraint(condition=Q(status="invited") | Q(case__isnull=False), name="benefit_offered_has_case"),
        ]


class DailyPass(models.Model):
    """The day's pass of 免申即享 and the weekly digests ran (``hooks.daily``): once a day, however
    often the supervision pass runs."""

    day = models.DateField(unique=True)
    offered = models.PositiveIntegerField(default=0)
    invited = models.PositiveIntegerField(default=0)
    digests = models.PositiveIntegerField(default=0)
    done_at = models.DateTimeField(auto_now=True)
