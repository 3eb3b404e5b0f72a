"""The Zhuhai demo's directory: departments the seed reports name, a user for every role,
applicants. Passwords are for development only and documented in docs/demo.md."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from casefiles.directory import protected, roles
from casefiles.directory.identifiers import resident_id_check_character, uscc_check_character
from casefiles.directory.models import Department, Enterprise, Person
from cms.editing import central_reviewer_group  # the guide review group belongs to publishing
from cms.sitetree import ensure_department_page

DEMO_PASSWORD = "yiwang-demo-2026"
ZHUHAI = "440400"


WEEKDAYS = "工作日 9:00–12:00，13:30–17:00"
SUMMER = "工作日 9:00–12:00，14:30–17:30（夏令时）；其余时间 9:00–12:00，14:00–17:00"
CENTRE = "工作日 9:00–12:00，13:30–17:00；周六 9:00–12:00（部分事项）"


@dataclass(frozen=True)
class DemoDepartment:
    code: str
    name: str
    short_name: str
    level: str = Department.Level.CITY
    region_code: str = ZHUHAI
    parent: str | None = None
    phone: str = ""
    address: str = ""
    hours: str = WEEKDAYS  # the department page's 办公时间


DEPARTMENTS = [
    DemoDepartment("ZSJ", "珠海市政务服务和数据管理局", "市政数局", phone="0756-12345",
                   address="珠海市香洲区红山路288号珠海市政务服务中心", hours=CENTRE),
    DemoDepartment("SCJGJ", "珠海市市场监督管理局", "市市场监管局", phone="0756-2121315",
                   address="珠海市香洲区康宁路29号"),
    DemoDepartment("ZJJ", "珠海市住房和城乡建设局", "市住建局", phone="0756-2212345",
                   address="珠海市香洲区梅华东路362号"),
    DemoDepartment("ZRZYJ", "珠海市自然资源局", "市自然资源局", phone="0756-2222345",
                   address="珠海市香洲区兴业路2号"),
    DemoDepartment("STHJJ", "珠海市生态环境局", "市生态环境局", phone="0756-2112369",
                   address="珠海市香洲区翠香路1号", hours=SUMMER),
    DemoDepartment("WJJ", "珠海市卫生健康局", "市卫健局", phone="0756-2217700",
                   address="珠海市香洲区人民西路30号"),
    DemoDepartment("RSJ", "珠海市人力资源和社会保障局", "市人社局", phone="0756-12333",
                   address="珠海市香洲区人民东路128号"),
    DemoDepartment("GAJ", "珠海市公安局", "市公安局", phone="0756-8643110",
                   address="珠海市香洲区人民西路2号", hours="工作日 9:00–12:00，13:30–17:00；24小时报警电话 110"),
    DemoDepartment("SWJ", "国家税务总局珠海市税务局", "市税务局", phone="0756-12366",
                   address="珠海市香洲区九洲大道中1108号"),
    DemoDepartment("GJJ", "珠海市住房公积金管理中心", "市公积金中心", phone="0756-12329",
                   address="珠海市香洲区梅华西路256号"),
    DemoDepartment("BDCDJ", "珠海市不动产登记中心", "市不动产登记中心", parent="ZRZYJ", phone="0756-2539811",
                   address="珠海市香洲区红山路288号珠海市政务服务中心一楼", hours=CENTRE),
    DemoDepartment("FGJ", "珠海市发展和改革局", "市发展改革局", phone="0756-2121862",
                   address="珠海市香洲区人民东路2号"),
    DemoDepartment("GXJ", "珠海市工业和信息化局", "市工业和信息化局", phone="0756-2121573",
                   address="珠海市香洲区人民东路2号"),
    DemoDepartment("JTJ", "珠海市交通运输局", "市交通运输局", phone="0756-2223399",
                   address="珠海市香洲区迎宾南路1183号", hours=SUMMER),
    DemoDepartment("WGLTJ", "珠海市文化广电旅游体育局", "市文广旅体局", phone="0756-2222171",
                   address="珠海市香洲区海滨南路48号"),
    DemoDepartment("YBJ", "珠海市医疗保障局", "市医保局", phone="0756-12393",
                   address="珠海市香洲区红山路288号珠海市政务服务中心三楼", hours=CENTRE),
    DemoDepartment("MZJ", "珠海市民政局", "市民政局", phone="0756-2125123",
                   address="珠海市香洲区凤凰北路2022号"),
    DemoDepartment("SWJ-SW", "珠海市商务局", "市商务局", phone="0756-2121672",
                   address="珠海市香洲区景山路201号"),
    DemoDepartment(
        "XZ-SCJGJ", "珠海市香洲区市场监督管理局", "香洲区市场监管局", Department.Level.DISTRICT, "440402", "SCJGJ",
        phone="0756-2626315", address="珠海市香洲区凤凰南路1088号",
    ),
    DemoDepartment("XZ-ZSJ", "珠海市香洲区政务服务和数据管理局", "香洲区政数局", Department.Level.DISTRICT, "440402", "ZSJ",
                   phone="0756-2689012", address="珠海市香洲区吉大石花东路2号香洲区政务服务中心", hours=CENTRE),
    DemoDepartment("JW-ZSJ", "珠海市金湾区政务服务和数据管理局", "金湾区政数局", Department.Level.DISTRICT, "440404", "ZSJ",
                   phone="0756-7263345", address="珠海市金湾区金湖路1号金湾区政务服务中心", hours=CENTRE),
    DemoDepartment("DM-ZSJ", "珠海市斗门区政务服务和数据管理局", "斗门区政数局", Department.Level.DISTRICT, "440403", "ZSJ",
                   phone="0756-5502345", address="珠海市斗门区井岸镇白藤路68号斗门区政务服务中心", hours=CENTRE),
    DemoDepartment("GBJD", "珠海市香洲区拱北街道办事处", "拱北街道", Department.Level.TOWN, "440402003", "XZ-ZSJ",
                   phone="0756-8881256", address="珠海市香洲区拱北迎宾南路1081号",
                   hours="工作日 8:30–12:00，14:00–17:30"),
    DemoDepartment("GXQ", "珠海高新技术产业开发区管理委员会", "高新区管委会", Department.Level.PARK, "440400", "ZSJ",
                   phone="0756-3629900", address="珠海市高新区唐家湾镇港湾大道科技五路1号"),
]


def demo_uscc(body: str) -> str:
    """A USCC with the right check character for the given first 17 characters."""
    return body + uscc_check_character(body)


def demo_resident_id(body: str) -> str:
    return body + resident_id_check_character(body)


ENTERPRISES = [
    # (first 17 of the USCC, name, legal representative, industry, scale, region)
    ("91440400MA4WB3K1X", "珠海格创智能科技有限公司", "陈思远", "C", "small", "440402"),
    ("91440400MA55L8QJ2", "珠海海湾餐饮管理有限公司", "林晓燕", "H", "micro", "440402"),
    ("91440404MA51TY0C7", "珠海金湾新能源储能有限公司", "黄建国", "C", "medium", "440404"),
    ("92440402MA5AR7KP4", "珠海市香洲区拱北好味道小吃店", "何志强", "H", "micro", "440402"),
    ("91440400MA4X2Q8N9", "珠海横琴湾区建设工程有限公司", "郑海涛", "E", "large", "440400"),
    ("52440400MJL1234563", "珠海市青年创业促进会", "周敏", "S", "micro", "440400"),
]

# The registry's further facts (登记机关), as the policies' conditions read them (一企一档): the
# class of GB/T 4754, the date of establishment (as its 营业执照 prints it) and the registered
# capital in 10,000 yuan (none for a 个体工商户 or a social organisation).
REGISTRY = {
    "91440400MA4WB3K1X": ("C3912", date(2019, 6, 18), Decimal("500")),
    "91440400MA55L8QJ2": ("H6210", date(2021, 3, 9), Decimal("100")),
    "91440404MA51TY0C7": ("C3841", date(2020, 11, 20), Decimal("5000")),
    "92440402MA5AR7KP4": ("H6220", date(2018, 4, 2), None),
    "91440400MA4X2Q8N9": ("E4710", date(2016, 8, 1), Decimal("10000")),
    "52440400MJL123456": ("S9529", date(2017, 5, 12), None),
}

PERSONS = [
    # (first 17 of the identity number, name, username or None)
    ("44040219900101123", "张伟", "citizen1"),
    ("44040219851215246", "李娜", "citizen2"),
    ("44010419780308351", "王芳", None),
]


@transaction.atomic
def load_departments() -> dict[str, Department]:
    by_code: dict[str, Department] = {}
    for spec in DEPARTMENTS:
        department, _ = Department.objects.update_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "short_name": spec.short_name,
                "level": spec.level,
                "region_code": spec.region_code,
                "parent": by_code.get(spec.parent) if spec.parent else None,
                "phone": spec.phone,
                "address": spec.address,
                "is_active": True,
            },
        )
        by_code[spec.code] = department
    return by_code


@transaction.atomic
def load_department_pages(departments: dict[str, Department]) -> None:
    """Each department's page with its address, office hours and phone (after the site's tree:
    the content loads it). Filled where blank, so an editor's own words stay."""
    for spec in DEPARTMENTS:
        page = ensure_department_page(departments[spec.code])
        wanted = {"address": spec.address, "hours": spec.hours, "phone": spec.phone}
        changed = {field: value for field, value in wanted.items() if value and not getattr(page, field)}
        if changed:
            for field, value in changed.items():
                setattr(page, field, value)
            page.save_revision().publish()


