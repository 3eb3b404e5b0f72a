"""免提交: a held license chosen by default in place of a material, switched off and on, checked at
submission; and the 用证率 report, on the demo's cases too."""

import datetime
import io

import pytest
from django.utils import timezone, translation

from casefiles import errors
from casefiles.cases.models import CaseFile
from casefiles.handling import applications, workflow
from casefiles.licenses import lifecycle, reuse
from casefiles.licenses.models import LicenseUse
from casefiles.materials import requirements, uploads
from cms.models import MaterialRequirement
from tests.casefiles.conftest import pdf_upload


def draft(world):
    case = applications.start(world.applicant, world.item, world.enterprise)
    reuse.use_held_licenses(case, world.applicant)
    return case


def test_a_held_license_is_chosen_by_default_and_supplies_its_material(world, held_license):
    case = draft(world)
    use = LicenseUse.objects.get(case=case)
    assert use.license == held_license and use.requirement == world.requirements[1]
    assert case.events.filter(action="use_license").count() == 1
    assert requirements.missing_requirements(case) == [world.requirements[0].name]  # only the application form
    uploads.add(case, world.requirements[0], pdf_upload(), world.applicant)
    workflow.perform(case, "submit", world.applicant)  # 营业执照 came from the license


def test_choosing_again_changes_nothing(world, held_license):
    case = draft(world)
    assert reuse.use_held_licenses(case, world.applicant) == []
    reuse.use_license(case, world.requirements[1], held_license, world.applicant)
    assert LicenseUse.objects.filter(case=case).count() == 1
    assert case.events.filter(action="use_license").count() == 1


def test_the_offers_list_each_accepting_material_with_the_licenses_held_and_the_one_in_use(
        world, held_license, django_assert_max_num_queries):
    case = draft(world)
    with django_assert_max_num_queries(5):  # the types, the licenses, the uses, the requirements — not one per material
        offers = reuse.offers(case)
        assert [(o.requirement, o.licenses, o.in_use) for o in offers] == [(world.requirements[1], [held_license], held_license)]
        assert offers[0].in_use_status == "valid"


def test_the_applicant_switches_to_uploading_and_back(world, held_license):
    case = draft(world)
    assert reuse.stop_using(case, world.requirements[1], world.applicant)
    assert not LicenseUse.objects.filter(case=case).exists()
    assert case.events.filter(action="stop_using_license").count() == 1
    assert world.requirements[1].name in requirements.missing_requirements(case)
    assert not reuse.stop_using(case, world.requirements[1], world.applicant)  # nothing more to stop
    reuse.use_license(case, world.requirements[1], held_license, world.applicant)
    assert LicenseUse.objects.filter(case=case, license=held_license).exists()


def test_a_submitted_case_keeps_its_choice(world, held_license):
    case = draft(world)
    uploads.add(case, world.requirements[0], pdf_upload(), world.applicant)
    workflow.perform(case, "submit", world.applicant)
    case.refresh_from_db()
    with pytest.raises(errors.Conflict):
        reuse.stop_using(case, world.requirements[1], world.applicant)
    assert LicenseUse.objects.filter(case=case).exists()


def test_a_strangers_license_or_one_that_lapsed_is_refused(world, held_license):
    foreign = lifecycle.issue(world.business_license_type, issuer=world.department, holder=world.other_enterprise)
    case = draft(world)
    with pytest.raises(errors.Invalid):
        reuse.use_license(case, world.requirements[1], foreign, world.applicant)
    with pytest.raises(errors.Invalid):
        reuse.use_license(case, world.requirements[0], held_license, world.applicant)  # not accepted there
    with pytest.raises(errors.NotPermitted):
        reuse.use_license(case, world.requirements[1], held_license, world.stranger)
    lifecycle.suspend(held_license, world.decider, "核查经营场所")
    reuse.stop_using(case, world.requirements[1], world.applicant)
    with pytest.raises(errors.Invalid):
        reuse.use_license(case, world.requirements[1], held_license, world.applicant)
    assert reuse.offers(case)[0].licenses == []


def test_an_expired_license_is_not_offered(world, held_license):
    held_license.valid_until = timezone.localdate() - datetime.timedelta(days=1)
    held_license.save(update_fields=["valid_until"])
    case = draft(world)
    assert not LicenseUse.objects.filter(case=case).exists()


def test_submission_is_refused_when_the_license_was_revoked_after_it_was_chosen(world, held_license):
    case = draft(world)
    uploads.add(case, world.requirements[0], pdf_upload(), world.applicant)
    lifecycle.revoke(held_license, world.decider, "以欺骗手段取得")
    with pytest.raises(errors.GuardFailed) as refused, translation.override("en"):
        workflow.perform(case, "submit", world.applicant)
    message = " ".join(str(m) for m in refused.value.messages)
    assert "营业执照" in message and "revoked" in message and "Upload" in message
    assert LicenseUse.objects.filter(case=case).exists()  # kept: the applicant decides what to do
    reuse.stop_using(case, world.requirements[1], world.applicant)
    uploads.add(case, world.requirements[1], pdf_upload("营业执照.pdf"), world.applicant)
    workflow.perform(case, "submit", world.applicant)


def test_the_report_counts_eligible_cases_and_those_that_used_a_license(world, held_license):
    used = draft(world)
    uploads.add(used, world.requirements[0], pdf_upload(), world.applicant)
    workflow.perform(used, "submit", world.applicant)
    uploaded = draft(world)
    reuse.stop_using(uploaded, world.requirements[1], world.applicant)
    for requirement in world.requirements[:2]:
        uploads.add(uploaded, requirement, pdf_upload(), world.applicant)
    workflow.perform(uploaded, "submit", world.applicant)
    draft(world)  # not submitted: not counted

    report = reuse.usage_report()
    row = next(r for r in report["departments"] if r.label == world.department.name)
    assert (row.eligible, row.used, row.share) == (2, 1, 0.5) and row.meets_target
    assert report["districts"][0].target == 0.5 and report["total"].share == 0.5
    trend = reuse.monthly_trend()
    assert len(trend) == 12 and trend[-1].key == timezone.localdate().strftime("%Y-%m")
    assert (trend[-1].eligible, trend[-1].used) == (2, 1) and sum(r.eligible for r in trend) == 2


def test_after_the_demo_the_report_is_above_zero_and_agrees_with_a_count_by_hand(db):
    from casefiles.demo.loader import load_demo

    load_demo(stdout=io.StringIO())
    accepting = MaterialRequirement.objects.filter(license_types__isnull=False).values_list("page_id", flat=True)
    eligible = [case for case in CaseFile.objects.filter(submitted_at__isnull=False) if case.item_id in set(accepting)]
    used = [case for case in eligible if LicenseUse.objects.filter(case=case).exists()]
    total = reuse.usage_report()["total"]
    assert total.share > 0
    assert (total.eligible, total.used) == (len(eligible), len(used))
    assert sum(r.used for r in reuse.usage_report()["departments"]) == len(used)
