"""A license is found by its holder and its issuer, nobody else (casefiles/licenses/indexing.py)."""

from casefiles.licenses import lifecycle
from casefiles.licenses.models import License
from search import service
from tests.casefiles.conftest import keys


def test_a_license_is_found_by_its_holder_and_issuer_but_not_by_others(world, license_type, committed):
    with committed():
        issued = lifecycle.issue(license_type, issuer=world.department, holder=world.enterprise)
    for user in (world.applicant, world.clerk, world.supervisor):
        assert keys(issued.identifier, user, "license") == [f"license:{issued.pk}"], user.username
    for user in (world.stranger, world.other_clerk, world.citizen, None):
        assert keys(issued.identifier, user) == []
        assert keys(issued.number, user) == []


def test_revoking_a_license_changes_its_status_in_the_index(world, license_type, committed):
    with committed():
        issued = lifecycle.issue(license_type, issuer=world.department, holder=world.enterprise)
    with committed():
        lifecycle.revoke(issued, world.decider, "以欺骗手段取得")
    hit = service.search(issued.identifier, user=world.clerk, kinds=("license",)).hits[0]
    assert hit.status == License.Status.REVOKED
