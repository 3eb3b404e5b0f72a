from casefiles.members import acting, enterprises
from casefiles.members.acting import SESSION_KEY
from tests.casefiles.conftest import fresh


def test_a_member_of_one_enterprise_acts_for_it_without_choosing(world):
    assert acting.acting_for(fresh(world.applicant), {}) == world.enterprise
    assert acting.acting_for(fresh(world.citizen), {}) is None


def test_a_member_of_several_chooses_and_applies_for_that_one(world):
    w = world
    w.other_enterprise.add_member(w.applicant)
    user, session = fresh(w.applicant), {}
    assert acting.acting_for(user, session) is None
    # Not chosen yet: each of theirs is offered, as before there was a choice.
    assert {c.applicant for c in acting.applicants(user, session)} == {w.enterprise, w.other_enterprise}
    acting.choose(user, session, w.other_enterprise)
    assert acting.acting_for(user, session) == w.other_enterprise
    assert [c.applicant for c in acting.applicants(user, session)] == [w.other_enterprise]
    assert acting.initial_applicant(user, session) == f"enterprise:{w.other_enterprise.pk}"
    assert acting.resolve_applicant(user, session, f"enterprise:{w.enterprise.pk}") is None


def test_the_person_is_still_offered_beside_the_enterprise(world):
    w = world
    w.enterprise.add_member(w.citizen)
    offered = [c.applicant for c in acting.applicants(fresh(w.citizen), {})]
    assert offered == [w.enterprise, w.person]


def test_one_cannot_choose_an_enterprise_not_theirs(world):
    import pytest

    from casefiles.errors import NotFound

    with pytest.raises(NotFound):
        acting.choose(fresh(world.applicant), {}, world.other_enterprise)
    with pytest.raises(NotFound):
        acting.choose_by_uscc(fresh(world.applicant), {}, "not a code")


def test_the_choice_goes_with_the_membership(registered):
    w = registered
    enterprises.decide(enterprises.register(w.clerk_person, w.new.uscc, "x", "y").request, fresh(w.boss), approve=True)
    w.enterprise.add_member(w.clerk_person)
    session = {}
    acting.choose(fresh(w.clerk_person), session, w.new)
    enterprises.remove(w.new, fresh(w.clerk_person), fresh(w.boss))
    assert acting.acting_for(fresh(w.clerk_person), session) == w.enterprise  # the only one left
    assert SESSION_KEY not in session
