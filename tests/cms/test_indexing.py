"""Guides, bundles and policies as documents: their text, and who may see them."""

import datetime

from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from search import documents as registry
from search import trimming
from tests.search.conftest import add_guide, market  # noqa: F401  (the search tests' department and guides)


def document_of(page):
    return registry.provider({"serviceitempage": "guide", "bundlepage": "bundle", "policypage": "policy"}[
        page._meta.model_name]).document(page)


def department_groups(department, *roles):
    return {trimming.group_principal(department.group(role).pk) for role in roles}


def page_staff(department):
    """The department's editors and reviewers, and the central reviewers who approve every department's pages."""
    from cms.editing import central_reviewer_group

    return department_groups(department, "editor", "reviewer") | {trimming.group_principal(central_reviewer_group().pk)}


def test_a_published_guide_is_public_and_carries_its_catalogue_text(market):
    from cms.models import MaterialRequirement

    guide = add_guide(market, "SCJGJ-001", "食品经营许可（新办）", summary="从事食品销售和餐饮服务。")
    MaterialRequirement.objects.create(page=guide, name="食品安全管理制度", notes="加盖公章")
    document = document_of(guide)
    assert document.kind == "guide" and document.code == "SCJGJ-001" and document.status == "live"
    assert "从事食品销售" in document.body and "食品安全管理制度" in document.body
    assert document.department == "SCJGJ"
    assert document.url == guide.url
    assert trimming.PUBLIC in document.access
    assert trimming.oversight_principals()[0] in document.access
    assert page_staff(market) <= set(document.access)
    assert document.facets["service_object"] == ["enterprise"]


def test_a_draft_is_seen_only_by_its_departments_editors_reviewers_and_oversight(market):
    guide = add_guide(market, "SCJGJ-002", "食品生产许可（草稿）", publish=False)
    document = document_of(guide)
    assert document.status == "draft"
    assert trimming.PUBLIC not in document.access
    assert set(document.access) == page_staff(market) | set(trimming.oversight_principals())
    assert "/admin/pages/" in document.url


def test_a_never_published_page_is_indexed_as_its_latest_draft(market):
    guide = add_guide(market, "SCJGJ-003", "初稿标题", publish=False)
    guide.title = "修改后的标题"
    guide.save_revision()
    assert document_of(guide).title == "修改后的标题"


def test_view_restrictions_decide_who_else_sees_a_live_page(market):
    guide = add_guide(market, "SCJGJ-004", "内部指南")
    restriction = PageViewRestriction.objects.create(page=guide, restriction_type=PageViewRestriction.LOGIN)
    assert trimming.AUTHENTICATED in document_of(guide).access and trimming.PUBLIC not in document_of(guide).access
    restriction.restriction_type = PageViewRestriction.GROUPS
    restriction.save()
    insiders = Group.objects.create(name="内部人员")
    restriction.groups.add(insiders)
    access = document_of(guide).access
    assert trimming.group_principal(insiders.pk) in access and trimming.AUTHENTICATED not in access
    restriction.restriction_type = PageViewRestriction.PASSWORD
    restriction.password = "secret"
    restriction.save()
    access = set(document_of(guide).access)
    assert access == page_staff(market) | set(trimming.oversight_principals())


def test_a_bundle_lists_its_items(market):
    from cms.models import BundleItem, BundlePage

    guide = add_guide(market, "SCJGJ-005", "食品经营许可")
    bundle = market.page.add_child(instance=BundlePage(title="我要开餐馆", slug="kcg", bundle_code="ZH-YJS-KCG",
                                                       department=market, summary="一次办好开餐馆的许可。"))
    BundleItem.objects.create(bundle=bundle, item=guide)
    bundle.save_revision().publish()
    document = document_of(BundlePage.objects.get(pk=bundle.pk))
    assert document.kind == "bundle" and document.code == "ZH-YJS-KCG"
    assert "食品经营许可" in document.body


def test_a_policy_is_filed_under_its_publication_date(market):
    from cms.models import PolicyPage

    policy = market.page.add_child(instance=PolicyPage(
        title="珠海市支持个体工商户转型升级为企业若干措施", slug="p1", document_number="珠市监规〔2024〕4号",
        issuer="珠海市市场监督管理局", publish_date=datetime.date(2024, 5, 6), effective_date=datetime.date(2024, 6, 1),
        department=market, summary="个转企奖励。", body="<p>给予一次性<b>奖励</b>。</p>",
    ))
    policy.save_revision().publish()
    document = document_of(PolicyPage.objects.get(pk=policy.pk))
    assert document.code == "珠市监规〔2024〕4号"
    assert document.date == datetime.date(2024, 5, 6)
    assert "给予一次性奖励" in document.body and "<b>" not in document.body


def test_a_guide_says_what_it_issues_its_result_and_license_type(market):
    from casefiles.licenses.models import LicenseType

    food = LicenseType.objects.create(code="11100000MB0143028X041", name="食品经营许可证", issuing_department=market,
                                      validity_years=5)
    guide = add_guide(market, "SCJGJ-004", "食品经营许可（新办）", result_name="食品经营许可证（正副本）",
                      result_license_type=food)
    assert sorted(document_of(guide).facets["issues"]) == ["食品经营许可证", "食品经营许可证（正副本）"]
    plain = add_guide(market, "SCJGJ-005", "咨询服务")
    assert document_of(plain).facets["issues"] == []