def _user(username, password_hash, **fields):
    User = get_user_model()
    user, _ = User.objects.update_or_create(username=username, defaults={"password": password_hash, **fields})
    return user


@transaction.atomic
def load_people(departments: dict[str, Department]) -> dict[str, object]:
    """A user per role of every city-level department, the global roles, and applicants."""
    password_hash = make_password(DEMO_PASSWORD)  # hashed once: PBKDF2 per user would take seconds
    users = {}
    users["admin"] = _user("admin", password_hash, is_staff=True, is_superuser=True, first_name="系统管理员")
    for role, title in (("window_clerk", "综合窗口"), ("supervisor", "电子监察")):
        user = _user(role.replace("_clerk", ""), password_hash, is_staff=True, first_name=title)
        user.groups.add(roles.global_group(role))
        users[role] = user
    users["central_reviewer"] = _user("central-reviewer", password_hash, is_staff=True, first_name="市政数局指南审核员")
    users["central_reviewer"].groups.add(central_reviewer_group())
    role_titles = {"clerk": "受理员", "reviewer": "审查员", "decider": "决定人", "editor": "编辑", "lead": "负责人"}
    for code, department in departments.items():
        if department.level != Department.Level.CITY and code not in ("XZ-SCJGJ", "GXQ"):
            continue
        for role, title in role_titles.items():
            username = f"{code.lower()}-{role}"
            user = _user(username, password_hash, is_staff=True, first_name=f"{department.display_name}{title}")
            roles.grant_role(user, department, role)
            users[username] = user

    for index, (body, name, legal_rep, industry, scale, region) in enumerate(ENTERPRISES, start=1):
        uscc = demo_uscc(body[:17])
        industry_code, established_on, capital = REGISTRY[body[:17]]
        enterprise, _ = Enterprise.objects.update_or_create(
            uscc=uscc,
            defaults={
                "name": name,
                "legal_representative": legal_rep,
                "industry": industry,
                "industry_code": industry_code,
                "established_on": established_on,
                "registered_capital": capital,
                "scale": scale,
                "region_code": region,
            },
        )
        user = _user(f"enterprise{index}", password_hash, first_name=name)
        enterprise.add_member(user)
        users[user.username] = user

    for body, name, username in PERSONS:
        defaults = {"name": name}
        if username:
            defaults["user"] = _user(username, password_hash, first_name=name)
            users[username] = defaults["user"]
        number = demo_resident_id(body)
        Person.objects.update_or_create(id_number_hash__in=protected.digests(number), defaults={"id_number": number, **defaults})
    return users
