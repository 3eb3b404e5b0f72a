from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from cms.blocks import RICH

from .bundle import BundlePage
from .guide import ServiceItemPage
from .index import IndexPage
from .policy import PolicyPage


class DepartmentIndexPage(IndexPage):
    """部门: every department's own part of the site sits below this page."""

    subpage_types = ["cms.DepartmentPage"]
    listing_name = "department_pages"

    class Meta:
        verbose_name = _("department index")

    def listing(self, request):
        return DepartmentPage.objects.child_of(self).live().select_related("department").order_by("department__code")


class DepartmentPage(Page):
    """A department's home in the site. Its editors may work only below this page."""

    department = models.OneToOneField(
        "casefiles.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="page"
    )
    intro = RichTextField(_("introduction"), blank=True, features=RICH)
    address = models.CharField(_("address"), max_length=200, blank=True)
    hours = models.CharField(_("office hours"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("department"),
        FieldPanel("intro"),
        FieldPanel("address"),
        FieldPanel("hours"),
        FieldPanel("phone"),
    ]
    parent_page_types = ["cms.DepartmentIndexPage"]
    subpage_types = ["cms.ServiceItemPage", "cms.PolicyPage", "cms.BundlePage"]

    class Meta:
        verbose_name = _("department page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["guides"] = ServiceItemPage.objects.child_of(self).live().order_by("item_code")
        context["bundles"] = BundlePage.objects.child_of(self).live().order_by("bundle_code")
        context["policies"] = PolicyPage.objects.child_of(self).live().order_by("-publish_date")
        return context
