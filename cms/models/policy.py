from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from casefiles.directory.models import Department, Enterprise
from cms import policies
from cms.blocks import RICH, AttachmentBlock

from .index import IndexPage
from .owned import DepartmentOwned


class Industry(models.Model):
    """An entry of GB/T 4754-2017 (国民经济行业分类): a section (门类, "C"), division (大类, "C13"),
    group (中类, "C131") or class (小类, "C1311"). A code's ancestors are its prefixes (``cms.industries``)."""

    code = models.CharField(_("code"), max_length=5, unique=True)
    name = models.CharField(pgettext_lazy("record field", "name"), max_length=60)
    parent = models.ForeignKey("self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.CASCADE,
                               related_name="children")

    class Meta:
        ordering = ["code"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def is_section(self) -> bool:
        return len(self.code) == 1


class EnterpriseScale(models.Model):
    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(pgettext_lazy("record field", "name"), max_length=20)

    class Meta:
        ordering = ["id"]
        verbose_name = _("enterprise scale")
        verbose_name_plural = _("enterprise scales")

    def __str__(self):
        return self.name


class PolicyPage(DepartmentOwned, Page):
    """惠企政策: a policy document for enterprises, with its interpretation."""

    class Category(models.TextChoices):
        SUBSIDY = "subsidy", _("Funding and subsidies (资金补贴)")
        TAX = "tax", _("Tax and fee relief (税费优惠)")
        FINANCE = "finance", _("Finance and credit (金融)")
        TALENT = "talent", _("Talent (人才)")
        LAND = "land", _("Land and premises (用地)")
        INNOVATION = "innovation", _("Innovation (科技创新)")
        MARKET = "market", _("Markets and trade (市场开拓)")
        EMPLOYMENT = "employment", _("Employment and social security (稳岗就业)")
        OTHER = "other", _("Other")

    document_number = models.CharField(_("document number (文号)"), max_length=100, blank=True)
    issuer = models.CharField(_("issuer"), max_length=200)
    publish_date = models.DateField(_("publication date"))
    effective_date = models.DateField(_("effective from"))
    expiry_date = models.DateField(_("valid until"), null=True, blank=True, help_text=_("Empty: no end date."))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, default=Category.SUBSIDY)
    region = models.CharField(_("region"), max_length=100, default="珠海市")
    free_to_enjoy = models.BooleanField(
        _("enjoyed without applying (免申即享)"), default=False,
        help_text=_("Enterprises that meet every condition from verified data are found by the system, which opens "
                    "a case for each; those who meet them only by what they declared are invited to apply."),
    )
    benefit = models.CharField(_("benefit"), max_length=200, blank=True,
                               help_text=_("What an eligible enterprise receives, in a line (e.g. 一次性补贴)."))
    benefit_amount = models.DecimalField(
        _("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True,
        help_text=_("The most an enterprise receives, where the policy states an amount."),
    )
    application_item = models.ForeignKey(
        "cms.ServiceItemPage", verbose_name=_("service item for the benefit"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
        help_text=_("Where the benefit is applied for (一键申报), and the item of the cases opened without "
                    "application (免申即享)."),
    )
    payout_days = models.PositiveSmallIntegerField(
        _("working days to pay out"), default=15,
        help_text=_("免申即享: from the enterprise's confirmation to the payout (兑现)."),
    )
    summary = models.TextField(_("summary"), blank=True)
    body = RichTextField(_("policy text"), blank=True, features=RICH + ["h2", "h3"])
    interpretation = RichTextField(_("interpretation (解读)"), blank=True, features=RICH + ["h2", "h3"])
    attachments = StreamField([("attachment", AttachmentBlock())], verbose_name=_("attachments"), blank=True)

    search_fields = Page.search_fields + [
        index.SearchField("document_number"),
        index.SearchField("issuer"),
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("interpretation"),
        index.FilterField("department"),
        index.FilterField("category"),
        index.FilterField("effective_date"),
        index.FilterField("expiry_date"),
    ]
    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("document_number"), FieldPanel("issuer")]),
                FieldRowPanel([FieldPanel("publish_date"), FieldPanel("effective_date"), FieldPanel("expiry_date")]),
            ],
            heading=pgettext_lazy("policy panel", "Document"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("category"),
                FieldPanel("region"),
                FieldRowPanel([FieldPanel("benefit"), FieldPanel("benefit_amount")]),
                FieldPanel("application_item"),
                FieldRowPanel([FieldPanel("free_to_enjoy"), FieldPanel("payout_days")]),
            ],
            heading=_("Who it is for"),
        ),
        InlinePanel(
            "conditions", heading=_("Eligibility conditions"), label=_("Condition"),
            help_text=_("Every kind of condition must be met; two conditions of the same kind are alternatives "
                        "(industry C or I65)."),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("interpretation"),
        FieldPanel("attachments"),
        InlinePanel("related_items", label=_("Related service items")),
    ]
    parent_page_types = ["cms.DepartmentPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("enterprise policy")
        verbose_name_plural = _("enterprise policies")

    def clean(self):
        super().clean()
        if self.expiry_date and self.effective_date and self.expiry_date < self.effective_date:
            raise ValidationError({"expiry_date": _("A policy cannot end before it takes effect.")})

    def is_in_force(self, on=None):
        return policies.is_in_force(self, on)

    @cached_property
    def condition_list(self) -> list:
        """Its eligibility conditions, in order: read once, or given in bulk with the policy
        (``casefiles.policies.calculator.with_conditions`` assigns it)."""
        return list(self.conditions.all())

    @property
    def industries(self) -> list:
        """The industries its conditions name (none: every industry)."""
        return [c.industry for c in self.condition_list if c.kind == PolicyCondition.Kind.INDUSTRY and c.industry]

    @property
    def industry_codes(self) -> list[str]:
        return [industry.code for industry in self.industries]

    @property
    def scale_codes(self) -> list[str]:
        return [c.scale for c in self.condition_list if c.kind == PolicyCondition.Kind.SCALE and c.scale]

    @property
    def scale_names(self) -> list[str]:
        names = dict(EnterpriseScale.objects.filter(code__in=self.scale_codes).values_list("code", "name"))
        return [names[code] for code in self.scale_codes if code in names]


class PolicyCondition(Orderable):
    """One eligibility condition of a policy (申报条件), and how it is checked."""

    class Kind(models.TextChoices):
        INDUSTRY = "industry", _("Industry (GB/T 4754)")
        SCALE = "scale", _("Enterprise scale")
        REGION = "region", _("Registered in the region")
        YEARS = "years", _("Years since establishment")
        CAPITAL = "capital", _("Registered capital (10,000 yuan)")
        EMPLOYEES = "employees", _("Number of employees")
        LICENSE = "license", _("Holds a valid license")
        QUALIFICATION = "qualification", _("Holds a qualification")
        CONCLUDED = "concluded", _("Has had a case of an item concluded")
        FREE = "free", _("Other condition, proven by a document")

    class Check(models.TextChoices):
        VERIFIED = "verified", _("From verified data (registry, licenses, cases)")
        DECLARED = "declared", _("From what the enterprise declared")
        PERSON = "person", pgettext_lazy("checked by", "Only by a person")

    # Which checks make sense for each kind: a license held or a concluded case is on record or not.
    CHECKS = {
        Kind.INDUSTRY: (Check.VERIFIED, Check.DECLARED, Check.PERSON),
        Kind.SCALE: (Check.VERIFIED, Check.DECLARED, Check.PERSON),
        Kind.REGION: (Check.VERIFIED, Check.PERSON),
        Kind.YEARS: (Check.VERIFIED, Check.DECLARED, Check.PERSON),
        Kind.CAPITAL: (Check.VERIFIED, Check.DECLARED, Check.PERSON),
        Kind.EMPLOYEES: (Check.DECLARED, Check.PERSON),
        Kind.LICENSE: (Check.VERIFIED, Check.PERSON),
        Kind.QUALIFICATION: (Check.VERIFIED, Check.DECLARED, Check.PERSON),
        Kind.CONCLUDED: (Check.VERIFIED,),
        Kind.FREE: (Check.PERSON,),
    }
    RANGED = (Kind.YEARS, Kind.CAPITAL, Kind.EMPLOYEES)

    policy = ParentalKey(PolicyPage, on_delete=models.CASCADE, related_name="conditions")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    checked_by = models.CharField(_("checked"), max_length=10, choices=Check.choices, default=Check.VERIFIED)
    industry = models.ForeignKey(Industry, verbose_name=_("industry"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", help_text=_("A section or division matches every class under it."))
    scale = models.CharField(_("scale"), max_length=10, blank=True, choices=Enterprise.Scale.choices)
    region_code = models.CharField(_("administrative division code"), max_length=6, blank=True,
                                   help_text=_("440400 Zhuhai; 440402 Xiangzhou district."))
    minimum = models.DecimalField(_("at least"), max_digits=14, decimal_places=2, null=True, blank=True)
    maximum = models.DecimalField(_("at most"), max_digits=14, decimal_places=2, null=True, blank=True)
    license_type = models.ForeignKey("casefiles.LicenseType", verbose_name=_("license type"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    qualification = models.ForeignKey("casefiles.Qualification", verbose_name=_("qualification"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey("cms.ServiceItemPage", verbose_name=_("item"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    text = models.CharField(_("condition"), max_length=300, blank=True,
                            help_text=_("Other condition: as the policy words it."))
    document = models.CharField(_("proven by"), max_length=200, blank=True,
                                help_text=_("The document that shows it (for a check by a person)."))

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("checked_by")]),
        FieldRowPanel([FieldPanel("industry"), FieldPanel("scale"), FieldPanel("region_code")]),
        FieldRowPanel([FieldPanel("minimum"), FieldPanel("maximum")]),
        FieldRowPanel([FieldPanel("license_type"), FieldPanel("qualification"), FieldPanel("item")]),
        FieldRowPanel([FieldPanel("text"), FieldPanel("document")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("eligibility condition")
        verbose_name_plural = _("eligibility conditions")

    def _bounds(self) -> str:
        lo, hi = self.minimum, self.maximum

        def shown(number):
            return f"{number.normalize():f}"

        if lo is not None and hi is not None:
            return _("%(low)s to %(high)s") % {"low": shown(lo), "high": shown(hi)}
        if lo is not None:
            return _("at least %(low)s") % {"low": shown(lo)}
        return _("at most %(high)s") % {"high": shown(hi)}

    def describe(self) -> str:
        """The condition as the policy states it."""
        kind = self.kind
        Kind = self.Kind
        if kind == Kind.INDUSTRY:
            return _("Industry: %(industry)s") % {"industry": self.industry}
        if kind == Kind.SCALE:
            return _("Scale: %(scale)s") % {"scale": self.get_scale_display()}
        if kind == Kind.REGION:
            return _("Registered in %(region)s") % {"region": self.region_code}
        if kind == Kind.YEARS:
            return _("Years since establishment: %(bounds)s") % {"bounds": self._bounds()}
        if kind == Kind.CAPITAL:
            return _("Registered capital (10,000 yuan): %(bounds)s") % {"bounds": self._bounds()}
        if kind == Kind.EMPLOYEES:
            return _("Employees: %(bounds)s") % {"bounds": self._bounds()}
        if kind == Kind.LICENSE:
            return _("Holds a valid %(license)s") % {"license": self.license_type.name}
        if kind == Kind.QUALIFICATION:
            return _("Recognised as %(qualification)s") % {"qualification": self.qualification.name}
        if kind == Kind.CONCLUDED:
            return _("Has had “%(item)s” concluded") % {"item": self.item.title}
        return self.text

    def clean(self):
        super().clean()
        needed = {
            self.Kind.INDUSTRY: ("industry",), self.Kind.SCALE: ("scale",), self.Kind.REGION: ("region_code",),
            self.Kind.LICENSE: ("license_type",), self.Kind.QUALIFICATION: ("qualification",),
            self.Kind.CONCLUDED: ("item",), self.Kind.FREE: ("text", "document"),
        }.get(self.kind, ())
        errors = {name: _("This kind of condition needs it.") for name in needed if not getattr(self, name)}
        if self.kind in self.RANGED:
            if self.minimum is None and self.maximum is None:
                errors["minimum"] = _("Give at least a lower or an upper bound.")
            elif self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
                errors["maximum"] = _("The upper bound is below the lower bound.")
        if self.kind in self.CHECKS and self.checked_by not in self.CHECKS[self.kind]:
            errors["checked_by"] = _("This kind of condition cannot be checked that way.")
        if self.region_code and not (self.region_code.isdigit() and len(self.region_code) == 6):
            errors["region_code"] = _("Six digits, as GB/T 2260 writes them.")
        if errors:
            raise ValidationError(errors)


class PolicyRelatedItem(Orderable):
    policy = ParentalKey(PolicyPage, on_delete=models.CASCADE, related_name="related_items")
    item = models.ForeignKey("cms.ServiceItemPage", verbose_name=_("item"), on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("item")]


class PolicyIndexPage(IndexPage):
    """惠企政策: every department's policies, filtered by industry, department, category and validity."""

    listing_name = "policies"
    per_page = 20

    class Meta:
        verbose_name = _("policy index")

    @staticmethod
    def chosen(request) -> dict:
        """The filters as the URL gives them, each cut to the length of a code."""
        params = request.GET
        return {
            "industry": params.get("industry", "")[:1],
            "department": params.get("department", "")[:32],
            "category": params.get("category", "")[:20],
            "scale": params.get("scale", "")[:10],
            "in_force": params.get("in_force") == "1",
        }

    def listing(self, request):
        return policies.in_force_first(policies.filter_policies(
            PolicyPage.objects.live().public().select_related("department"), **self.chosen(request)))

    def extra_context(self, request, listing) -> dict:
        return {
            "chosen": self.chosen(request),
            "industries": Industry.objects.filter(parent__isnull=True),
            "departments": Department.objects.filter(pk__in=PolicyPage.objects.live().values("department")),
            "categories": PolicyPage.Category.choices,
            "scales": EnterpriseScale.objects.all(),
        }
