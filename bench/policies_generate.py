"""惠企政策 at a city's scale: 20,000 enterprises with their files and 2,000 policies with 1–5
eligibility conditions each, for bench/policies_bench.py.

    .venv/bin/python bench/policies_generate.py [--seed 18]                      # SQLite, /tmp/yiwang-policybench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/policybench .venv/bin/python bench/policies_generate.py

Works in its own data folder (YIWANG_VAR_DIR, default /tmp/yiwang-policybench: the SQLite file
``yiwang.sqlite3`` is there unless DATABASE_URL names another database), migrates it, and makes
what is not there yet: run it twice and the second run changes nothing, so the data is made once
and the bench reuses it (delete the folder, or drop the database, to start again).

What it makes (deterministic for a given --seed):
- 6 departments with their site pages, 8 published service items (4 whose concluded cases
  conditions name), 5 license types with one signing key, 3 qualifications.
- 20,000 enterprises (bulk_create, with their members groups), as the registry has them:
  industry class of GB/T 4754 (92 %; 6 % only the section, 2 % nothing), scale (micro 55 %,
  small 27 %, medium 11 %, large 4 %, 3 % unknown), region (the four districts of Zhuhai and
  the city itself; 5 % registered elsewhere in Guangdong), date of establishment (1995–2026,
  3 % unknown) and registered capital (log-normal around 200 × 10,000 yuan, 10 % unknown).
- Their files: 30 % declared something (employees, half of them also a scale or an industry
  class, some a date or capital); 80 % hold a 营业执照, 15 % a 食品经营许可证, a few percent the
  other types (6 % of the licenses expired or revoked, or out of date); 8 % hold a
  qualification on record, 4 % one only declared; 12,000 approved and concluded cases (with
  their ``approve`` journal event) of the four items.
- 2,000 policies (Wagtail pages under the departments' pages, live, made with ``add_child``
  without revisions: ~1 min on SQLite), 85 % in force, 10 % 免申即享, each with 1–5 conditions
  (bulk_create): industry (a section or a division, sometimes two or three alternatives), scale
  (one to three), region (the city or a district), years (at least / at most), capital,
  employees, a license, a qualification, a concluded item, or a free one checked by a person —
  the checks as each kind allows them (mostly verified, a quarter declared, a few by a person).
"""

import argparse
import os
import random
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")
os.environ.setdefault("YIWANG_VAR_DIR", "/tmp/yiwang-policybench")
os.environ.setdefault("DEBUG", "0")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

# Nothing published here pushes or finds anything: a worker's job, and no worker runs.
override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}).enable()

from casefiles.cases.models import CaseFile, Channel, Status  # noqa: E402
from casefiles.directory.identifiers import uscc_check_character  # noqa: E402
from casefiles.directory.models import Department, Enterprise  # noqa: E402
from casefiles.journal.models import CaseEvent  # noqa: E402
from casefiles.licenses.models import License, LicenseType, SigningKey  # noqa: E402
from casefiles.policies.models import Declaration, Qualification, QualificationHeld, Source  # noqa: E402
from cms import industries as gbt4754  # noqa: E402
from cms.models import Industry, PolicyCondition, PolicyPage, ServiceItemPage  # noqa: E402
from cms.sitetree import ensure_department_page, ensure_sections  # noqa: E402

ENTERPRISES = 20_000
POLICIES = 2_000
CONCLUDED = 12_000
ON = date(2026, 6, 15)  # the day the bench judges on; the data's dates are spread around it

DEPARTMENTS = [("GXJ", "珠海市工业和信息化局"), ("RSJ", "珠海市人力资源和社会保障局"), ("SCJGJ", "珠海市市场监督管理局"),
               ("SWJ-SW", "珠海市商务局"), ("KJJ", "珠海市科学技术局"), ("WGLTJ", "珠海市文化广电旅游体育局")]
LICENSE_TYPES = [("11100000000013338W011", "营业执照", 0.80), ("11100000000013338W025", "食品经营许可证", 0.15),
                 ("11100000MB0155630A007", "公共场所卫生许可证", 0.04), ("11100000000013013A011", "特种行业许可证", 0.02),
                 ("11100000000014227A001", "排污许可证", 0.03)]
QUALIFICATIONS = [("high-tech", "高新技术企业"), ("specialised-sme", "专精特新中小企业"), ("tech-sme", "科技型中小企业")]
ITEMS = ["工业企业技术改造投资项目备案", "社会保险登记（单位参保登记）", "就业登记（单位招用人员）", "企业投资项目备案",
         "工业和信息化专项资金申报", "失业保险稳岗返还", "社会保险补贴申领", "外经贸发展专项资金申报"]
