"""The published part of the Zhuhai demo: guides and bundles, enterprise policies, topics.

The guides and bundles come from ``fixtures/demo_catalog.json`` through the same import a
department would use for its own catalog export; policies (``fixtures/demo_policies.json``)
and topics (the catalog's ``topics`` key, which the import ignores) are not part of the
catalog format and are loaded here. Everything is idempotent: a second run finds every page
by its code, document number or life event, and changes (and revises) nothing.
"""

import datetime
import json
from decimal import Decimal
from pathlib import Path

from django.utils.html import escape

from casefiles.directory.models import Department
from casefiles.licenses.models import LicenseType
from casefiles.policies.models import Qualification
from cms import catalog
from cms.models import BundlePage, Industry, PolicyPage, ServiceItemPage, TopicPage
from cms.sitetree import ensure_department_page, ensure_sections, home_page

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CATALOG_FILE = FIXTURES / "demo_catalog.json"
POLICIES_FILE = FIXTURES / "demo_policies.json"

HEADLINE = "珠海市一网通办 · 珠事通"
INTRO = (
    "<p>企业和群众办事“一网通办、一次办成”：查办事指南、办“一件事”、找惠企政策，"
    "在线申请、进度查询、电子证照一站完成。</p>"
)


class DemoContentError(RuntimeError):
    """The demo's own data did not load: a bug in the fixtures, never a user's mistake."""


def load_content(stdout=None) -> dict:
    """Import the demo catalog (published), then policies, topics and the home page's words."""
    ensure_sections()
    data = catalog.read_catalog(CATALOG_FILE)
    result = catalog.import_catalog(data)
    if result.failed:
        raise DemoContentError("; ".join(str(failure) for failure in result.failed))
    policies = load_policies(json.loads(POLICIES_FILE.read_text(encoding="utf-8"))["policies"])
    topics = load_topics(data.get("topics", []))
    welcome_home()
    counts = {
        "guides": len(data["items"]),
        "bundles": len(data["bundles"]),
        "policies": len(policies),
        "topics": len(topics),
    }
    if stdout is not None:
        stdout.write(
            "Demo content: {guides} guides, {bundles} bundles, {policies} policies, {topics} topics "
            "({changed} pages created or updated).".format(
                changed=sum(entry.kind in ("item", "bundle") for entry in result.created + result.updated)
                + sum(status != catalog.UNCHANGED for status in policies + topics),
                **counts,
            )
        )
    return counts


def _pages_by_code(codes) -> list:
    items = {page.item_code: page for page in ServiceItemPage.objects.filter(item_code__in=codes)}
    bundles = {page.bundle_code: page for page in BundlePage.objects.filter(bundle_code__in=codes)}
    found = {**items, **bundles}
    missing = [code for code in codes if code not in found]
    if missing:
        raise DemoContentError(f"unknown guide or bundle codes: {', '.join(missing)}")
    return [found[code] for code in codes]


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def _conditions(spec) -> list[dict]:
    """A policy's eligibility conditions as its spec writes them: ``conditions`` (kind, checked_by
    and the kind's value by code), and the shorthand ``industries`` and ``scales`` (verified)."""
    rows = [{"kind": "industry", "checked_by": "verified", "industry": Industry.objects.get(code=code)}
            for code in spec.get("industries", [])]
    rows += [{"kind": "scale", "checked_by": "verified", "scale": code} for code in spec.get("scales", [])]
    for entry in spec.get("conditions", []):
        row = {"kind": entry["kind"], "checked_by": entry.get("checked_by", "verified")}
        if entry.get("industry"):
            row["industry"] = Industry.objects.get(code=entry["industry"])
        if entry.get("license_type"):
            row["license_type"] = LicenseType.objects.get(code=entry["license_type"])
        if entry.get("qualification"):
            row["qualification"] = Qualification.objects.get(code=entry["qualification"])
        if entry.get("item"):
            row["item"] = _pages_by_code([entry["item"]])[0]
        for name in ("minimum", "maximum"):
            if entry.get(name) is not None:
                row[name] = Decimal(str(entry[name]))
        for name in ("scale", "region_code", "text", "document"):
            if entry.get(name):
                row[name] = entry[name]
        rows.append(row)
    return rows


def load_policies(specs) -> list[str]:
    """惠企政策, found again by their document number; returns each one's status."""
    statuses = []
    for spec in specs:
        department = Department.objects.get(code=spec["department"])
        values = {
            "title": spec["title"],
            "department": department,
            "issuer": spec["issuer"],
            "publish_date": _date(spec["publish_date"]),
            "effective_date": _date(spec["effective_date"]),
            "expiry_date": _date(spec.get("expiry_date")),
            "category": spec["category"],
            "region": spec.get("region", "珠海市"),
            "free_to_enjoy": spec["free_to_enjoy"],
            "summary": spec["summary"],
            "body": spec["body"],
            "interpretation": spec["interpretation"],
        }
        related = _pages_by_code(spec["related_items"])
        if spec.get("application_item"):
            values["application_item"] = _pages_by_code([spec["application_item"]])[0]
        for name in ("benefit", "payout_days"):
            if name in spec:
                values[name] = spec[name]
        if spec.get("benefit_amount") is not None:
            values["benefit_amount"] = Decimal(str(spec["benefit_amount"]))
        conditions = _conditions(spec)

        def build(page, values=values, conditions=conditions, related=related):
            changed = catalog.assign(page, values)
            changed = catalog.assign_rows(page, "conditions", conditions) or changed
            return catalog.assign_ordered_links(page, "related_items", "item", related) or changed

        statuses.append(
            catalog.save_page(
                PolicyPage, {"document_number": spec["document_number"]}, ensure_department_page(department),
                spec.get("slug") or spec["document_number"], build,
            )
        )
    return statuses


def load_topics(specs) -> list[str]:
    """主题服务: one page per life event under the topic index, listing guides and bundles by code."""
    index = ensure_sections()["TopicIndexPage"]
    statuses = []
    for spec in specs:
        values = {
            "title": spec["title"],
            "audience": spec["audience"],
            "intro": f"<p>{escape(spec['intro'])}</p>" if spec.get("intro") else "",
        }
        entries = _pages_by_code(spec["entries"])

        def build(page, values=values, entries=entries):
            changed = catalog.assign(page, values)
            return catalog.assign_ordered_links(page, "topic_items", "page", entries) or changed

        statuses.append(catalog.save_page(TopicPage, {"life_event": spec["life_event"]}, index, spec["slug"], build))
    return statuses


def welcome_home() -> bool:
    """Give the home page a headline and an introduction where it has none; True if it changed."""
    home = home_page()
    changed = False
    if not home.headline:
        home.headline = HEADLINE
        changed = True
    if not home.intro:
        home.intro = INTRO
        changed = True
    if changed:
        home.save_revision(log_action=True).publish()
    return changed
