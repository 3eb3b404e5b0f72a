import re

from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from casefiles.demo.directory import DEMO_PASSWORD, DEPARTMENTS
from casefiles.directory.models import Department, DepartmentRole, Enterprise, Person


def counts():
    User = get_user_model()
    return (
        Department.objects.count(),
        DepartmentRole.objects.count(),
        User.objects.count(),
        Enterprise.objects.count(),
        Person.objects.count(),
        sum(user.groups.count() for user in User.objects.all()),
    )


def test_load_demo_is_idempotent(db):
    call_command("load_demo")
    first = counts()
    call_command("load_demo")
    assert counts() == first
    assert first[0] == len(DEPARTMENTS)


def test_demo_names_the_departments_of_the_reports_and_a_user_for_each_role(db):
    call_command("load_demo")
    names = set(Department.objects.values_list("name", flat=True))
    for expected in ["珠海市市场监督管理局", "珠海市住房和城乡建设局", "珠海市自然资源局", "珠海市生态环境局",
                     "珠海市卫生健康局", "珠海市人力资源和社会保障局", "珠海市公安局", "国家税务总局珠海市税务局",
                     "珠海市住房公积金管理中心", "珠海市不动产登记中心"]:
        assert expected in names
    levels = set(Department.objects.values_list("level", flat=True))
    assert levels == {"city", "district", "town", "park"}
    for role in ["clerk", "reviewer", "decider", "editor"]:
        user = authenticate(username=f"scjgj-{role}", password=DEMO_PASSWORD)
        assert user is not None
        assert user.groups.filter(department_role__role=role, department_role__department__code="SCJGJ").exists()
    assert authenticate(username="window", password=DEMO_PASSWORD).groups.filter(name="window_clerk").exists()
    assert authenticate(username="supervisor", password=DEMO_PASSWORD).groups.filter(name="supervisor").exists()
    enterprise_user = authenticate(username="enterprise1", password=DEMO_PASSWORD)
    assert enterprise_user.groups.filter(enterprise__isnull=False).exists()
    assert Person.objects.filter(user__username="citizen1").exists()


def test_every_demo_department_page_has_its_address_hours_and_phone(db, client):
    from cms.models import DepartmentPage

    call_command("load_demo")
    pages = DepartmentPage.objects.select_related("department")
    assert pages.count() == len(DEPARTMENTS)
    for page in pages:
        assert page.address.startswith("珠海市") and page.address == page.department.address, page.title
        assert page.hours.startswith("工作日") and "–" in page.hours, page.title
        assert re.fullmatch(r"0756-\d{3,8}", page.phone) and page.phone == page.department.phone, page.title
    market = pages.get(department__code="SCJGJ")
    html = client.get(market.url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "珠海市香洲区康宁路29号" in html and "工作日 9:00–12:00，13:30–17:00" in html and "0756-2121315" in html
    assert "<dd>—</dd>" not in html
    call_command("load_demo")  # again: nothing changes, no new revision of the page
    assert DepartmentPage.objects.get(pk=market.pk).revisions.count() == market.revisions.count()
