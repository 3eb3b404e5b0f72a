"""认领企业 at the window: a claim on an enterprise staff registered is confirmed in person."""

from django.urls import reverse

from casefiles.members import enterprises
from casefiles.members.models import JoinRequest, Role
from tests.casefiles.conftest import fresh


def claim(world):
    return enterprises.register(world.citizen, world.enterprise.uscc, world.enterprise.name, "林晓燕").request


def test_the_window_sees_and_confirms_a_claim(world, client):
    request = claim(world)
    client.force_login(world.window)
    page = client.get(reverse("casefiles_workbench:enterprise_claims"))
    assert page.status_code == 200
    assert world.enterprise.name in page.content.decode()
    url = reverse("casefiles_workbench:decide_enterprise_claim", kwargs={"pk": request.pk})
    client.post(url, {"decision": "approve", "reason": ""})  # nothing said of what was checked: refused
    assert JoinRequest.objects.get(pk=request.pk).pending
    client.post(url, {"decision": "approve", "reason": "营业执照原件、法定代表人身份证"})
    assert enterprises.role_of(fresh(world.citizen), world.enterprise) == Role.ADMINISTRATOR


def test_only_window_clerks(world, client):
    request = claim(world)
    client.force_login(world.clerk)
    # Wagtail answers a refusal in the admin by sending them back to its dashboard.
    assert client.get(reverse("casefiles_workbench:enterprise_claims"))["Location"] == "/admin/"
    url = reverse("casefiles_workbench:decide_enterprise_claim", kwargs={"pk": request.pk})
    assert client.post(url, {"decision": "approve", "reason": "x"})["Location"] == "/admin/"
    assert JoinRequest.objects.get(pk=request.pk).pending
