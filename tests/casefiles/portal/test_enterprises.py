"""The enterprise pages: 我的企业 and the switch, 企业注册, 成员管理, accepting an invitation, and
applying for the enterprise one acts for."""

import re

import pytest
from django.urls import reverse

from casefiles.cases.models import CaseFile
from casefiles.demo.directory import demo_resident_id, demo_uscc
from casefiles.directory.models import Enterprise, Person
from casefiles.members import enterprises
from casefiles.members.models import Invitation, JoinRequest, Role
from tests.casefiles.conftest import fresh

NEW_USCC = demo_uscc("91440400MA5NEWC01")


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the assertions read the source strings
    return client


@pytest.fixture(autouse=True)
def outbox():
    from casefiles.accounts import sms

    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def people(world, django_user_model):
    """The new enterprise's administrator (registered through the page), and 吴嘉欣 with a mobile."""
    w = world
    w.boss = django_user_model.objects.create_user("boss", password="pw-for-tests-only", first_name="林晓燕")
    w.wu = django_user_model.objects.create_user("wu", password="pw-for-tests-only", first_name="吴嘉欣")
    Person.objects.create(name="吴嘉欣", id_number=demo_resident_id("44040219920505246"), phone="13800138002", user=w.wu)
    w.new = enterprises.register(w.boss, NEW_USCC, "珠海新海湾科技有限公司", "林晓燕").enterprise
    return w


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def members_url(enterprise):
    return reverse("casefiles:enterprise_members", kwargs={"uscc": enterprise.uscc})


def test_my_enterprises_shows_each_with_the_role(people, client):
    client.force_login(people.boss)
    page = client.get(reverse("casefiles:my_enterprises"))
    assert page.status_code == 200
    body = text(page)
    assert "珠海新海湾科技有限公司" in body and "Administrator (管理员)" in body
    assert "Acting for 珠海新海湾科技有限公司" in body  # the header: their only enterprise
    assert members_url(people.new) in body


def test_registering_through_the_page(world, client):
    client.force_login(world.citizen)
    bad = client.post(reverse("casefiles:register_enterprise"),
                      {"uscc": NEW_USCC[:17] + ("0" if NEW_USCC[17] != "0" else "1"), "name": "某公司",
                       "legal_representative": "张伟"})
    assert bad.status_code == 400
    assert "The check character does not match" in text(bad)
    good = client.post(reverse("casefiles:register_enterprise"),
                       {"uscc": NEW_USCC, "name": "珠海新海湾科技有限公司", "legal_representative": "张伟"})
    enterprise = Enterprise.objects.get(uscc=NEW_USCC)
    assert good.status_code == 302 and good["Location"] == members_url(enterprise)
    assert enterprises.is_administrator(fresh(world.citizen), enterprise)


def test_registering_an_enterprise_registered_already_makes_a_request(people, client):
    client.force_login(people.wu)
    answer = client.post(reverse("casefiles:register_enterprise"),
                         {"uscc": NEW_USCC, "name": "x", "legal_representative": "y", "note": "新来的出纳"}, follow=True)
    assert "Your request to join it was sent to its administrators" in text(answer)
    assert not enterprises.is_member(fresh(people.wu), people.new)

    client.force_login(people.boss)
    page = text(client.get(members_url(people.new)))
    assert "新来的出纳" in page
    request = JoinRequest.objects.get(user=people.wu)
    client.post(reverse("casefiles:decide_join_request", kwargs={"uscc": NEW_USCC, "pk": request.pk}),
                {"decision": "approve", "role": "handler"})
    assert enterprises.role_of(fresh(people.wu), people.new) == Role.HANDLER


def test_claiming_an_enterprise_staff_registered_sends_one_to_the_window(world, client):
    client.force_login(world.citizen)
    answer = client.post(reverse("casefiles:register_enterprise"),
                         {"uscc": world.enterprise.uscc, "name": world.enterprise.name, "legal_representative": "林晓燕"},
                         follow=True)
    claim = JoinRequest.objects.get(user=world.citizen)
    assert claim.kind == JoinRequest.Kind.CLAIM
    assert "window (综合窗口)" in text(answer) and f"claim number is {claim.pk}" in text(answer)


def test_members_pages_are_the_administrators(people, client):
    client.force_login(people.applicant)  # a member of another enterprise
    assert client.get(members_url(people.new)).status_code == 404
    assert client.get(reverse("casefiles:enterprise_members", kwargs={"uscc": "nonsense"})).status_code == 404
    client.force_login(people.applicant)
    assert client.get(members_url(people.enterprise)).status_code == 403  # a handler there
    client.force_login(people.boss)
    assert client.get(members_url(people.new)).status_code == 200


def invite(client, people, mobile="13800138002", role="handler"):
    client.force_login(people.boss)
    return client.post(members_url(people.new), {"mobile": mobile, "role": role})


