"""惠企政策 in the portal: 政策计算器 (anonymous, and from the file of the enterprise one acts for),
一键申报, 一企一档 with its declarations, 政策订阅, 免申即享's confirm and decline, the policy page."""

import re

import pytest
from django.urls import reverse
from freezegun import freeze_time

from casefiles.cases.models import CaseFile, Status
from casefiles.policies import benefits
from casefiles.policies.models import Benefit, Declaration, QualificationHeld, Subscription
from tests.casefiles.forms.samples import give_form
from tests.casefiles.policies.conftest import TODAY, policy_world  # noqa: F401 (the fixture)

CALCULATOR = reverse("casefiles:policy_calculator")
IN_THE_CATERING_TRADE = {"answered": "1", "industry_code": "H62", "scale": "micro", "region_code": "440402",
                         "established_on": "2025-01-10"}


@pytest.fixture(autouse=True)
def _today():
    with freeze_time(f"{TODAY.isoformat()} 02:00:00"):  # 10:00 in Beijing
        yield


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the assertions read the source strings
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def section(html, marker, end="</article>"):
    """The policy's result box on the calculator's page."""
    start = html.index(marker)
    return html[html.rindex("<article", 0, start):html.index(end, start)]


def file_url(enterprise, tail=""):
    return reverse("casefiles:enterprise_file", kwargs={"uscc": enterprise.uscc}) + tail


# --- 政策计算器 ---------------------------------------------------------------------------------------

def test_anyone_sees_the_questionnaire(policy_world, client):
    page = client.get(CALCULATOR)
    assert page.status_code == 200
    body = text(page)
    assert 'id="calculator-form"' in body and "Policies that may be for you" not in body
    assert "H62 餐饮业" in body and "高新技术企业" in body  # sections and divisions with their codes; qualifications
    assert 'value="440400"' in body  # the region defaults to Zhuhai


def test_the_answers_rank_the_policies_with_each_condition_and_why(policy_world, client):
    page = client.get(CALCULATOR, IN_THE_CATERING_TRADE)
    assert page.status_code == 200
    html = text(page)
    catering = section(html, "餐饮个体户开办补贴")
    # the answers stand for what the records would say: every condition met by them, each with why
    assert "Eligible by what you declared" in catering and "一次性开办补贴" in catering and "3,000" in catering
    assert "Industry: H62 餐饮业" in catering and "You answered H62 餐饮业" in catering
    assert catering.count('data-state="met"') == 3
    assert policy_world.department.name in catering
    # the research subsidy is for software: folded among the others, after the matches
    others = html[html.index('id="other-policies"'):]
    assert "科技型中小企业研发补助" in others and "Not eligible" in others
    assert "Apply in one step" not in html  # nobody to apply for


def test_an_unanswered_condition_says_what_would_settle_it(policy_world, client):
    html = text(client.get(CALCULATOR, {"answered": "1", "industry_code": "I6513"}))
    research = section(html, "科技型中小企业研发补助")
    assert "Possibly eligible" in research and "What would settle it:" in research
    assert html.index("科技型中小企业研发补助") < html.index('id="other-policies"')


def test_a_declarable_condition_unmet_by_the_answers_folds_the_policy(policy_world, client):
    html = text(client.get(CALCULATOR, {**IN_THE_CATERING_TRADE, "scale": "small"}))
    others = html[html.index('id="other-policies"'):]
    assert "餐饮个体户开办补贴" in others and "Not eligible" in others and "You answered Small." in others


@pytest.mark.parametrize(("answers", "message"), [
    ({"region_code": "4404"}, "A region is six digits (GB/T 2260)."),
    ({"established_on": "2025-13-40"}, "Give the date of establishment as YYYY-MM-DD."),
    ({"employees": "3.5"}, "The number of employees is a whole number."),
    ({"industry_code": "Z99"}, "There is no such industry code."),
    ({"scale": "huge"}, "There is no such scale."),
])
def test_bad_answers_show_the_form_again_with_why(policy_world, client, answers, message):
    page = client.get(CALCULATOR, {"answered": "1", **answers})
    assert page.status_code == 400
    body = text(page)
    assert message in body and 'id="calculator-form"' in body and "Policies that may be for you" not in body


def test_a_member_sees_the_results_from_the_enterprises_file(policy_world, client):
    client.force_login(policy_world.applicant)
    page = client.get(CALCULATOR)
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    html = text(page)
    assert "Results from the file of 珠海海湾餐饮管理有限公司" in html and 'id="calculator-form"' not in html
    catering = section(html, "餐饮个体户开办补贴")
    assert 'data-badge="proven"' in catering and ">Eligible<" in catering
    assert "On record: H6210" in catering and "(from verified data)" in catering
    assert "Apply in one step (一键申报)" in catering
    assert "科技型中小企业研发补助" in html[html.index('id="other-policies"'):]
    # the switch to the questionnaire
    switched = text(client.get(CALCULATOR, {"questionnaire": "1"}))
    assert 'id="calculator-form"' in switched and "Use the file of 珠海海湾餐饮管理有限公司" in switched


