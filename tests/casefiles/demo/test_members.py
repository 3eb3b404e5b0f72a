from casefiles.demo.directory import load_departments, load_people
from casefiles.demo.members import HAIWAN, load_members
from casefiles.directory.lookup import person_with_mobile
from casefiles.directory.models import Enterprise
from casefiles.members import enterprises
from casefiles.members.models import Role


def test_the_demo_enterprise_has_an_administrator_and_a_handler(db):
    load_people(load_departments())
    load_members()
    load_members()  # idempotent: nothing changes, nothing journaled twice
    haiwan = Enterprise.objects.get(uscc=HAIWAN)
    roles = {m.user.username: m.role for m in enterprises.members(haiwan)}
    assert roles == {"enterprise2": Role.ADMINISTRATOR, "enterprise2-handler": Role.HANDLER}
    assert len(enterprises.mine(haiwan.members.get(username="enterprise2-handler"))) == 2  # she chooses whom she acts for
    assert [e.action for e in enterprises.journal(haiwan)] == ["appoint", "appoint"]
    assert person_with_mobile("13800138012").user.username == "citizen2"
