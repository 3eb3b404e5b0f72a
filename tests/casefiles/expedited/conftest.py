"""An item of ``world`` with an application form asking for the premises' area, the food license
it produces, and a business license type (营业执照) the enterprise may hold."""

import pytest

from casefiles.forms import storing
from casefiles.handling import applications, workflow
from casefiles.licenses import lifecycle
from casefiles.licenses.models import LicenseType
from casefiles.materials import uploads
from cms.models import ServiceItemPage
from tests.casefiles.conftest import pdf_upload

BUSINESS_LICENSE_CODE = "11100000000013338W001"
AREA_RULE = "经营场所面积小于50平方米"
LICENSE_RULE = "持有有效的营业执照"
AREA_FIELD = ("number", {"key": "area", "label": "经营场所面积", "required": True, "decimal_places": 0, "unit": "m²"})


@pytest.fixture
def food_license_type(world):
    world.department.uscc = "11440400MB2C92390J"
    world.department.save()
    return LicenseType.objects.create(code="11100000MB0143028X041", name="食品经营许可证",
                                      issuing_department=world.department, validity_years=5,
                                      template=LicenseType.Template.FOOD_BUSINESS)


@pytest.fixture
def business_license_type(world):
    return LicenseType.objects.create(code=BUSINESS_LICENSE_CODE, name="营业执照", issuing_department=world.department,
                                      template=LicenseType.Template.BUSINESS_LICENSE)


def configure(world, license_type, **fields):
    item = ServiceItemPage.objects.get(pk=world.item.pk)
    item.application_form = [AREA_FIELD]
    item.result_license_type = license_type
    for name, value in fields.items():
        setattr(item, name, value)
    item.save_revision().publish()
    world.item = ServiceItemPage.objects.get(pk=world.item.pk)
    return world.item


@pytest.fixture
def instant_item(world, food_license_type, business_license_type):
    return configure(world, food_license_type, instant_approval=True, instant_rules=[
        ("field", {"field": "area", "operator": "lt", "value": "50", "label": AREA_RULE}),
        ("holds_license", {"license_type": BUSINESS_LICENSE_CODE, "label": LICENSE_RULE}),
    ])


@pytest.fixture
def commitment_item(world, food_license_type):
    return configure(world, food_license_type, notify_commit=True, verification_days=10)


@pytest.fixture
def holds_business_license(world, business_license_type):
    return lifecycle.issue(business_license_type, issuer=world.department, holder=world.enterprise)


def file(world, values, applicant=None, user=None):
    """The enterprise's application with its two required files and ``values`` in its form, submitted."""
    user = user or world.applicant
    case = applications.start(user, world.item, applicant or world.enterprise)
    for requirement in world.requirements[:2]:
        uploads.add(case, requirement, pdf_upload(f"{requirement.name}.pdf"), user)
    storing.save(case, values, user)
    case.refresh_from_db()
    workflow.perform(case, "submit", user)
    case.refresh_from_db()
    return case