def test_what_the_enterprise_declared_is_shown_as_declared(policy_world, client):
    w = policy_world
    w.other_enterprise.industry_code = "I6513"
    w.other_enterprise.save()
    Declaration.objects.create(enterprise=w.other_enterprise, employees=30)
    QualificationHeld.objects.create(enterprise=w.other_enterprise, qualification=w.high_tech, source="declared")
    client.force_login(w.stranger)
    research = section(text(client.get(CALCULATOR)), "科技型中小企业研发补助")
    assert 'data-badge="declared"' in research and "Eligible by what you declared" in research
    assert "You declared 30 employees." in research and "(by declaration)" in research


# --- 一键申报 ------------------------------------------------------------------------------------------

@pytest.fixture
def with_form(policy_world):
    w = policy_world
    w.benefit_item = give_form(w.benefit_item, [
        ("text", {"key": "company", "label": "申请单位", "prefill": "applicant.name", "max_length": 100}),
        ("number", {"key": "staff", "label": "从业人数", "prefill": "file.employees", "min_value": "0"}),
    ])
    Declaration.objects.create(enterprise=w.enterprise, employees=12)
    return w


def apply_url(policy):
    return reverse("casefiles:apply_for_policy", kwargs={"pk": policy.pk})


def test_one_click_makes_a_draft_filled_from_the_file(with_form, client):
    w = with_form
    client.force_login(w.applicant)
    answer = client.post(apply_url(w.catering))
    case = CaseFile.objects.get(enterprise=w.enterprise, item=w.benefit_item)
    assert answer.status_code == 302 and answer["Location"] == reverse("casefiles:case", kwargs={"number": case.number})
    assert case.status == Status.DRAFT and case.submitted_by == w.applicant
    assert case.form_data["company"] == "珠海海湾餐饮管理有限公司" and case.form_data["staff"] == 12
    draft = text(client.get(answer["Location"]))
    assert 'value="12"' in draft and "珠海海湾餐饮管理有限公司" in draft
    assert "From your enterprise&#x27;s file (declared)" in draft  # where the number came from


def test_one_click_for_an_enterprise_not_ones_own_is_a_404(with_form, client):
    w = with_form
    client.force_login(w.stranger)
    assert client.post(apply_url(w.catering), {"uscc": w.enterprise.uscc}).status_code == 404
    client.force_login(w.citizen)  # acts for no enterprise
    assert client.post(apply_url(w.catering)).status_code == 404
    assert not CaseFile.objects.filter(item=w.benefit_item).exists()


def test_one_click_needs_sign_in_and_a_post(with_form, client):
    answer = client.post(apply_url(with_form.catering))
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]
    client.force_login(with_form.applicant)
    assert client.get(apply_url(with_form.catering)).status_code == 405


def test_one_click_refused_says_why(with_form, client):
    w = with_form
    w.catering.application_item = None
    w.catering.save_revision().publish()
    client.force_login(w.applicant)
    answer = client.post(apply_url(w.catering), follow=True)
    assert answer.status_code == 200
    assert "This policy names no service item to apply through" in text(answer)
    assert client.post(reverse("casefiles:apply_for_policy", kwargs={"pk": 999999})).status_code == 404


# --- 一企一档 ------------------------------------------------------------------------------------------

def test_the_file_shows_the_registry_the_declarations_and_the_matches(with_form, client):
    w = with_form
    client.force_login(w.applicant)
    page = client.get(file_url(w.enterprise))
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    html = text(page)
    registry = html[html.index('id="registry"'):html.index("</dl>", html.index('id="registry"'))]
    assert "H6210" in registry and "Micro" in registry and "2024-03-01" in registry and "440402" in registry
    assert "50" in registry
    declared = html[html.index('id="declared"'):]
    assert "12" in declared and "Self-declared (自主申报)" in declared
    assert "餐饮个体户开办补贴" in html[html.index('id="matched-title"'):] and CALCULATOR in html


def test_the_file_is_for_members_only(with_form, client):
    assert client.get(file_url(with_form.enterprise)).status_code == 302  # to sign in
    client.force_login(with_form.stranger)
    assert client.get(file_url(with_form.enterprise)).status_code == 404
    assert client.post(file_url(with_form.enterprise, "declaration/"), {"employees": "5"}).status_code == 404


def test_my_enterprises_links_to_the_file(with_form, client):
    client.force_login(with_form.applicant)
    assert file_url(with_form.enterprise) in text(client.get(reverse("casefiles:my_enterprises")))


