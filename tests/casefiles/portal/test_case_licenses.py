"""An approved case links to the electronic licenses it issued: the holder's page in 我的证照."""

import pytest
from django.urls import reverse

from casefiles.handling import workflow
from casefiles.licenses.models import License, LicenseType

pytestmark = pytest.mark.django_db
AGENCY_USCC = "11440400MB2C92390J"


@pytest.fixture
def approved_case(world, submitted_case):
    world.department.uscc = AGENCY_USCC
    world.department.save()
    world.item.result_license_type = LicenseType.objects.create(
        code="11100000MB0143028X041", name="食品经营许可证", issuing_department=world.department, validity_years=5,
        template=LicenseType.Template.FOOD_BUSINESS)
    world.item.save_revision().publish()
    submitted_case.refresh_from_db()
    workflow.perform(submitted_case, "accept", world.clerk)
    workflow.perform(submitted_case, "start_review", world.reviewer)
    workflow.perform(submitted_case, "approve", world.decider)
    return submitted_case


def test_the_approved_case_links_to_the_holders_license_page(client, world, approved_case):
    license = License.objects.get(source_case=approved_case)
    client.force_login(world.applicant)
    page = client.get(f"/my/cases/{approved_case.number}/").content.decode()
    link = reverse("licenses:license", args=[license.identifier])
    assert f'href="{link}"' in page and license.number in page
    assert client.get(link).status_code == 200


def test_a_case_without_a_license_shows_no_such_section(client, world, submitted_case):
    client.force_login(world.applicant)
    assert 'id="issued-licenses"' not in client.get(f"/my/cases/{submitted_case.number}/").content.decode()
