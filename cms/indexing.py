"""What the one search knows of the published catalogue: guides (办事指南), bundles (一件事),
policies (惠企政策), registered from ``CmsConfig.ready()`` (``register_kinds``).

Who sees a page's document:

- live, and no view restriction on it or above it: ``public``;
- live behind a Wagtail view restriction: ``authenticated`` (login), the restriction's groups
  (groups), nobody extra (shared password: such a page is found only by its staff);
- always: the editor and reviewer groups of the page's department and the central reviewers
  (so that the workbench finds drafts and pages awaiting review), and the oversight principal.

A never-published page is indexed as its latest draft; a live page as what the public reads.
"""

from html import unescape

from django.contrib.auth.models import Group
from django.urls import NoReverseMatch, reverse
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail.models import PageViewRestriction

from casefiles.directory.models import DepartmentRole
from cms.editing import CENTRAL_REVIEWER
from cms.models import BundlePage, PolicyPage, ServiceItemPage
from search import trimming
from search.documents import Provider, SearchDocument, register


def plain(html: str) -> str:
    return " ".join(unescape(strip_tags(html or "")).split())


def stream_text(value) -> str:
    if not value:
        return ""
    try:
        return " ".join(str(part) for part in value.stream_block.get_searchable_content(value) if part)
    except AttributeError:
        return ""


def _join(*parts) -> str:
    return "\n".join(part for part in parts if part)


def _department_principals(department) -> list[str]:
    roles = DepartmentRole.objects.filter(department=department, role__in=["editor", "reviewer"])
    groups = list(roles.values_list("group_id", flat=True))
    groups += list(Group.objects.filter(name=CENTRAL_REVIEWER).values_list("pk", flat=True))
    return [trimming.group_principal(pk) for pk in groups]


def _restriction_principals(page) -> list[str] | None:
    """None when nothing restricts viewing; otherwise who the restrictions let in (all must agree)."""
    restrictions = PageViewRestriction.objects.filter(page__in=page.get_ancestors(inclusive=True))
    restrictions = [r for r in restrictions.prefetch_related("groups") if r.restriction_type != PageViewRestriction.NONE]
    if not restrictions:
        return None
    allowed = None
    for restriction in restrictions:
        if restriction.restriction_type == PageViewRestriction.LOGIN:
            admitted = {trimming.AUTHENTICATED}
        elif restriction.restriction_type == PageViewRestriction.GROUPS:
            admitted = {trimming.group_principal(group.pk) for group in restriction.groups.all()}
        else:  # a shared password is not a principal: only staff find the page
            admitted = set()
        if allowed is None:
            allowed = admitted
        elif trimming.AUTHENTICATED in allowed:
            allowed = admitted  # narrower restrictions below a login-only one decide
        elif trimming.AUTHENTICATED not in admitted:
            allowed &= admitted
    return sorted(allowed or [])


class PageProvider(Provider):
    """A Wagtail page type that belongs to a department."""

    statuses = {"live": _("Published"), "draft": _("Draft")}

    def queryset(self):
        return self.model.objects.select_related("department")

    def document(self, page) -> SearchDocument | None:
        live_page = page
        if not page.live:
            revision_page = page.get_latest_revision_as_object()
            page = revision_page if revision_page is not None else page
        access = _department_principals(live_page.department) + self.oversight()
        if live_page.live:
            restricted = _restriction_principals(live_page)
            access += [trimming.PUBLIC] if restricted is None else restricted
        return SearchDocument(
            kind=self.kind,
            object_id=str(live_page.pk),
            code=self.code(page),
            title=page.title,
            body=self.body(page),
            department=live_page.department.code,
            status="live" if live_page.live else "draft",
            date=live_page.last_published_at or live_page.latest_revision_created_at or live_page.first_published_at,
            url=self.url(live_page),
            facets=self.facets(page),
            access=access,
        )

    def code(self, page) -> str:
        return ""

    def body(self, page) -> str:
        return page.search_description or ""

    def facets(self, page) -> dict:
        return {}

    def url(self, page) -> str:
        if page.live:
            return page.get_url() or ""
        try:
            return reverse("wagtailadmin_pages:edit", args=[page.pk])
        except NoReverseMatch:
            return ""


def _issues(page) -> list[str]:
    license_type = page.result_license_type
    names = [page.result_name, license_type.name if license_type is not None else ""]
    return list(dict.fromkeys(name.strip() for name in names if name and name.strip()))


def _service_objects(value) -> list[str]:
    return ["enterprise", "person"] if value == "both" else [value]


class GuideProvider(PageProvider):
    label = _("Service guides")
    priority = 3
    model = ServiceItemPage

    def queryset(self):
        return super().queryset().select_related("result_license_type")

    def code(self, page):
        return page.item_code

    def body(self, page):
        materials = [
            _join(requirement.name, requirement.notes) for requirement in page.material_requirements.all()
        ]
        return _join(
            page.summary,
            plain(page.conditions),
            "\n".join(materials),
            stream_text(page.process),
            *_issues(page),  # the result and the license type it issues: a query naming them finds the item
            page.place,
            stream_text(page.legal_basis),
            stream_text(page.faq),
            page.search_description,
        )

    def facets(self, page):
        return {
            "service_object": _service_objects(page.service_object),
            "item_type": [page.item_type],
            "online": ["yes" if page.can_apply_online else "no"],
            # What the item issues (营业执照, 食品经营许可证): a query naming it ranks the item first.
            "issues": _issues(page),
        }


class BundleProvider(PageProvider):
    label = _("One-thing bundles")
    priority = 3
    model = BundlePage

    def code(self, page):
        return page.bundle_code

    def body(self, page):
        items = [link.item.title for link in page.bundle_items.select_related("item") if link.item_id]
        return _join(
            page.summary, "、".join(items), plain(page.conditions), stream_text(page.process), stream_text(page.faq),
            page.search_description,
        )

    def facets(self, page):
        return {"service_object": _service_objects(page.service_object)}


class PolicyProvider(PageProvider):
    label = _("Enterprise policies")
    priority = 2
    model = PolicyPage

    def code(self, page):
        return page.document_number

    def body(self, page):
        return _join(page.issuer, page.summary, plain(page.body), plain(page.interpretation), page.search_description)

    def facets(self, page):
        return {
            "service_object": ["enterprise"],
            "category": [page.category],
            "industry": sorted({code[:1] for code in page.industry_codes}),
            "free_to_enjoy": ["yes" if page.free_to_enjoy else "no"],
        }

    def document(self, page):
        document = super().document(page)
        if document is not None and page.publish_date:
            document.date = page.publish_date  # a policy is filed under the date it was issued
        return document


def register_kinds() -> None:
    register("guide", GuideProvider())
    register("bundle", BundleProvider())
    register("policy", PolicyProvider())