def test_declaring(with_form, client):
    w = with_form
    client.force_login(w.applicant)
    answer = client.post(file_url(w.enterprise, "declaration/"),
                         {"employees": "25", "scale": "small", "annual_revenue": "880.5"})
    assert answer.status_code == 302
    declaration = Declaration.objects.get(enterprise=w.enterprise)
    assert declaration.employees == 25 and declaration.scale == "small" and str(declaration.annual_revenue) == "880.50"
    bad = client.post(file_url(w.enterprise, "declaration/"), {"employees": "many", "annual_revenue": "x"})
    assert bad.status_code == 400
    body = text(bad)
    assert "The number of employees is a whole number." in body
    assert Declaration.objects.get(enterprise=w.enterprise).employees == 25


def test_declaring_a_qualification_shows_it_as_declared(with_form, client):
    w = with_form
    client.force_login(w.applicant)
    url = file_url(w.enterprise, "qualifications/")
    assert client.post(url, {"qualification": "no-such"}).status_code == 400
    assert client.post(url, {"qualification": "high-tech", "certificate_number": "GR202644000123",
                             "valid_until": "2028-12-31"}).status_code == 302
    held = QualificationHeld.objects.get(enterprise=w.enterprise)
    assert held.source == "declared" and held.certificate_number == "GR202644000123"
    body = text(client.get(file_url(w.enterprise)))
    assert "高新技术企业" in body and "Declared (自主申报), not yet on record" in body


# --- 政策订阅 ------------------------------------------------------------------------------------------

SUBSCRIPTIONS = reverse("casefiles:policy_subscriptions")


def test_subscriptions_created_listed_and_deleted(policy_world, client):
    w = policy_world
    assert client.get(SUBSCRIPTIONS).status_code == 302
    client.force_login(w.applicant)
    assert client.get(SUBSCRIPTIONS).status_code == 200
    answer = client.post(SUBSCRIPTIONS, {"categories": ["subsidy"], "industries": ["H62"], "by_email": "on",
                                         "weekly_digest": "on"})
    assert answer.status_code == 302
    mine = Subscription.objects.get(user=w.applicant)
    assert mine.categories == ["subsidy"] and mine.industries == ["H62"] and mine.by_email and not mine.by_sms
    body = text(client.get(SUBSCRIPTIONS))
    assert "H62 餐饮业" in body and "Funding and subsidies" in body
    client.post(SUBSCRIPTIONS, {"matches_me": "on", "enterprise": w.enterprise.uscc, "by_sms": "on"})
    assert "Whatever matches 珠海海湾餐饮管理有限公司" in text(client.get(SUBSCRIPTIONS))
    delete = reverse("casefiles:policy_unsubscribe", kwargs={"pk": mine.pk})
    client.force_login(w.stranger)
    assert client.post(delete).status_code == 404  # not theirs
    client.force_login(w.applicant)
    assert client.post(delete).status_code == 302
    assert not Subscription.objects.filter(pk=mine.pk).exists()


def test_a_subscription_without_filters_or_another_enterprise_is_refused(policy_world, client):
    w = policy_world
    client.force_login(w.applicant)
    empty = client.post(SUBSCRIPTIONS, {"by_email": "on"})
    assert empty.status_code == 400 and "Choose at least an industry, a category or a region" in text(empty)
    other = client.post(SUBSCRIPTIONS, {"matches_me": "on", "enterprise": w.other_enterprise.uscc})
    assert other.status_code == 400 and "Choose the enterprise whose matches" in text(other)
    assert client.post(SUBSCRIPTIONS, {"region_code": "12"}).status_code == 400
    assert not Subscription.objects.exists()


# --- 免申即享 ------------------------------------------------------------------------------------------

@pytest.fixture
def offered(policy_world):
    benefits.find(TODAY)
    return Benefit.objects.get(policy=policy_world.catering, enterprise=policy_world.enterprise)


def benefit_url(benefit, tail=""):
    return reverse("casefiles:benefit", kwargs={"pk": benefit.pk}) + tail


def test_the_benefits_list_and_page(policy_world, offered, client):
    assert client.get(reverse("casefiles:benefits")).status_code == 302
    client.force_login(policy_world.applicant)
    listing = text(client.get(reverse("casefiles:benefits")))
    assert "餐饮个体户开办补贴" in listing and "Awaiting confirmation" in listing and benefit_url(offered) in listing
    page = client.get(benefit_url(offered))
    assert page.status_code == 200
    body = text(page)
    assert "3,000.00" in body and offered.confirm_by.isoformat() in body
    assert reverse("casefiles:case", kwargs={"number": offered.case.number}) in body
    assert "Industry: H62 餐饮业" in body  # the conditions met, by the records
    assert 'id="confirm-benefit"' in body and 'id="decline-benefit"' in body
    # the case's page opens for the member
    assert client.get(reverse("casefiles:case", kwargs={"number": offered.case.number})).status_code == 200


