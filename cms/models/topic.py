from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, PageChooserPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page

from cms.blocks import RICH

from .index import IndexPage


class LifeEvent(models.TextChoices):
    """主题: the moments of an enterprise's or a person's life that bring them to us."""

    # Enterprises
    STARTING = "starting", _("Starting a business (开办)")
    CHANGING = "changing", _("Making changes (变更)")
    OPERATING = "operating", _("Running the business (经营)")
    BUILDING = "building", _("Building and projects (投资建设)")
    HIRING = "hiring", _("Hiring and social insurance (用工)")
    CLOSING = "closing", _("Closing down (注销)")
    # Individuals
    EMPLOYMENT = "employment", _("Work and employment (就业)")
    FAMILY = "family", _("Marriage and children (婚育)")
    EDUCATION = "education", _("Education (教育)")
    HOUSING = "housing", _("Housing (住房)")
    HEALTH = "health", _("Health and medical insurance (医疗)")
    TRAVEL = "travel", _("Vehicles and travel (出行)")
    RETIREMENT = "retirement", _("Retirement and pensions (退休)")
    BEREAVEMENT = "bereavement", _("After a death (身后事)")


ENTERPRISE_EVENTS = {"starting", "changing", "operating", "building", "hiring", "closing"}


class TopicIndexPage(IndexPage):
    """主题服务: the life events, for enterprises and for individuals; each topic sits below this page."""

    subpage_types = ["cms.TopicPage"]
    listing_name = "topics"

    class Meta:
        verbose_name = _("topic index")

    def listing(self, request):
        return TopicPage.objects.child_of(self).live().order_by("path")

    def extra_context(self, request, topics) -> dict:
        return {
            "enterprise_topics": [t for t in topics if t.audience == "enterprise"],
            "person_topics": [t for t in topics if t.audience == "person"],
        }


class TopicPage(Page):
    """A life event: the guides and bundles an enterprise or a person needs at that moment."""

    class Audience(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprises")
        PERSON = "person", _("Individuals")

    audience = models.CharField(_("for"), max_length=12, choices=Audience.choices, default=Audience.ENTERPRISE)
    life_event = models.CharField(_("life event"), max_length=20, choices=LifeEvent.choices)
    intro = RichTextField(_("introduction"), blank=True, features=RICH)

    content_panels = Page.content_panels + [
        FieldPanel("audience"),
        FieldPanel("life_event"),
        FieldPanel("intro"),
        InlinePanel("topic_items", label=_("Guides and bundles")),
    ]
    parent_page_types = ["cms.TopicIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("topic")

    def clean(self):
        super().clean()
        if self.life_event and (self.life_event in ENTERPRISE_EVENTS) != (self.audience == self.Audience.ENTERPRISE):
            raise ValidationError({"life_event": _("This life event belongs to the other audience.")})

    def entries(self):
        """The live pages of this topic, in the editors' order."""
        return [entry.page.specific for entry in self.topic_items.select_related("page") if entry.page.live]


class TopicItem(Orderable):
    topic = ParentalKey(TopicPage, on_delete=models.CASCADE, related_name="topic_items")
    page = models.ForeignKey("wagtailcore.Page", verbose_name=_("guide or bundle"), on_delete=models.CASCADE, related_name="+")

    panels = [PageChooserPanel("page", page_type=["cms.ServiceItemPage", "cms.BundlePage"])]