DISTRICTS = ["440402", "440403", "440404", "440400"]
ELSEWHERE = ["440303", "440106", "440604", "442000"]
TITLES = ["关于支持{}高质量发展的若干措施", "{}专项资金管理办法", "促进{}发展扶持办法", "{}企业奖励实施细则",
          "关于做好{}稳岗就业工作的通知"]
SUBJECTS = ["中小企业", "制造业", "软件和信息技术服务业", "餐饮业", "外贸", "科技创新", "文化旅游", "新能源", "集成电路", "生物医药"]


def log(message, started=None):
    suffix = f" ({time.perf_counter() - started:.1f} s)" if started is not None else ""
    print(f"{message}{suffix}", flush=True)


def weighted(rng, pairs):
    values, weights = zip(*pairs)
    return rng.choices(values, weights)[0]


def classes() -> list[str]:
    """Class-level codes across the sections (the demo's list, and made-up classes of each division)."""
    found = [code for code, _name, _parent in gbt4754.rows() if len(code) == 5]
    for letter, divisions in gbt4754.DIVISIONS.items():
        for entry in divisions:
            number = entry.split(" ", 1)[0]
            found += [f"{letter}{number}{group}{cls}" for group in "12" for cls in "19"]
    return found


# --- the catalogue side ------------------------------------------------------------------------

def catalogue():
    started = time.perf_counter()
    ensure_sections()
    departments = []
    for code, name in DEPARTMENTS:
        department, _created = Department.objects.get_or_create(code=code, defaults={"name": name, "region_code": "440400"})
        departments.append(department)
    items = []
    page = ensure_department_page(departments[0])
    for number, title in enumerate(ITEMS):
        item_code = f"11440400MB2C7X5M19{number + 1:02d}17000101000"
        item = ServiceItemPage.objects.filter(item_code=item_code).first()
        if item is None:
            item = page.add_child(instance=ServiceItemPage(
                title=title, slug=f"bench-item-{number + 1}", item_code=item_code, department=departments[0],
                item_type=ServiceItemPage.ItemType.BENEFIT if number >= 4 else ServiceItemPage.ItemType.FILING,
                statutory_days=20, promised_days=10, online_depth=4))
            item.save_revision().publish()
            item = ServiceItemPage.objects.get(pk=item.pk)
        items.append(item)
    types = []
    for code, name, _share in LICENSE_TYPES:
        license_type, _created = LicenseType.objects.get_or_create(
            code=code, defaults={"name": name, "issuing_department": departments[2]})
        types.append(license_type)
    SigningKey.objects.get_or_create(key_id="bench-policies", defaults={
        "department": departments[2], "public_key": "bench", "private_key": "bench"})
    qualifications = [Qualification.objects.get_or_create(code=code, defaults={"name": name})[0]
                      for code, name in QUALIFICATIONS]
    log(f"catalogue: {len(departments)} departments, {len(items)} items, {len(types)} license types", started)
    return departments, items, types, qualifications


# --- the enterprises and their files -----------------------------------------------------------

def uscc(n: int) -> str:
    body = f"91440400MA{n:07d}"
    body = body[:17]
    return body + uscc_check_character(body)


def enterprises(rng):
    if Enterprise.objects.count() >= ENTERPRISES:
        log(f"enterprises: {Enterprise.objects.count()} there already")
        return
    started = time.perf_counter()
    codes = classes()
    groups = Group.objects.bulk_create([Group(name=f"enterprise:{uscc(n)}") for n in range(ENTERPRISES)], batch_size=2000)
    if any(g.pk is None for g in groups):  # SQLite before 3.35 returns no ids
        by_name = dict(Group.objects.filter(name__startswith="enterprise:").values_list("name", "pk"))
        for group in groups:
            group.pk = by_name[group.name]
    rows = []
    for n, group in enumerate(groups):
        code = rng.choice(codes)
        known = rng.random()
        industry_code, section = (code, code[0]) if known < 0.92 else ("", code[0]) if known < 0.98 else ("", "")
        rows.append(Enterprise(
            uscc=uscc(n), name=f"珠海市{n:05d}号有限公司", legal_representative="王五", industry=section,
            industry_code=industry_code,
            scale=weighted(rng, [("micro", 55), ("small", 27), ("medium", 11), ("large", 4), ("", 3)]),
            region_code=rng.choice(ELSEWHERE) if rng.random() < 0.05 else rng.choice(DISTRICTS),
            established_on=None if rng.random() < 0.03 else date(1995, 1, 1) + timedelta(days=rng.randrange(11_500)),
            registered_capital=None if rng.random() < 0.10 else Decimal(f"{min(rng.lognormvariate(5.3, 1.6), 9e8):.2f}"),
            members_group_id=group.pk))
    Enterprise.objects.bulk_create(rows, batch_size=2000)
    log(f"enterprises: {ENTERPRISES}", started)


