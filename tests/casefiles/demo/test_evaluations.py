"""The demo's 好差评: a review at every level on closed cases, one rectified and reviewed again, loaded once."""

import io

from casefiles.cases import states
from casefiles.demo.evaluations import load_evaluations
from casefiles.demo.loader import load_demo
from casefiles.evaluations import results
from casefiles.evaluations.models import Evaluation, Level, Rectification
from casefiles.journal import records as journal


def test_the_demo_has_every_level_one_rectified_and_reviewed_again(db):
    load_demo(stdout=io.StringIO())
    given = Evaluation.objects.select_related("case", "by")
    assert {e.level for e in given} == set(Level.values)
    assert all(e.case.status in states.CLOSED for e in given)
    assert all(e.by is not None and not e.by.is_staff and not e.as_agent for e in given)  # the applicants' own
    second = given.get(round=2)
    assert second.level == Level.SATISFIED
    first = given.get(case=second.case, round=1)
    assert first.level == Level.DISSATISFIED and first.reasons
    rectification = Rectification.objects.get(evaluation=first)
    assert rectification.action and rectification.callback and rectification.callback_at < second.created_at
    assert Rectification.objects.filter(callback_at__isnull=True).count() == 1  # the 非常不满意 one, open
    assert journal.verify() == []
    # the public counts: each case once (the second review in place of the first)
    total = results.public_by_department()[-1]
    assert (total.key, total.total, total.dissatisfied, total.satisfied) == ("", 5, 0, 2)

    assert load_evaluations() == 0  # a second load adds nothing
    assert Evaluation.objects.count() == 6
