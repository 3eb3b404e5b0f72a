from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from casefiles.realname import levels
from cms import bundles
from cms.blocks import RICH, ProcessStepBlock, QuestionBlock

from .index import IndexPage
from .owned import DepartmentOwned, ServiceObject


class BundlePage(RoutablePageMixin, DepartmentOwned, Page):
    """一件事: several items applied for at once, with one form and one set of materials.

    It sits under its lead department's page; the combined material list and time limit
    are computed by ``cms.bundles`` from the items, never typed in twice.
    """

    bundle_code = models.CharField(_("bundle code"), max_length=64, unique=True)
    service_object = models.CharField(
        _("service object"), max_length=12, choices=ServiceObject.choices, default=ServiceObject.ENTERPRISE
    )
    summary = models.TextField(_("summary"), blank=True)
    conditions = RichTextField(_("conditions"), blank=True, features=RICH)
    process = StreamField([("step", ProcessStepBlock())], verbose_name=_("process"), blank=True)
    promised_days = models.PositiveSmallIntegerField(
        _("promised time limit (working days)"), null=True, blank=True,
        help_text=_("Empty: the longest promised limit of its items, since they are decided in parallel."),
    )
    faq = StreamField([("qa", QuestionBlock())], verbose_name=_("frequently asked questions"), blank=True)
    catalog_data = models.JSONField(_("other catalog data"), default=dict, blank=True)

    search_fields = Page.search_fields + [
        index.SearchField("bundle_code"),
        index.SearchField("summary"),
        index.FilterField("department"),
        index.FilterField("service_object"),
    ]
    content_panels = Page.content_panels + [
        FieldPanel("bundle_code"),
        FieldPanel("service_object"),
        FieldPanel("summary"),
        InlinePanel("bundle_items", label=_("Items, in order"), min_num=1),
        FieldPanel("conditions"),
        FieldPanel("process"),
        FieldPanel("promised_days"),
        FieldPanel("faq"),
    ]
    parent_page_types = ["cms.DepartmentPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("one-thing bundle")
        verbose_name_plural = _("one-thing bundles")

    @path("pdf/")
    def pdf(self, request):
        from cms.pdf import pdf_response  # loads WeasyPrint (half a second): at the first PDF, not at startup

        return pdf_response(self, request)

    @property
    def apply_url(self):
        """Where the apply button leads: one application for every item (None while any item
        cannot be applied for online, or before the case-file module offers applying)."""
        if not all(item.can_apply_online for item in self.items()):
            return None
        try:
            return reverse("casefiles:apply_bundle", args=[self.bundle_code])
        except NoReverseMatch:
            return None

    def items(self):
        return bundles.items(self)

    def combined_materials(self):
        return bundles.combined_materials(self)

    def combined_time_limit(self):
        return bundles.combined_time_limit(self)

    def real_name_need(self):
        """The highest real-name level its items need, and how to reach it (casefiles.realname)."""
        return levels.need(self)


class BundleItem(Orderable):
    bundle = ParentalKey(BundlePage, on_delete=models.CASCADE, related_name="bundle_items")
    item = models.ForeignKey("cms.ServiceItemPage", verbose_name=_("item"), on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("item")]

    class Meta(Orderable.Meta):
        verbose_name = _("bundle item")


class BundleIndexPage(IndexPage):
    """一件事一次办: every bundle, wherever its lead department keeps it."""

    listing_name = "bundles"

    class Meta:
        verbose_name = _("bundle index")

    def listing(self, request):
        return BundlePage.objects.live().public().order_by("bundle_code")