def files(rng, departments, items, types, qualifications):
    if Declaration.objects.exists():
        log("files: there already")
        return
    started = time.perf_counter()
    ids = list(Enterprise.objects.order_by("pk").values_list("pk", "uscc", "name"))
    codes = classes()
    declarations = []
    for pk, _uscc, _name in ids:
        if rng.random() >= 0.30:
            continue
        values = {"employees": int(rng.lognormvariate(2.8, 1.3))}
        if rng.random() < 0.5:
            values["scale"] = weighted(rng, [("micro", 55), ("small", 30), ("medium", 12), ("large", 3)])
        if rng.random() < 0.5:
            values["industry_code"] = rng.choice(codes)
        if rng.random() < 0.2:
            values["established_on"] = date(2000, 1, 1) + timedelta(days=rng.randrange(9_500))
        if rng.random() < 0.2:
            values["registered_capital"] = Decimal(rng.randrange(10, 5000))
        declarations.append(Declaration(enterprise_id=pk, **values))
    Declaration.objects.bulk_create(declarations, batch_size=2000)
    key = SigningKey.objects.get(key_id="bench-policies")
    licenses = []
    for pk, code, name in ids:
        for license_type, (_code, _name, share) in zip(types, LICENSE_TYPES):
            if rng.random() >= share:
                continue
            issued = ON - timedelta(days=rng.randrange(3_000))
            status = weighted(rng, [(License.Status.VALID, 94), (License.Status.EXPIRED, 3), (License.Status.REVOKED, 3)])
            until = None if license_type.code.endswith("W011") else issued + timedelta(days=5 * 365)
            number = f"B{len(licenses):08d}"
            licenses.append(License(
                identifier=f"bench-{license_type.code}-{number}", number=number, license_type=license_type,
                holder_name=name, holder_code=code, holder_code_type=License.HolderCodeType.USCC, enterprise_id=pk,
                issuer=departments[2], issuer_name=departments[2].name, issuer_code="11440400MB2C9136XA",
                issue_date=issued, valid_from=issued, valid_until=until, status=status, signing_key=key,
                signature="bench"))
    License.objects.bulk_create(licenses, batch_size=2000)
    held = []
    for pk, _code, _name in ids:
        roll = rng.random()
        if roll < 0.12:
            qualification = rng.choice(qualifications)
            source = Source.VERIFIED if roll < 0.08 else Source.DECLARED
            until = None if rng.random() < 0.3 else ON + timedelta(days=rng.randrange(-400, 1100))
            held.append(QualificationHeld(enterprise_id=pk, qualification=qualification, source=source, valid_until=until))
    QualificationHeld.objects.bulk_create(held, batch_size=2000)
    cases, concluded_items = [], items[:4]
    chosen = rng.sample(ids, CONCLUDED)
    for n, (pk, code, name) in enumerate(chosen):
        item = rng.choice(concluded_items)
        cases.append(CaseFile(
            number=f"BP{n:09d}", item=item, item_code=item.item_code, item_title=item.title, department=departments[0],
            enterprise_id=pk, applicant_name=name, applicant_code=code, channel=Channel.ONLINE,
            status=Status.CONCLUDED if rng.random() < 0.9 else Status.APPROVED))
    CaseFile.objects.bulk_create(cases, batch_size=2000)
    if any(c.pk is None for c in cases):
        by_number = dict(CaseFile.objects.filter(number__startswith="BP").values_list("number", "pk"))
        for case in cases:
            case.pk = by_number[case.number]
    events = [CaseEvent(case_id=case.pk, sequence=1, action="approve", from_state="under_review", to_state="approved",
                        created_at=timezone.now(), hash="bench") for case in cases]
    CaseEvent.objects.bulk_create(events, batch_size=2000)
    log(f"files: {len(declarations)} declarations, {len(licenses)} licenses, {len(held)} qualifications held, "
        f"{len(cases)} cases with their approval", started)


# --- the policies ----------------------------------------------------------------------------

KINDS = [("industry", 30), ("scale", 18), ("region", 14), ("years", 8), ("capital", 6), ("employees", 6),
         ("license", 7), ("qualification", 5), ("concluded", 3), ("free", 3)]


def _check(rng, kind):
    allowed = [str(c) for c in PolicyCondition.CHECKS[PolicyCondition.Kind(kind)]]
    weights = {"verified": 70, "declared": 25, "person": 5}
    return weighted(rng, [(c, weights[c]) for c in allowed])


