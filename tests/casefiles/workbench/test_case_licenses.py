"""The workbench's case page links each license the case issued to its staff page."""

import pytest
from django.urls import reverse

from casefiles.licenses.models import License
from tests.casefiles.portal.test_case_licenses import approved_case  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def test_the_approved_case_links_to_the_licenses_admin_page(client, world, approved_case):  # noqa: F811
    license = License.objects.get(source_case=approved_case)
    client.force_login(world.decider)
    page = client.get(f"/admin/cases/{approved_case.number}/").content.decode()
    link = reverse("licenses_admin:detail", args=[license.pk])
    assert f'href="{link}"' in page and license.number in page
    assert client.get(link).status_code == 200
