from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from casefiles.cases import popular
from casefiles.directory.models import Department

from .bundle import BundlePage
from .department import DepartmentPage
from .guide import ServiceItemPage
from .topic import TopicPage


class HomePage(Page):
    """The portal's front page: one entrance to every department's services."""

    headline = models.CharField(_("headline"), max_length=120, blank=True)
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ol", "ul"])

    content_panels = Page.content_panels + [FieldPanel("headline"), FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.DepartmentIndexPage",
        "cms.GuideIndexPage",
        "cms.BundleIndexPage",
        "cms.PolicyIndexPage",
        "cms.TopicIndexPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["departments"] = Department.objects.filter(is_active=True, level=Department.Level.CITY)
        context["department_pages"] = {
            p.department_id: p for p in DepartmentPage.objects.live().public().descendant_of(self)
        }
        context["featured_bundles"] = BundlePage.objects.live().public().descendant_of(self).order_by("bundle_code")[:4]
        context["featured_guides"] = (
            ServiceItemPage.objects.live().public().descendant_of(self).select_related("department")
            .order_by("-last_published_at", "-pk")[:6]
        )
        # 高频服务: the most applied-for items; the newest guides while nothing was applied for yet
        context["frequent_items"] = popular.most_applied_for(limit=8) or list(context["featured_guides"])
        topics = TopicPage.objects.live().public().descendant_of(self).order_by("path")
        context["enterprise_topics"] = [t for t in topics if t.audience == TopicPage.Audience.ENTERPRISE]
        context["person_topics"] = [t for t in topics if t.audience == TopicPage.Audience.PERSON]
        return context