def _conditions(rng, policy, sections, divisions, items, types, qualifications):
    rows = []
    kinds = []
    for _n in range(rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5))):
        kind = weighted(rng, KINDS)
        alternatives = 1
        if kind in ("industry", "scale") and kind not in kinds:
            alternatives = weighted(rng, [(1, 60), (2, 25), (3, 15)])
        elif kind in kinds:
            continue  # one range per kind: a second one would be an alternative of the same kind
        kinds.append(kind)
        check = _check(rng, kind)
        values = []
        if kind == "industry":
            pool = sections if rng.random() < 0.4 else divisions
            values = [{"industry": i} for i in rng.sample(pool, alternatives)]
        elif kind == "scale":
            values = [{"scale": s} for s in rng.sample(["micro", "small", "medium", "large"], alternatives)]
        elif kind == "region":
            values = [{"region_code": rng.choice(["440400", "440400", "440402", "440403", "440404"])}]
        elif kind == "years":
            values = [rng.choice([{"minimum": Decimal(rng.choice((1, 2, 3, 5)))}, {"maximum": Decimal(rng.choice((3, 5, 10)))},
                                  {"minimum": Decimal(1), "maximum": Decimal(rng.choice((5, 8)))}])]
        elif kind == "capital":
            values = [rng.choice([{"minimum": Decimal(rng.choice((50, 100, 500, 1000)))}, {"maximum": Decimal(rng.choice((100, 500)))}])]
        elif kind == "employees":
            values = [rng.choice([{"minimum": Decimal(rng.choice((5, 10, 20)))}, {"maximum": Decimal(rng.choice((100, 300)))}])]
        elif kind == "license":
            values = [{"license_type": weighted(rng, list(zip(types, (50, 30, 8, 4, 8))))}]
        elif kind == "qualification":
            values = [{"qualification": rng.choice(qualifications)}]
        elif kind == "concluded":
            values = [{"item": rng.choice(items[:4])}]
        else:
            values = [{"text": "上年度未发生重大安全生产事故", "document": "安全生产情况说明"}]
        for value in values:
            rows.append(PolicyCondition(policy=policy, kind=kind, checked_by=check, sort_order=len(rows), **value))
    return rows


def _policy(rng, n, pages, departments, items):
    index = n % len(departments)
    published = ON - timedelta(days=rng.randrange(30, 1500))
    if rng.random() < 0.85:  # in force: until a date to come, or with no end
        expiry = None if rng.random() < 0.2 else ON + timedelta(days=rng.randrange(30, 1500))
    else:  # expired
        expiry = ON - timedelta(days=rng.randrange(1, (ON - published).days))
    return pages[index].add_child(instance=PolicyPage(
        title=rng.choice(TITLES).format(rng.choice(SUBJECTS)) + f"（第{n + 1}号）", slug=f"bench-policy-{n + 1}",
        department=departments[index], document_number=f"珠政〔{published.year}〕{n + 1}号",
        issuer=departments[index].name, publish_date=published, effective_date=published, expiry_date=expiry,
        category=rng.choice(PolicyPage.Category.values), free_to_enjoy=rng.random() < 0.10, benefit="一次性补贴",
        benefit_amount=Decimal(rng.choice((5000, 30000, 100000, 500000, 1000000))) if rng.random() < 0.7 else None,
        application_item=rng.choice(items[4:]), summary="扶持企业发展。", live=True))


def policies(rng, departments, items, types, qualifications):
    if PolicyPage.objects.count() >= POLICIES:
        log(f"policies: {PolicyPage.objects.count()} there already")
        return
    started = time.perf_counter()
    pages = [ensure_department_page(d) for d in departments]
    sections = list(Industry.objects.filter(code__regex=r"^[A-T]$"))
    divisions = list(Industry.objects.filter(code__regex=r"^[A-T][0-9]{2}$"))
    for unfinished in PolicyPage.objects.filter(conditions__isnull=True):  # an interrupted run's last chunk
        unfinished.delete()
    made = PolicyPage.objects.count()
    for chunk in range(made, POLICIES, 100):
        with transaction.atomic():  # a hundred policies with their conditions, or none
            conditions = []
            for n in range(chunk, min(chunk + 100, POLICIES)):
                policy = _policy(rng, n, pages, departments, items)
                conditions += _conditions(rng, policy, sections, divisions, items, types, qualifications)
            PolicyCondition.objects.bulk_create(conditions)
        if (chunk + 100) % 500 == 0:
            log(f"  {chunk + 100} policies", started)
    log(f"policies: {POLICIES - made} made, {PolicyCondition.objects.count()} conditions", started)


def analyse():
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    log(f"migrated {connection.vendor} database {connection.settings_dict['NAME']}", started)
    departments, items, types, qualifications = catalogue()
    enterprises(rng)
    files(rng, departments, items, types, qualifications)
    policies(rng, departments, items, types, qualifications)
    analyse()
    log("done", started)


if __name__ == "__main__":
    main()