def test_invite_accept_and_a_second_use_refused(people, client, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sent = invite(client, people)
    assert sent.status_code == 302
    path = re.search(r"https?://[^/]+(/my/enterprises/invitations/[^/\s]+/)", outbox[-1][1]).group(1)
    assert "138****8002" in text(client.get(members_url(people.new)))  # masked in the list

    client.force_login(people.wu)
    page = client.get(path)
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    assert "珠海新海湾科技有限公司" in text(page)
    accepted = client.post(path)
    assert accepted.status_code == 302
    assert enterprises.role_of(fresh(people.wu), people.new) == Role.HANDLER
    again = client.post(path)
    assert again.status_code == 409
    assert "it can be used only once" in text(again)


def test_the_link_refuses_someone_else(people, client, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, people)
    path = re.search(r"(/my/enterprises/invitations/[^/\s]+/)", outbox[-1][1]).group(1)
    client.force_login(people.citizen)
    assert client.get(path).status_code == 403
    assert client.post(path).status_code == 403
    assert client.get("/my/enterprises/invitations/" + "x" * 43 + "/").status_code == 404
    client.logout()
    assert client.get(path).status_code == 302  # to sign in first


def test_a_bad_number_is_shown_on_the_form(people, client):
    answer = invite(client, people, mobile="12345")
    assert answer.status_code == 400
    assert "11 digits" in text(answer)
    assert not Invitation.objects.exists()


def test_change_role_and_the_last_administrator(people, client):
    enterprises.decide(enterprises.register(people.wu, NEW_USCC, "x", "y").request, fresh(people.boss), approve=True)
    client.force_login(people.boss)
    role_url = reverse("casefiles:change_member_role", kwargs={"uscc": NEW_USCC, "user_id": people.boss.pk})
    refused = client.post(role_url, {"role": "handler"}, follow=True)
    assert "last administrator" in text(refused)
    assert enterprises.is_administrator(fresh(people.boss), people.new)
    client.post(reverse("casefiles:change_member_role", kwargs={"uscc": NEW_USCC, "user_id": people.wu.pk}),
                {"role": "administrator"})
    assert enterprises.is_administrator(fresh(people.wu), people.new)
    client.force_login(people.applicant)
    assert client.post(role_url, {"role": "handler"}).status_code == 404


def test_a_member_removed_mid_session_loses_the_case_and_the_filing(people, client):
    from casefiles.handling import applications

    enterprises.decide(enterprises.register(people.wu, NEW_USCC, "x", "y").request, fresh(people.boss), approve=True)
    case = applications.start(fresh(people.wu), people.item, people.new)
    member = client
    member.force_login(people.wu)
    assert member.get(reverse("casefiles:case", kwargs={"number": case.number})).status_code == 200

    enterprises.remove(people.new, fresh(people.wu), fresh(people.boss))  # while they are signed in

    assert member.get(reverse("casefiles:case", kwargs={"number": case.number})).status_code == 404
    apply_page = text(member.get(reverse("casefiles:apply", kwargs={"item_code": people.item.item_code})))
    assert "珠海新海湾科技有限公司" not in apply_page
    answer = member.post(reverse("casefiles:apply", kwargs={"item_code": people.item.item_code}), {
        "applicant": f"enterprise:{people.new.pk}", "contact_name": "吴嘉欣", "contact_phone": "13800138002"})
    assert answer.status_code == 400
    assert not CaseFile.objects.filter(enterprise=people.new).exclude(pk=case.pk).exists()


def test_applying_follows_the_enterprise_one_acts_for(world, client):
    w = world
    w.other_enterprise.add_member(w.applicant)  # now a member of two
    client.force_login(w.applicant)
    apply_url = reverse("casefiles:apply", kwargs={"item_code": w.item.item_code})
    page = text(client.get(apply_url))
    assert w.enterprise.name in page and w.other_enterprise.name in page  # nothing chosen yet
    client.post(reverse("casefiles:act_for"), {"uscc": w.other_enterprise.uscc, "next": apply_url})
    page = text(client.get(apply_url))
    assert w.other_enterprise.name in page and w.enterprise.name not in page
    assert f"Acting for {w.other_enterprise.name}" in page
    refused = client.post(apply_url, {"applicant": f"enterprise:{w.enterprise.pk}", "contact_name": "x",
                                      "contact_phone": "13800000000"})
    assert refused.status_code == 400
    filed = client.post(apply_url, {"applicant": f"enterprise:{w.other_enterprise.pk}", "contact_name": "x",
                                    "contact_phone": "13800000000"})
    assert filed.status_code == 302
    assert CaseFile.objects.get().enterprise == w.other_enterprise


def test_one_cannot_act_for_an_enterprise_not_theirs(world, client):
    client.force_login(world.applicant)
    assert client.post(reverse("casefiles:act_for"), {"uscc": world.other_enterprise.uscc}).status_code == 404


def test_a_member_leaves(world, client):
    client.force_login(world.applicant)
    client.post(reverse("casefiles:remove_member", kwargs={"uscc": world.enterprise.uscc, "user_id": world.applicant.pk}))
    assert not enterprises.is_member(fresh(world.applicant), world.enterprise)


@pytest.mark.parametrize("theme", ["default", "elder"])
def test_the_pages_in_both_themes(people, client, theme):
    client.cookies["yiwang_theme"] = theme
    client.force_login(people.boss)
    for url in (reverse("casefiles:my_enterprises"), reverse("casefiles:register_enterprise"), members_url(people.new)):
        page = client.get(url)
        assert page.status_code == 200
        assert f'data-theme="{theme}"' in page.content.decode()


def test_the_pages_speak_chinese(people, client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    client.force_login(people.boss)
    body = text(client.get(members_url(people.new)))
    assert "成员管理" in body or "企业成员" in body
    assert "管理员" in body and "邀请成员" in body
