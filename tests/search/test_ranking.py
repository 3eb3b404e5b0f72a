"""Ranking on the published catalogue: what a record issues, abbreviations, the thesaurus."""


from search import service
from tests.search.conftest import add_guide, market  # noqa: F401


def public_titles(text):
    results = service.search(text, kinds=("guide", "bundle", "policy"), scope={"status": ["live"]}, count=False)
    return [hit.title for hit in results.hits]


def test_a_license_named_finds_the_guide_that_issues_it_first(market, committed):
    from casefiles.licenses.models import LicenseType

    food = LicenseType.objects.create(code="11100000MB0143028X041", name="食品经营许可证", issuing_department=market,
                                      validity_years=5)
    with committed():
        add_guide(market, "SCJGJ-001", "社会保险登记（单位参保登记）",
                  summary="材料：营业执照副本。营业执照的统一社会信用代码，食品经营许可证（餐饮单位）。")
        add_guide(market, "SCJGJ-002", "企业设立登记", summary="设立公司。", result_name="营业执照")
        add_guide(market, "SCJGJ-003", "食品经营许可（新办）", summary="从事食品销售。", result_license_type=food)
    assert public_titles("营业执照")[0] == "企业设立登记"
    assert public_titles("食品经营许可证")[0] == "食品经营许可（新办）"
