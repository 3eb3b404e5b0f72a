import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from casefiles.directory import roles
from casefiles.directory.models import Department, DepartmentRole


def test_a_new_department_gets_its_five_role_groups(department):
    links = {link.role: link.group for link in DepartmentRole.objects.filter(department=department)}
    assert set(links) == {"clerk", "reviewer", "decider", "editor", "lead"}
    assert department.group("lead").name == "珠海市市场监督管理局·负责人 [SCJGJ:lead]"
    assert department.group("clerk").name == "珠海市市场监督管理局·受理 [SCJGJ:clerk]"


def test_renaming_a_department_renames_its_groups_and_keeps_members(department, make_user):
    clerk = make_user("clerk")
    roles.grant_role(clerk, department, "clerk")
    group_id = department.group("clerk").pk
    department.name = "珠海市市场监管局"
    department.save()
    group = department.group("clerk")
    assert group.pk == group_id
    assert group.name.startswith("珠海市市场监管局·受理")
    assert list(group.user_set.all()) == [clerk]
    assert DepartmentRole.objects.filter(department=department).count() == 5


def test_global_role_groups_exist_after_migration(db):
    assert Group.objects.filter(name__in=["window_clerk", "supervisor"]).count() == 2


def test_roles_are_read_from_membership(department, make_user):
    other = Department.objects.create(code="ZJJ", name="珠海市住房和城乡建设局", region_code="440400")
    user = make_user("reviewer")
    roles.grant_role(user, department, "reviewer")
    assert list(roles.departments_where(user, "reviewer")) == [department]
    assert list(roles.departments_where(user, "clerk")) == []
    assert other not in roles.departments_where(user, "reviewer")
    assert not roles.has_global_role(user, roles.SUPERVISOR)
    user.groups.add(roles.global_group(roles.SUPERVISOR))
    assert roles.has_global_role(user, roles.SUPERVISOR)


def test_department_tree(department):
    district = Department.objects.create(
        code="XZ-SCJGJ", name="香洲区市场监管局", parent=department, level=Department.Level.DISTRICT, region_code="440402"
    )
    town = Department.objects.create(
        code="GBJD", name="拱北街道", parent=district, level=Department.Level.TOWN, region_code="440402003"
    )
    assert town.ancestors() == [district, department]
    assert set(department.descendant_ids()) == {district.pk, town.pk}
    assert district.descendant_ids() == [town.pk]


def test_a_department_cannot_be_its_own_ancestor(department):
    child = Department.objects.create(code="CHILD", name="下级", parent=department, region_code="440402")
    department.parent = child
    with pytest.raises(ValidationError) as caught:
        department.full_clean()
    assert "parent" in caught.value.message_dict


@pytest.mark.parametrize("region_code", ["4404", "44040", "4404021", "44040A"])
def test_region_codes_are_6_9_or_12_digits(db, region_code):
    with pytest.raises(ValidationError):
        Department(code="X", name="X", region_code=region_code).full_clean()


def test_department_admin_lists_and_creates(client, db, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="pw-for-tests-only")
    client.force_login(admin)
    response = client.get("/admin/departments/")
    assert response.status_code == 200
    response = client.post(
        "/admin/departments/new/",
        {"code": "GAJ", "name": "珠海市公安局", "short_name": "", "level": "city", "region_code": "440400", "is_active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Department.objects.get(code="GAJ")
    assert created.roles.count() == 5
