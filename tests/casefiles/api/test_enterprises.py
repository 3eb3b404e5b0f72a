from rest_framework.test import APIClient

from casefiles.members import enterprises
from casefiles.members.models import Role


def test_my_enterprises_with_the_role(world):
    enterprises.appoint(world.enterprise, world.applicant, Role.ADMINISTRATOR)
    client = APIClient()
    client.force_authenticate(world.applicant)
    answer = client.get("/api/v1/enterprises/mine/")
    assert answer.status_code == 200
    assert answer.json() == [{"uscc": world.enterprise.uscc, "name": world.enterprise.name, "role": "administrator",
                              "role_label": answer.json()[0]["role_label"], "acting_for": True}]


def test_signed_out_is_refused(db):
    assert APIClient().get("/api/v1/enterprises/mine/").status_code in (401, 403)