def test_a_benefit_of_another_enterprise_is_a_404(policy_world, offered, client):
    client.force_login(policy_world.stranger)
    assert client.get(benefit_url(offered)).status_code == 404
    assert client.post(benefit_url(offered, "confirm/")).status_code == 404
    assert "餐饮个体户开办补贴" not in text(client.get(reverse("casefiles:benefits")))
    offered.refresh_from_db()
    assert offered.status == Benefit.Status.OFFERED


def test_confirming_a_benefit(policy_world, offered, client):
    client.force_login(policy_world.applicant)
    assert client.post(benefit_url(offered, "confirm/")).status_code == 302
    offered.refresh_from_db()
    assert offered.status == Benefit.Status.CONFIRMED
    body = text(client.get(benefit_url(offered)))
    assert "Confirmed, awaiting payout" in body and offered.payout_due.isoformat() in body
    assert 'id="confirm-benefit"' not in body
    again = client.post(benefit_url(offered, "confirm/"), follow=True)  # 409: said on the page
    assert "it cannot be changed that way now" in text(again)


def test_declining_a_benefit(policy_world, offered, client):
    client.force_login(policy_world.applicant)
    long = client.post(benefit_url(offered, "decline/"), {"reason": "太长" * 200})
    assert long.status_code == 400 and "A reason is at most 300 characters long." in text(long)
    assert client.post(benefit_url(offered, "decline/"), {"reason": "暂不需要"}).status_code == 302
    offered.refresh_from_db()
    assert offered.status == Benefit.Status.DECLINED and offered.decline_reason == "暂不需要"
    assert "暂不需要" in text(client.get(benefit_url(offered)))


def test_an_invited_benefit_offers_one_click(policy_world, client):
    w = policy_world
    invited = Benefit.objects.create(policy=w.innovation, enterprise=w.enterprise, status=Benefit.Status.INVITED)
    client.force_login(w.applicant)
    body = text(client.get(benefit_url(invited)))
    assert "Invited to apply" in body and apply_url(w.innovation) in body and CALCULATOR in body


# --- the policy page, 我的空间, both themes ---------------------------------------------------------------

def test_the_policy_page_lists_its_conditions_and_links_the_calculator(policy_world, client):
    page = client.get(policy_world.catering.url)
    assert page.status_code == 200
    body = text(page)
    assert "Industry: H62 餐饮业" in body and "Scale: Micro" in body and "Years since establishment: at most 3" in body
    assert "From verified data (registry, licenses, cases)" in body and "From what the enterprise declared" in body
    assert CALCULATOR in body and "Check whether I can benefit (测一测我能否享受)" in body
    assert 'id="free-to-enjoy"' in body and "一次性开办补贴" in body


def test_the_space_links_the_policy_pages(policy_world, client):
    client.force_login(policy_world.applicant)
    body = text(client.get(reverse("casefiles:my_space")))
    for url in (CALCULATOR, SUBSCRIPTIONS, reverse("casefiles:benefits")):
        assert url in body


@pytest.mark.parametrize("theme", ["default", "elder"])
def test_the_pages_in_both_themes(with_form, offered, client, theme):
    client.cookies["yiwang_theme"] = theme
    client.force_login(with_form.applicant)
    for url in (CALCULATOR, CALCULATOR + "?questionnaire=1", file_url(with_form.enterprise), SUBSCRIPTIONS,
                reverse("casefiles:benefits"), benefit_url(offered)):
        page = client.get(url)
        assert page.status_code == 200, url
        assert f'data-theme="{theme}"' in page.content.decode()


def test_the_pages_speak_chinese(with_form, client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    client.force_login(with_form.applicant)
    body = text(client.get(CALCULATOR))
    assert "政策计算器" in body and "符合" in body and "一键申报" in body


def test_a_paid_benefit_shows_its_payout(policy_world, offered, client):
    w = policy_world
    benefits.record_payout(benefits.confirm(offered, w.applicant), w.decider, amount="3000", reference="ZF20260615001")
    client.force_login(w.applicant)
    body = text(client.get(benefit_url(offered)))
    assert "Paid out" in body and "ZF20260615001" in body and "3,000.00" in body and TODAY.isoformat() in body
    assert 'id="confirm-benefit"' not in body


def test_the_policy_index_links_the_policy_pages(policy_world, client):
    from cms.sitetree import ensure_sections

    body = text(client.get(ensure_sections()["PolicyIndexPage"].url))
    assert 'id="policy-tools"' in body and CALCULATOR in body and SUBSCRIPTIONS in body
