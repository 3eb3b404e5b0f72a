import datetime
import re

import pytest
from django.utils import timezone
from freezegun import freeze_time

from casefiles.errors import Conflict, Invalid, NotFound, NotPermitted
from casefiles.members import enterprises, invitations
from casefiles.members.models import Invitation, Role
from tests.casefiles.conftest import fresh


def link_token(outbox, mobile):
    number, text = outbox[-1]
    assert number == mobile
    return re.search(r"/my/enterprises/invitations/([^/\s]+)/", text).group(1)



@pytest.fixture
def sent(registered, django_capture_on_commit_callbacks, outbox):
    """An invitation from the new enterprise's administrator to 吴嘉欣's mobile, its SMS sent."""
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitations.invite(registered.new, "+86 138-0013-8002", Role.HANDLER, fresh(registered.boss))
    registered.invitation = invitation
    registered.token = link_token(outbox, "13800138002")
    return registered


def test_the_sms_carries_the_link_and_the_row_only_its_digest(sent, outbox):
    number, text = outbox[-1]
    assert "珠海新海湾科技有限公司" in text and "http://" in text
    assert sent.invitation.mobile == "13800138002"
    assert sent.token not in sent.invitation.token_hash
    assert sent.invitation.expires_at - sent.invitation.created_at == datetime.timedelta(days=invitations.INVITATION_DAYS)


def test_no_sms_before_the_invitation_is_committed(registered, outbox):
    invitations.invite(registered.new, "13800138002", Role.HANDLER, fresh(registered.boss))
    assert outbox == []  # sent on commit: a rolled-back invitation sends nothing


def test_the_invited_person_accepts_once(sent):
    w = sent
    invitations.accept(w.token, fresh(w.clerk_person))
    assert enterprises.role_of(fresh(w.clerk_person), w.new) == Role.HANDLER
    with pytest.raises(Conflict, match="accepted already"):
        invitations.accept(w.token, fresh(w.clerk_person))
    with pytest.raises(Conflict, match="only once"):
        invitations.accept(w.token, fresh(w.outsider))
    event = list(enterprises.journal(w.new))[-1]
    assert (event.action, event.actor, event.member, event.role) == ("accept_invitation", w.clerk_person, w.clerk_person, "handler")


def test_someone_else_with_the_link_cannot_accept(sent):
    with pytest.raises(NotPermitted, match=r"138\*\*\*\*8002"):
        invitations.accept(sent.token, fresh(sent.outsider))
    with pytest.raises(NotPermitted):
        invitations.accept(sent.token, fresh(sent.applicant))  # no person, no mobile
    assert not enterprises.is_member(fresh(sent.outsider), sent.new)


def test_an_invitation_expires(sent):
    with freeze_time(timezone.now() + datetime.timedelta(days=invitations.INVITATION_DAYS, seconds=1)):
        with pytest.raises(Conflict, match="expired"):
            invitations.accept(sent.token, fresh(sent.clerk_person))
    assert not enterprises.is_member(fresh(sent.clerk_person), sent.new)


def test_a_revoked_invitation_opens_nothing(sent):
    invitations.revoke(sent.invitation, fresh(sent.boss))
    with pytest.raises(Conflict, match="revoked"):
        invitations.accept(sent.token, fresh(sent.clerk_person))


def test_a_new_invitation_replaces_the_waiting_one(sent, django_capture_on_commit_callbacks, outbox):
    with django_capture_on_commit_callbacks(execute=True):
        invitations.invite(sent.new, "13800138002", Role.ADMINISTRATOR, fresh(sent.boss))
    second = link_token(outbox, "13800138002")
    with pytest.raises(Conflict, match="revoked"):
        invitations.accept(sent.token, fresh(sent.clerk_person))
    invitations.accept(second, fresh(sent.clerk_person))
    assert enterprises.role_of(fresh(sent.clerk_person), sent.new) == Role.ADMINISTRATOR
    assert list(invitations.waiting(sent.new)) == []


def test_an_unknown_link_is_not_found(registered):
    for token in ("", "short", "x" * 43):
        with pytest.raises(NotFound):
            invitations.accept(token, fresh(registered.clerk_person))


def test_only_administrators_invite(sent):
    invitations.accept(sent.token, fresh(sent.clerk_person))
    with pytest.raises(NotPermitted):
        invitations.invite(sent.new, "13800138003", Role.HANDLER, fresh(sent.clerk_person))
    with pytest.raises(NotFound):
        invitations.invite(sent.new, "13800138003", Role.HANDLER, fresh(sent.outsider))
    with pytest.raises(NotPermitted):
        invitations.revoke(sent.invitation, fresh(sent.clerk_person))


def test_a_number_and_a_role_are_checked(registered):
    boss = fresh(registered.boss)
    with pytest.raises(Invalid, match="11 digits"):
        invitations.invite(registered.new, "0756-1234567", Role.HANDLER, boss)
    with pytest.raises(Invalid, match="role"):
        invitations.invite(registered.new, "13800138002", "owner", boss)
    with pytest.raises(Conflict, match="already a member"):
        invitations.invite(registered.new, "13800138001", Role.HANDLER, boss)  # the administrator's own


def test_at_most_so_many_invitations_a_day(registered, monkeypatch):
    monkeypatch.setattr(invitations, "INVITATIONS_PER_DAY", 2)
    boss = fresh(registered.boss)
    invitations.invite(registered.new, "13900000001", Role.HANDLER, boss)
    invitations.invite(registered.new, "13900000002", Role.HANDLER, boss)
    with pytest.raises(Conflict, match="a day"):
        invitations.invite(registered.new, "13900000003", Role.HANDLER, boss)
    assert Invitation.objects.filter(enterprise=registered.new).count() == 2

