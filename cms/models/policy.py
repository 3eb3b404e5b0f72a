from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from casefiles.directory.models import Department
from cms import policies
from cms.blocks import RICH, AttachmentBlock

from .index import IndexPage
from .owned import DepartmentOwned


class Industry(models.Model):
    """An industry section of GB/T 4754-2017 (门类), for matching policies to enterprises."""

    code = models.CharField(_("code"), max_length=1, unique=True)
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["code"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self):
        return f"{self.code} {self.name}"


class EnterpriseScale(models.Model):
    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=20)

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
    industries = ParentalManyToManyField(Industry, verbose_name=_("industries"), blank=True)
    scales = ParentalManyToManyField(EnterpriseScale, verbose_name=_("enterprise scales"), blank=True)
    region = models.CharField(_("region"), max_length=100, default="珠海市")
    free_to_enjoy = models.BooleanField(
        _("enjoyed without applying (免申即享)"), default=False,
        help_text=_("Eligible enterprises receive it without applying."),
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
            heading=_("Document"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("category"),
                FieldPanel("industries", widget=forms.CheckboxSelectMultiple),
                FieldPanel("scales", widget=forms.CheckboxSelectMultiple),
                FieldPanel("region"),
                FieldPanel("free_to_enjoy"),
            ],
            heading=_("Who it is for"),
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
        return policies.filter_policies(
            PolicyPage.objects.live().public().select_related("department"), **self.chosen(request)
        ).order_by("-publish_date", "-pk")

    def extra_context(self, request, listing) -> dict:
        return {
            "chosen": self.chosen(request),
            "industries": Industry.objects.all(),
            "departments": Department.objects.filter(pk__in=PolicyPage.objects.live().values("department")),
            "categories": PolicyPage.Category.choices,
            "scales": EnterpriseScale.objects.all(),
        }
