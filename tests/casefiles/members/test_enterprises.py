import pytest

from casefiles.directory import roles
from casefiles.directory.models import Enterprise
from casefiles.errors import Conflict, Invalid, NotFound, NotPermitted
from casefiles.journal import records
from casefiles.members import enterprises
from casefiles.members.enterprises import Registration
from casefiles.members.models import JoinRequest, Membership, Role, Roster
from tests.casefiles.conftest import fresh
from tests.casefiles.members.conftest import NEW_USCC


def actions(enterprise):
    return [event.action for event in enterprises.journal(enterprise)]


def test_a_person_registers_a_new_enterprise_and_administers_it(registered):
    w = registered
    enterprise = Enterprise.objects.get(uscc=NEW_USCC)
    assert enterprise.name == "珠海新海湾科技有限公司" and enterprise.legal_representative == "林晓燕"
    assert enterprise.region_code == "440400"  # characters 3 to 8 of the code
    assert enterprises.role_of(fresh(w.boss), enterprise) == Role.ADMINISTRATOR
    assert list(enterprise.members) == [w.boss]  # the group, which grants reach, holds them too
    assert actions(enterprise) == ["register"]
    assert records.problems_of(enterprises.JOURNAL, Roster.objects.get(enterprise=enterprise)) == []


def test_a_mistyped_code_is_refused_with_the_reason(world):
    body = NEW_USCC[:17]
    wrong = body + ("0" if NEW_USCC[17] != "0" else "1")
    with pytest.raises(Invalid, match="check character"):
        enterprises.register(world.citizen, wrong, "某公司", "某人")
    assert not Enterprise.objects.filter(uscc=wrong).exists()


def test_name_and_legal_representative_are_asked_for(world):
    with pytest.raises(Invalid, match="name"):
        enterprises.register(world.citizen, NEW_USCC, "  ", "某人")
    with pytest.raises(Invalid, match="legal representative"):
        enterprises.register(world.citizen, NEW_USCC, "某公司", "")


def test_registering_an_administered_enterprise_asks_its_administrators(registered):
    w = registered
    registration = enterprises.register(w.outsider, NEW_USCC.lower(), "随便写的名字", "某人", note="我是新来的出纳")
    assert registration.outcome == Registration.REQUESTED
    request = registration.request
    assert request.kind == JoinRequest.Kind.JOIN and request.pending
    assert not enterprises.is_member(fresh(w.outsider), w.new)  # nothing handed over
    assert Enterprise.objects.get(uscc=NEW_USCC).name == "珠海新海湾科技有限公司"  # nor renamed
    # Asking twice is the same request.
    assert enterprises.register(w.outsider, NEW_USCC, "x", "y").request.pk == request.pk

    with pytest.raises(NotFound):  # not a member: the enterprise's requests are not theirs to decide
        enterprises.decide(request, w.citizen, approve=True)
    enterprises.decide(request, fresh(w.boss), approve=True, role=Role.HANDLER)
    assert enterprises.role_of(fresh(w.outsider), w.new) == Role.HANDLER
    with pytest.raises(Conflict, match="decided already"):
        enterprises.decide(request, fresh(w.boss), approve=False)
    assert actions(w.new) == ["register", "request_join", "request_approved"]


def test_a_declined_request_leaves_them_outside(registered):
    w = registered
    request = enterprises.register(w.outsider, NEW_USCC, "x", "y").request
    enterprises.decide(request, fresh(w.boss), approve=False, reason="不认识")
    request.refresh_from_db()
    assert request.outcome == JoinRequest.Outcome.DECLINED and request.decided_by == w.boss
    assert not enterprises.is_member(fresh(w.outsider), w.new)


def test_an_enterprise_staff_registered_is_claimed_only_at_the_window(world):
    w = world
    # The world's enterprise was made by staff and has a member put there by staff: no administrator.
    assert not enterprises.has_administrator(w.enterprise)
    registration = enterprises.register(w.citizen, w.enterprise.uscc, w.enterprise.name, "林晓燕")
    assert registration.outcome == Registration.CLAIMED
    claim = registration.request
    assert claim.kind == JoinRequest.Kind.CLAIM
    assert not enterprises.is_member(fresh(w.citizen), w.enterprise)

    with pytest.raises(NotPermitted):  # the enterprise's own member cannot hand it over
        enterprises.decide(claim, fresh(w.applicant), approve=True, reason="ok")
    with pytest.raises(Invalid, match="checked in person"):
        enterprises.decide(claim, w.window, approve=True)
    enterprises.decide(claim, w.window, approve=True, reason="营业执照原件、法定代表人身份证已核验")
    assert enterprises.role_of(fresh(w.citizen), w.enterprise) == Role.ADMINISTRATOR
    event = list(enterprises.journal(w.enterprise))[-1]
    assert (event.action, event.actor, event.member) == ("claim_approved", w.window, w.citizen)
    assert event.data["reason"] == "营业执照原件、法定代表人身份证已核验"
    # With an administrator now, the next registrant asks them.
    assert enterprises.register(w.stranger, w.enterprise.uscc, "x", "y").outcome == Registration.REQUESTED


