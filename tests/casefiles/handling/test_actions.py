"""The journal actions' one registry (casefiles.handling.actions): staff and applicant wordings side by side."""

from casefiles.access import disclosure
from casefiles.handling import actions
from casefiles.handling.workflow import TRANSITIONS


def test_every_transition_is_registered_and_labelled_by_the_table():
    assert set(TRANSITIONS) <= set(actions.ACTIONS)
    for name, transition in TRANSITIONS.items():
        assert actions.staff_label(name) == transition.label
        assert actions.ACTIONS[name].staff == ""  # not written twice


def test_every_other_action_staff_see_has_its_own_label():
    labelled = {"create", "add_material", "promise_material", "remove_material", "review_material",
                "start_special_procedure", "end_special_procedure", "authorise_agent", "revoke_agent",
                "agent_expired", "hand_out_results", "rekey", "not_accept"}
    for name in labelled:
        assert actions.staff_label(name) != name
    assert actions.staff_label("no_such_step") == "no_such_step"


def test_an_applicant_sentence_exactly_for_what_disclosure_tells_outsiders():
    told = {name for name, entry in actions.ACTIONS.items() if entry.applicant}
    assert told == set(disclosure.OUTSIDER_DATA)


def test_staff_only_steps_have_no_applicant_sentence_and_are_not_told():
    from types import SimpleNamespace

    for name in ("review_material", "propose_non_acceptance", "overturn_non_acceptance", "propose_denial",
                 "overturn_denial", "rekey", "use_license", "stop_using_license"):
        assert actions.ACTIONS[name].applicant == ""
        assert not disclosure.told_to_outsiders(SimpleNamespace(action=name))


def test_the_two_wordings_differ_where_the_audiences_do():
    from django.utils import translation

    with translation.override("en"):
        _english_wordings()


def _english_wordings():
    assert str(actions.staff_label("add_material")) == "Material added"
    assert actions.applicant_sentence("add_material", material="营业执照") == "Material supplied: 营业执照."
    assert actions.applicant_sentence("add_material", variant=True, material="营业执照") == (
        "Material promised for later supplied: 营业执照.")
    assert actions.applicant_sentence("submit", variant=True) == "Corrected application submitted."
    assert actions.applicant_sentence("no_such_step") == "no_such_step"
