"""Site navigation: the main sections, the breadcrumbs, and which section a page belongs to.

The sections are looked up once per request and kept on the request, so the header, the
footer and the home page share one query instead of one per link.
"""

from dataclasses import dataclass

from django import template
from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page, Site

from cms import models
from cms.sitetree import SECTIONS

register = template.Library()

# Guides, bundles and policies live under their department's page; visitors reach them
# through the index that aggregates them, so that is the section the header marks.
SECTION_OF = {
    "serviceitempage": "guideindexpage",
    "bundlepage": "bundleindexpage",
    "policypage": "policyindexpage",
    "departmentpage": "departmentindexpage",
    "topicpage": "topicindexpage",
}
_CACHE_ATTR = "_yiwang_sections"


@dataclass(frozen=True)
class SectionLink:
    page: Page
    title: str
    url: str
    model: str  # the index page's model name, lower case: "guideindexpage" …


def _site(request):
    site = Site.find_for_request(request) if request is not None else None
    return site or Site.objects.filter(is_default_site=True).first()


def sections(request) -> list[SectionLink]:
    """The index pages under the site's home page, in the order of ``cms.sitetree.SECTIONS``."""
    cached = getattr(request, _CACHE_ATTR, None) if request is not None else None
    if cached is not None:
        return cached
    found = []
    site = _site(request)
    if site is not None:
        section_models = [getattr(models, section.model) for section in SECTIONS]
        content_types = ContentType.objects.get_for_models(*section_models, for_concrete_models=False)
        order = {content_types[model].pk: position for position, model in enumerate(section_models)}
        pages = (
            Page.objects.filter(depth=site.root_page.depth + 1, path__startswith=site.root_page.path)
            .filter(content_type__in=order)
            .live()
            .public()
            .select_related("content_type")
        )
        for page in sorted(pages, key=lambda p: order[p.content_type_id]):
            url = page.get_url(request)
            if url:
                found.append(SectionLink(page=page, title=page.title, url=url, model=page.content_type.model))
    if request is not None:
        setattr(request, _CACHE_ATTR, found)
    return found


def current_section(page, links) -> str | None:
    """The model name of the section ``page`` belongs to, or None (the home page, other views)."""
    if page is None or not isinstance(page, Page):
        return None
    model = type(page)._meta.model_name  # Wagtail serves the specific page: no query needed
    if model in SECTION_OF:
        return SECTION_OF[model]
    for link in links:
        if page.path.startswith(link.page.path):
            return link.model
    return None


@register.simple_tag(takes_context=True)
def site_sections(context):
    """``{% site_sections as sections %}``: links with a ``current`` flag for the page shown."""
    request = context.get("request")
    links = sections(request)
    page = context.get("page")
    current = current_section(page, links)
    page_id = getattr(page, "pk", None)
    return [
        {"title": link.title, "url": link.url, "model": link.model, "current": link.model == current,
         "is_page": link.page.pk == page_id}
        for link in links
    ]


@register.simple_tag(takes_context=True)
def section_url(context, model_name):
    """The URL of one section by its model name (``"guideindexpage"``), or "" when it is missing."""
    for link in sections(context.get("request")):
        if link.model == model_name.lower():
            return link.url
    return ""


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    """The way down from the site's home page to the page shown, by the page tree."""
    request = context.get("request")
    page = context.get("page")
    crumbs = []
    if isinstance(page, Page) and page.depth:
        site = _site(request)
        root_depth = site.root_page.depth if site is not None else 2
        if page.depth > root_depth:
            for ancestor in page.get_ancestors().filter(depth__gte=root_depth):
                crumbs.append({"title": ancestor.title, "url": ancestor.get_url(request)})
            crumbs.append({"title": page.title, "url": None})
    return {"crumbs": crumbs}


@register.filter
def elided_pages(page_obj):
    """Page numbers around the current one, with … for the gaps (a long list stays short)."""
    return page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1)


@register.filter
def letter_anchor(letter):
    """The fragment id of an A–Z group; "#" (titles that start with a digit) becomes "other"."""
    return f"letter-{letter}" if letter.isalpha() else "letter-other"


@register.filter
def get_item(mapping, key):
    """``mapping|get_item:key`` — a dict lookup by a variable key, None when absent."""
    return mapping.get(key) if hasattr(mapping, "get") else None