def test_a_member_registering_their_own_enterprise_is_told_so(world):
    with pytest.raises(Conflict, match="already a member"):
        enterprises.register(world.applicant, world.enterprise.uscc, world.enterprise.name, "林晓燕")


def test_the_one_who_asked_withdraws(registered):
    w = registered
    request = enterprises.register(w.outsider, NEW_USCC, "x", "y").request
    with pytest.raises(NotFound):
        enterprises.withdraw_request(request, w.citizen)
    enterprises.withdraw_request(request, w.outsider)
    request.refresh_from_db()
    assert request.outcome == JoinRequest.Outcome.WITHDRAWN
    assert enterprises.register(w.outsider, NEW_USCC, "x", "y").request.pk != request.pk  # they may ask again


def make_member(w, user, role=Role.HANDLER):
    request = enterprises.register(user, NEW_USCC, "x", "y").request
    enterprises.decide(request, fresh(w.boss), approve=True, role=role)
    return fresh(user)


def test_only_administrators_manage_members(registered):
    w = registered
    handler = make_member(w, w.clerk_person)
    with pytest.raises(NotPermitted):
        enterprises.change_role(w.new, fresh(w.boss), Role.HANDLER, handler)
    with pytest.raises(NotPermitted):
        enterprises.remove(w.new, fresh(w.boss), handler)
    with pytest.raises(NotFound):  # outside the enterprise: its members are not shown to them
        enterprises.remove(w.new, handler, w.outsider)
    with pytest.raises(NotFound):
        enterprises.managed_enterprise(w.outsider, NEW_USCC)


def test_the_last_administrator_can_be_neither_demoted_nor_removed(registered):
    w = registered
    with pytest.raises(Conflict, match="last administrator"):
        enterprises.change_role(w.new, fresh(w.boss), Role.HANDLER, fresh(w.boss))
    with pytest.raises(Conflict, match="last administrator"):
        enterprises.remove(w.new, fresh(w.boss), fresh(w.boss))
    second = make_member(w, w.clerk_person)
    enterprises.change_role(w.new, second, Role.ADMINISTRATOR, fresh(w.boss))
    enterprises.change_role(w.new, fresh(w.boss), Role.HANDLER, fresh(second))  # now there is another
    assert enterprises.administrator_ids(w.new) == {second.pk}
    with pytest.raises(Conflict, match="last administrator"):
        enterprises.remove(w.new, fresh(second), fresh(second))
    assert actions(w.new)[-2:] == ["change_role", "change_role"]


def test_a_member_is_removed_or_leaves(registered):
    w = registered
    member = make_member(w, w.clerk_person)
    enterprises.remove(w.new, member, fresh(w.boss))
    assert not enterprises.is_member(fresh(member), w.new)
    assert not Membership.objects.filter(enterprise=w.new, user=member).exists()
    with pytest.raises(NotFound):
        enterprises.remove(w.new, fresh(member), fresh(w.boss))  # not a member any more
    other = make_member(w, w.outsider)
    enterprises.remove(w.new, other, other)  # leaving on their own
    assert actions(w.new)[-1] == "leave"
    assert records.problems_of(enterprises.JOURNAL, Roster.objects.get(enterprise=w.new)) == []


def test_a_member_staff_put_in_the_group_is_a_handler(world):
    members = enterprises.members(world.enterprise)
    assert [(m.user, m.role) for m in members] == [(world.applicant, Role.HANDLER)]
    assert enterprises.mine(fresh(world.applicant))[0].role == Role.HANDLER


def test_removed_mid_session_they_can_no_longer_open_the_case_nor_file(registered):
    from casefiles.access import permissions
    from casefiles.handling import applications

    w = registered
    member = make_member(w, w.clerk_person)
    case = applications.start(member, w.item, w.new)
    assert permissions.can(member, "view_casefile", case)  # what this request keeps about them
    enterprises.remove(w.new, fresh(member), fresh(w.boss))
    next_request = fresh(member)
    assert not permissions.can(next_request, "view_casefile", case)
    assert not permissions.applicant_cases(next_request).filter(pk=case.pk).exists()
    with pytest.raises(NotPermitted):
        applications.start(next_request, w.item, w.new)


def test_the_members_journal_is_checked_by_audit(registered, capsys):
    from django.core.management import call_command

    call_command("audit", "verify", NEW_USCC)
    assert "intact" in capsys.readouterr().out


def test_only_the_window_confirms_claims(world):
    claim = enterprises.register(world.citizen, world.enterprise.uscc, "x", "y").request
    assert list(enterprises.pending_claims()) == [claim]
    assert roles.has_global_role(world.window, roles.WINDOW_CLERK)
    with pytest.raises(NotPermitted):
        enterprises.decide(claim, world.clerk, approve=True, reason="x")
