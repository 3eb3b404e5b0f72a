"""The daily pass runs once a day on the supervision pass; a 免申即享 policy published is acted on at once."""

from casefiles.policies import hooks
from casefiles.policies.models import Benefit, DailyPass
from casefiles.supervision import alerts

from .conftest import TODAY


def test_the_supervision_pass_runs_the_benefits_once_a_day(policy_world):
    w = policy_world
    done = alerts.run(TODAY)
    assert done["benefits"] == 1 and Benefit.objects.get().enterprise == w.enterprise
    assert alerts.run(TODAY)["benefits"] == 0
    assert DailyPass.objects.get(day=TODAY).offered == 1


def test_publishing_a_free_to_enjoy_policy_finds_its_enterprises_after_the_commit(
        policy_world, django_capture_on_commit_callbacks):
    w = policy_world
    assert not Benefit.objects.exists()  # the fixture publishes without committing
    with django_capture_on_commit_callbacks(execute=True):
        w.catering.save_revision().publish()
    assert Benefit.objects.filter(policy=w.catering, enterprise=w.enterprise, status="offered").exists()
    assert hooks.daily(TODAY, None) == 0  # found already: the daily pass opens nothing more
