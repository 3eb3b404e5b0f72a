from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from cms.blocks import RICH


class IndexPage(Page):
    """What the section pages under the home page share: a title, an introduction, and one listing.

    A concrete index page names its listing (``listing_name``, the template's variable) and
    says what it lists in ``listing(request)``; with ``per_page`` set the listing is paged by
    ``?page=``. Anything else its template shows it adds in ``extra_context(request, listing)``.
    Each sits once under the home page; ``subpage_types`` says which pages, if any, live
    below it (most index pages list pages kept elsewhere, below their departments). The
    template is Wagtail's default for the class: ``cms/<name>_index_page.html``.
    """

    intro = RichTextField(_("introduction"), blank=True, features=RICH)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields
    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count = 1

    listing_name = "pages"
    per_page = None

    class Meta:
        abstract = True

    def listing(self, request):
        """What the page lists, in the order shown."""
        raise NotImplementedError

    def paginate(self, listing, request):
        return Paginator(listing, self.per_page).get_page(request.GET.get("page"))

    def extra_context(self, request, listing) -> dict:
        return {}

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        listing = self.listing(request)
        if self.per_page:
            listing = self.paginate(listing, request)
        context[self.listing_name] = listing
        context.update(self.extra_context(request, listing))
        return context
