"""The shape of the site: the index pages under the home page, and one page per department.

Every department's guides, policies and bundles live below its own page, so that Wagtail's
page permissions on that subtree are exactly that department's editing rights; the index
pages aggregate across departments by query.
"""

from dataclasses import dataclass

from django.db import transaction
from wagtail.models import Page, Site

from cms import models
from cms.editing import grant_department_editing
from cms.models import DepartmentPage, HomePage


@dataclass(frozen=True)
class Section:
    model: str
    slug: str
    title: str


SECTIONS = [
    Section("DepartmentIndexPage", "departments", "部门"),
    Section("GuideIndexPage", "guides", "办事指南"),
    Section("BundleIndexPage", "bundles", "一件事一次办"),
    Section("TopicIndexPage", "topics", "主题服务"),
    Section("PolicyIndexPage", "policies", "惠企政策"),
]


def home_page():
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None and isinstance(site.root_page.specific, HomePage):
        return site.root_page.specific
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = root.add_child(instance=HomePage(title="一网通办", slug="home"))
        Site.objects.update_or_create(
            is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "一网通办"}
        )
    return home


@transaction.atomic
def ensure_sections() -> dict:
    """The index pages under the home page, created when missing; returns them by model name."""
    home = home_page()
    found = {}
    for section in SECTIONS:
        model = getattr(models, section.model)
        page = model.objects.child_of(home).first()
        if page is None:
            page = home.add_child(instance=model(title=section.title, slug=section.slug))
        found[section.model] = page
    return found


@transaction.atomic
def ensure_department_page(department):
    """The department's own page (created, or renamed after its department), with its editing rights."""
    page = DepartmentPage.objects.filter(department=department).first()
    if page is None:
        index = ensure_sections()["DepartmentIndexPage"]
        page = index.add_child(
            instance=DepartmentPage(title=department.name, slug=department.code.lower(), department=department,
                                    phone=department.phone, address=department.address)
        )
    elif page.title != department.name:
        page.title = department.name
        page.draft_title = department.name
        page.save_revision().publish()
    grant_department_editing(department, page)
    return page
