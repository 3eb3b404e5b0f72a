"""A city's case files on PostgreSQL: 1,000,000 cases and their grants, for the listing and
submit benchmarks (bench/cases_listing.py, bench/cases_submit.py).

    .venv/bin/python bench/cases_generate.py [--cases 1000000] [--reset]

Works on a database of its own, ``yiwang_bench`` on the local cluster (DATABASE_URL overrides
it; it must be PostgreSQL) and the data folder /tmp/yiwang-casebench (YIWANG_VAR_DIR).
``--reset`` drops and recreates the database and migrates it; without it every step that is
already done is skipped, so running it twice changes nothing.

What it makes:
- 40 departments (bench/search_generate.py's list: the market regulator first, then a long
  tail of bureaus, district offices and town service centres) with their role groups and
  site pages, and 2–8 published guides each, three material requirements per guide.
- 20,000 enterprises (each with its members group and one member user), 100,000 persons
  (60 % with a user account), 20 window clerks, and seven staff per department.
- The cases, spread over departments by the same skew (about 175,000 at the market
  regulator; six more departments above 48,000), 80 % by enterprises, created over the last
  two years: recent ones open in every state, older ones mostly concluded. Statuses, dates,
  deadlines and numbers (per region and day, with the counters the number module would have
  left) are consistent with the workflow.
- Their grants exactly as casefiles.access.permissions makes them: a CaseGrant row per reason and
  principal, and guardian's direct foreign-key rows (CaseFileGroupObjectPermission /
  CaseFileUserObjectPermission) per permission — the applicant's (enterprise members group,
  or the person's user) from the start, the department's clerk / reviewer / decider groups
  from submission, a parallel approval's second department on 2 % of cases, and the window
  clerk as agent on the cases filed at the window.
- The named users the benchmarks act as: bench-clerk (clerk of 市自然资源局, about 49,000
  cases, and of a town centre, 5,500), bench-clerk-big (clerk of 市市场监管局 and 香洲区市场监管局),
  bench-reviewer (reviewer of 市市场监管局), bench-window, bench-supervisor, bench-lead (负责人 of 市市场监管局),
  bench-applicant (the member of an enterprise with 50 cases) and bench-citizen (the person with the most
  cases).
Case journals (CaseEvent) and materials are not generated: listings do not read them.

The rows are written set-based (COPY for the people, INSERT … SELECT over generate_series for
cases and grants) in one backend, without parallel workers, and the tables are vacuumed and
analysed at the end. Deterministic for a given --seed.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/yiwang_bench"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")
os.environ.setdefault("DATABASE_URL", BENCH_DATABASE_URL)
os.environ.setdefault("YIWANG_VAR_DIR", "/tmp/yiwang-casebench")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group, Permission, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from bench.search_generate import BRANDS, DEPARTMENTS, GIVEN, ITEMS, ROADS, SURNAMES, TRADES, WEIGHTS  # noqa: E402
from casefiles.cases.models import CaseFile
from casefiles.directory import protected, roles  # noqa: E402
from casefiles.directory.identifiers import USCC_ALPHABET, resident_id_check_character, uscc_check_character  # noqa: E402
from casefiles.directory.models import Department, DepartmentRole, Enterprise, Person

ENTERPRISES = 20_000
PERSONS = 100_000
PERSON_USER_SHARE = 0.6
WINDOW_CLERKS = 20
STAFF_PER_DEPARTMENT = {"clerk": 2, "reviewer": 2, "decider": 2, "editor": 1}
ENTERPRISE_SHARE = 0.8
PARALLEL_SHARE = 0.02
DAYS = 730
UNUSABLE_PASSWORD = "!bench-generated"  # Django's mark for "no password can match"

# Guides of the departments that bench/search_generate.py lists none for.
LOCAL_ITEMS = [
    "居住证申领", "城乡居民基本养老保险参保登记", "老年人优待证办理", "临时救助申请", "最低生活保障申请",
    "残疾人两项补贴申请", "门牌号码编制", "户外广告设置审批", "占道经营许可", "建筑垃圾处置核准",
]
REQUIREMENTS = [("申请书", True, False), ("营业执照或身份证明", True, True), ("其他补充材料", False, False)]


def region_of(code: str, index: int) -> str:
    if code.startswith("XZ-") or code == "GBJD":
        return "440402"
    if code.startswith("JW-"):
        return "440404"
    if code.startswith("DM-"):
        return "440403"
    if code.startswith("TOWN"):
        return ("440402", "440403", "440404")[index % 3]
    return "440400"


def log(message: str, started: float | None = None) -> None:
    suffix = f" ({time.perf_counter() - started:.1f} s)" if started is not None else ""
    print(f"{message}{suffix}", flush=True)


# --- the database ------------------------------------------------------------------------

def reset_database() -> None:
    """Drop and recreate the bench database (never anything else), then migrate it."""
    import psycopg

    db = settings.DATABASES["default"]
    if db["NAME"] != "yiwang_bench" and not db["NAME"].startswith("yiwang_bench"):
        raise SystemExit(f"--reset only drops a database named yiwang_bench*, not {db['NAME']!r}")
    connection.close()
    with psycopg.connect(host=db["HOST"] or None, port=db["PORT"] or None, user=db["USER"], password=db["PASSWORD"] or None,
                         dbname="postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{db["NAME"]}"')


def migrate() -> None:
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    log("migrated", started)


def bulk_session(cursor) -> None:
    """One backend, no parallel workers (the machine is shared), no per-row FK triggers (the
    rows are consistent by construction), and memory for the sorts and index updates."""
    for setting in ("max_parallel_workers_per_gather = 0", "max_parallel_maintenance_workers = 0", "synchronous_commit = off",
                    "work_mem = '256MB'", "maintenance_work_mem = '512MB'", "session_replication_role = replica"):
        cursor.execute(f"SET LOCAL {setting}")  # until the end of the transaction only


# --- departments and guides --------------------------------------------------------------

def departments_and_guides(rng: random.Random) -> list[Department]:
    """The departments (the site tree and role groups follow by signal) and their guides."""
    from cms.models import MaterialRequirement, ServiceItemPage
    from cms.sitetree import ensure_department_page, ensure_sections

    started = time.perf_counter()
    ensure_sections()
    roles.ensure_global_groups()
    items_of: dict[int, list[str]] = {}
    for dept_index, name, _license in ITEMS:
        items_of.setdefault(dept_index, []).append(name)
    departments = []
    made = 0
    for index, (code, short) in enumerate(DEPARTMENTS):
        name = short if short.startswith(("珠海", "香洲", "金湾", "斗门", "高新", "拱北", "镇街")) else f"珠海{short}"
        department, _created = Department.objects.get_or_create(
            code=code,
            defaults={"name": name, "short_name": short, "region_code": region_of(code, index),
                      "level": Department.Level.TOWN if code.startswith(("TOWN", "GBJD")) else Department.Level.CITY,
                      "phone": f"0756-{2100000 + index * 1111}", "address": f"珠海市{rng.choice(ROADS)}{index + 1}号"},
        )
        departments.append(department)
        page = ensure_department_page(department)
        names = items_of.get(index) or rng.sample(LOCAL_ITEMS, 2 + index % 2)
        for number, title in enumerate(names):
            item_code = f"11440400{index:02d}MB2C{number:02d}44401110{number:02d}000"
            if ServiceItemPage.objects.filter(item_code=item_code).exists():
                continue
            promised = rng.choice((3, 5, 7, 10, 15))
            item = page.add_child(instance=ServiceItemPage(
                title=title, slug=f"item-{number + 1}", item_code=item_code, statutory_days=rng.choice((20, 30)),
                promised_days=promised, tolerant_acceptance=number % 2 == 0, online_depth=4,
                summary=f"{name}办理{title}。",
            ))
            for requirement, required, deferrable in REQUIREMENTS:
                item.material_requirements.add(MaterialRequirement(name=requirement, required=required, deferrable=deferrable))
            item.save_revision().publish()
            made += 1
    log(f"departments: {len(departments)}, guides made: {made}", started)
    return departments


# --- people --------------------------------------------------------------------------------

def _code(number: int, length: int) -> str:
    digits = []
    base = len(USCC_ALPHABET)
    for _ in range(length):
        number, rest = divmod(number, base)
        digits.append(USCC_ALPHABET[rest])
    return "".join(reversed(digits))


def _name(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _copy(cursor, table: str, columns: list[str], rows) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def people(rng: random.Random, departments: list[Department]) -> None:
    if Enterprise.objects.count() >= ENTERPRISES:
        log("people: already there")
        return
    started = time.perf_counter()
    joined = "2024-11-01 09:00:00+08"
    with transaction.atomic(), connection.cursor() as cursor:
        bulk_session(cursor)
        cursor.execute("CREATE TEMP TABLE bench_new_user (username text, email text, first_name text, groups text[]) ON COMMIT DROP")
        cursor.execute(
            "CREATE TEMP TABLE bench_new_enterprise (n int, uscc text, name text, legal text, industry text, scale text, "
            "region text, address text, phone text) ON COMMIT DROP"
        )
        cursor.execute("CREATE TEMP TABLE bench_new_person (n int, name text, id_number text, phone text, address text, "
                       "username text, id_number_hash text, phone_hash text) ON COMMIT DROP")
        scales = ["micro"] * 6 + ["small"] * 3 + ["medium", "large"]
        enterprises, users = [], []
        for n in range(ENTERPRISES):
            trade, industry = rng.choice(TRADES)
            region = rng.choice(("440402", "440403", "440404", "440400"))
            uscc_body = f"91{region}{_code(1_000_000 + n * 7919, 9)}"
            uscc = uscc_body + uscc_check_character(uscc_body)
            enterprises.append((n, uscc, f"珠海{rng.choice(BRANDS)}{rng.choice(BRANDS)}{trade}有限公司", _name(rng), industry,
                                rng.choice(scales), region, f"珠海市{rng.choice(ROADS)}{rng.randrange(1, 999)}号",
                                f"0756-{rng.randrange(2000000, 8999999)}"))
            users.append((f"qy{n:05d}", f"qy{n:05d}@example.cn", _name(rng), [f"enterprise:{uscc}"]))
        persons = []
        for n in range(PERSONS):
            birth = f"{rng.randrange(1950, 2005)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
            body = f"{rng.choice(('440402', '440403', '440404'))}{birth}{n % 1000:03d}"
            name = _name(rng)
            username = f"gr{n:06d}" if rng.random() < PERSON_USER_SHARE else None
            persons.append((n, name, body + resident_id_check_character(body), f"13{rng.randrange(100000000, 999999999)}",
                            f"珠海市{rng.choice(ROADS)}{rng.randrange(1, 999)}号", username))
            if username:
                users.append((username, f"{username}@example.cn", name, []))
        # id numbers are unique in the table: the sequence digits and birth dates make collisions rare; drop them.
        seen, unique_persons = set(), []
        for person in persons:
            if person[2] not in seen:
                seen.add(person[2])
                unique_persons.append(person)
        window_group = roles.global_group(roles.WINDOW_CLERK).name
        for n in range(WINDOW_CLERKS):
            users.append((f"window-{n + 1:02d}", f"window-{n + 1:02d}@zhuhai.gov.cn", _name(rng), [window_group]))
        for department in departments:
            for role, count in STAFF_PER_DEPARTMENT.items():
                for k in range(count):
                    users.append((f"{department.code.lower()}-{role}-{k + 1}", f"{department.code.lower()}-{role}-{k + 1}@zhuhai.gov.cn",
                                  _name(rng), [roles.department_group_name(department, role)]))
        _copy(cursor, "bench_new_enterprise", ["n", "uscc", "name", "legal", "industry", "scale", "region", "address", "phone"],
              enterprises)
        # Encrypted at rest, with their digests, as the model writes them (casefiles.directory.protected).
        unique_persons = [(n, name, protected.encrypt(number), protected.encrypt(phone), address, username,
                           protected.digest(number), protected.digest(phone))
                          for n, name, number, phone, address, username in unique_persons]
        _copy(cursor, "bench_new_person", ["n", "name", "id_number", "phone", "address", "username", "id_number_hash",
                                           "phone_hash"], unique_persons)
        _copy(cursor, "bench_new_user", ["username", "email", "first_name", "groups"], users)
        cursor.execute("INSERT INTO auth_group (name) SELECT 'enterprise:' || uscc FROM bench_new_enterprise ORDER BY n")
        cursor.execute(
            "INSERT INTO casefiles_enterprise (uscc, name, legal_representative, industry, industry_code, scale, region_code, "
            "address, phone, members_group_id, created_at) "
            "SELECT e.uscc, e.name, e.legal, e.industry, '', e.scale, e.region, e.address, e.phone, g.id, %s "
            "FROM bench_new_enterprise e JOIN auth_group g ON g.name = 'enterprise:' || e.uscc ORDER BY e.n",
            [joined],
        )
        cursor.execute(
            "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined) "
            "SELECT %s, false, username, first_name, '', email, false, true, %s FROM bench_new_user ORDER BY username",
            [UNUSABLE_PASSWORD, joined],
        )
        cursor.execute(
            "INSERT INTO auth_user_groups (user_id, group_id) "
            "SELECT u.id, g.id FROM bench_new_user n JOIN auth_user u ON u.username = n.username "
            "CROSS JOIN LATERAL unnest(n.groups) AS wanted(name) JOIN auth_group g ON g.name = wanted.name"
        )
        cursor.execute(
            "INSERT INTO casefiles_person (name, id_number, phone, address, user_id, created_at, id_number_hash, phone_hash) "
            "SELECT p.name, p.id_number, p.phone, p.address, u.id, %s, p.id_number_hash, p.phone_hash FROM bench_new_person p "
            "LEFT JOIN auth_user u ON u.username = p.username ORDER BY p.n",
            [joined],
        )
    log(f"people: {ENTERPRISES} enterprises, {len(unique_persons)} persons, {len(users)} users", started)


# --- cases and grants ----------------------------------------------------------------------

# Status by age of the case (days since it was created): cumulative shares.
STATUS_BY_AGE = [
    (3, [("draft", .08), ("submitted", .48), ("correction_requested", .55), ("accepted", .75), ("under_review", .95),
         ("not_accepted", .97), ("withdrawn", 1)]),
    (30, [("draft", .03), ("submitted", .05), ("correction_requested", .08), ("accepted", .18), ("under_review", .48),
          ("denial_pending", .49), ("approved", .69), ("denied", .71), ("not_accepted", .74), ("withdrawn", .77),
          ("concluded", 1)]),
    (None, [("draft", .01), ("under_review", .013), ("approved", .033), ("denied", .043), ("not_accepted", .083),
            ("withdrawn", .113), ("concluded", 1)]),
]
ACCEPTED_STATES = ("accepted", "under_review", "denial_pending", "approved", "denied", "concluded")
DECIDED_STATES = ("approved", "denied", "concluded")


def _status_sql() -> str:
    parts = []
    for limit, shares in STATUS_BY_AGE:
        inner = " ".join(f"WHEN r_status < {share} THEN '{status}'" for status, share in shares[:-1])
        inner = f"CASE {inner} ELSE '{shares[-1][0]}' END"
        parts.append(f"WHEN age_days < {limit} THEN {inner}" if limit is not None else f"ELSE {inner}")
    return "CASE " + " ".join(parts) + " END"


def _in(values) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def cases_and_grants(total: int, seed: int, departments: list[Department]) -> None:
    from cms.models import ServiceItemPage

    if CaseFile.objects.exists():
        log(f"cases: already there ({CaseFile.objects.count()})")
        return
    started = time.perf_counter()
    weights = WEIGHTS[: len(departments)]
    scale = sum(weights)
    permission = {p.codename: p.pk for p in Permission.objects.filter(content_type__app_label="casefiles", codename__endswith="_casefile")}
    groups = {(link.department_id, link.role): link.group_id for link in DepartmentRole.objects.all()}
    window_users = list(User.objects.filter(username__startswith="window-").order_by("username").values_list("pk", flat=True))
    with transaction.atomic(), connection.cursor() as cursor:
        bulk_session(cursor)
        cursor.execute(
            "CREATE TEMP TABLE bench_dept (id bigint, region text, lo float8, hi float8, n_items int, "
            "clerk int, reviewer int, decider int) ON COMMIT DROP"
        )
        rows, low = [], 0.0
        for department, weight in zip(departments, weights):
            items = ServiceItemPage.objects.filter(department=department, live=True).count()
            high = low + weight / scale
            rows.append((department.pk, department.region_code[:6], low, high if department != departments[-1] else 1.0001, items,
                         groups[(department.pk, "clerk")], groups[(department.pk, "reviewer")], groups[(department.pk, "decider")]))
            low = high
        _copy(cursor, "bench_dept", ["id", "region", "lo", "hi", "n_items", "clerk", "reviewer", "decider"], rows)
        cursor.execute("CREATE TEMP TABLE bench_item ON COMMIT DROP AS "
                       "SELECT s.department_id AS dept_id, (row_number() OVER (PARTITION BY s.department_id ORDER BY p.path) - 1)::int AS n, "
                       "s.page_ptr_id AS item_id, s.item_code, p.title, s.promised_days AS promised, s.statutory_days AS statutory, "
                       "p.live_revision_id AS revision_id "
                       "FROM cms_serviceitempage s JOIN wagtailcore_page p ON p.id = s.page_ptr_id WHERE p.live")
        # An enterprise's USCC and phone as a case keeps them: encrypted, the code with its digest (one
        # token per enterprise, copied to each of its cases: every token decrypts on its own).
        cursor.execute("CREATE TEMP TABLE bench_ent_protected (id int, code text, code_hash text, phone text) ON COMMIT DROP")
        cursor.execute("SELECT id, uscc, phone FROM casefiles_enterprise")
        _copy(cursor, "bench_ent_protected", ["id", "code", "code_hash", "phone"],
              [(pk, protected.encrypt(uscc), protected.digest(uscc), protected.encrypt(phone))
               for pk, uscc, phone in cursor.fetchall()])
        cursor.execute("CREATE TEMP TABLE bench_ent ON COMMIT DROP AS SELECT (row_number() OVER (ORDER BY e.id))::int AS n, e.id, "
                       "e.name, x.code AS uscc, x.code_hash, e.legal_representative AS legal, x.phone, "
                       "e.members_group_id AS group_id, m.user_id "
                       "FROM casefiles_enterprise e JOIN bench_ent_protected x ON x.id = e.id "
                       "LEFT JOIN LATERAL (SELECT min(ug.user_id) AS user_id FROM auth_user_groups ug "
                       "WHERE ug.group_id = e.members_group_id) m ON true")
        cursor.execute("CREATE TEMP TABLE bench_person ON COMMIT DROP AS SELECT (row_number() OVER (ORDER BY id))::int AS n, id, "
                       "name, id_number, id_number_hash, phone, user_id FROM casefiles_person")
        cursor.execute("CREATE TEMP TABLE bench_window (n int, user_id int) ON COMMIT DROP")
        _copy(cursor, "bench_window", ["n", "user_id"], list(enumerate(window_users)))
        for table in ("bench_dept", "bench_item", "bench_ent", "bench_person", "bench_window"):
            cursor.execute(f"ANALYZE {table}")
        cursor.execute("SELECT count(*) FROM bench_ent")
        n_ent = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM bench_person")
        n_person = cursor.fetchone()[0]

        step = time.perf_counter()
        cursor.execute("SELECT setseed(%s)", [(seed % 1000) / 1000])
        # Each case's draws, then everything about it computed from them in one statement.
        cursor.execute(f"""
            CREATE TEMP TABLE bench_case ON COMMIT DROP AS
            WITH draw AS (
                SELECT g, random() AS r_dept, random() AS r_item, random() AS r_kind, random() AS r_app, random() AS r_age,
                       random() AS r_status, random() AS r_chan, random() AS r_t1, random() AS r_t2, random() AS r_par,
                       random() AS r_pardept, random() AS r_window
                FROM generate_series(1, {int(total)}) g
            ), base AS (
                SELECT d.*, dep.id AS department_id, dep.region, dep.clerk, dep.reviewer, dep.decider,
                       it.item_id, it.item_code, it.title, it.promised, it.statutory, it.revision_id,
                       d.r_age * {DAYS} AS age_days,
                       CASE WHEN d.r_chan < 0.10 THEN 'window' WHEN d.r_chan < 0.13 THEN 'self_service' ELSE 'online' END AS channel
                FROM draw d
                JOIN bench_dept dep ON d.r_dept >= dep.lo AND d.r_dept < dep.hi
                JOIN bench_item it ON it.dept_id = dep.id AND it.n = floor(d.r_item * dep.n_items)::int
            ), st AS (
                SELECT base.*, now() - age_days * interval '1 day' AS created_at, {_status_sql()} AS status FROM base
            ), dated AS (
                SELECT st.*,
                       CASE WHEN status <> 'draft' THEN created_at + r_t1 * interval '3 hours' END AS submitted_at
                FROM st
            ), accepted AS (
                SELECT dated.*,
                       CASE WHEN status IN {_in(ACCEPTED_STATES)}
                            THEN least(now(), submitted_at + r_t2 * interval '2 days') END AS accepted_at
                FROM dated
            )
            SELECT a.g, a.department_id, a.region, a.clerk, a.reviewer, a.decider, a.item_id, a.item_code, a.title,
                   a.revision_id, a.channel, a.status, a.created_at, a.submitted_at, a.accepted_at,
                   CASE WHEN a.status IN {_in(DECIDED_STATES)}
                        THEN least(now(), a.accepted_at + a.r_t1 * a.promised * 1.4 * interval '1 day') END AS decided_at,
                   (a.accepted_at AT TIME ZONE 'Asia/Shanghai')::date + ceil(a.promised * 1.4)::int AS promised_due,
                   (a.accepted_at AT TIME ZONE 'Asia/Shanghai')::date + ceil(a.statutory * 1.4)::int AS statutory_due,
                   CASE WHEN a.status = 'correction_requested'
                        THEN (a.submitted_at AT TIME ZONE 'Asia/Shanghai')::date + 15 END AS correction_due,
                   e.id AS enterprise_id, e.group_id AS enterprise_group, p.id AS person_id, p.user_id AS person_user,
                   coalesce(e.name, p.name) AS applicant_name, coalesce(e.uscc, p.id_number) AS applicant_code,
                   coalesce(e.code_hash, p.id_number_hash) AS applicant_code_hash,
                   coalesce(e.legal, p.name) AS contact_name, coalesce(e.phone, p.phone) AS contact_phone,
                   CASE WHEN a.channel = 'window' THEN w.user_id END AS window_user,
                   CASE WHEN a.channel = 'window' THEN w.user_id ELSE coalesce(e.user_id, p.user_id) END AS submitted_by,
                   CASE WHEN a.r_par < {PARALLEL_SHARE} AND a.status <> 'draft' AND pd.id <> a.department_id THEN pd.id END AS parallel_dept,
                   pd.clerk AS p_clerk, pd.reviewer AS p_reviewer, pd.decider AS p_decider,
                   row_number() OVER (ORDER BY a.created_at, a.g) AS id
            FROM accepted a
            LEFT JOIN bench_ent e ON a.r_kind < {ENTERPRISE_SHARE} AND e.n = 1 + floor(a.r_app * {n_ent})::int
            LEFT JOIN bench_person p ON a.r_kind >= {ENTERPRISE_SHARE} AND p.n = 1 + floor(a.r_app * {n_person})::int
            LEFT JOIN bench_window w ON w.n = floor(a.r_window * {len(window_users)})::int
            JOIN bench_dept pd ON a.r_pardept >= pd.lo AND a.r_pardept < pd.hi
        """)
        log("  drawn", step)

        # Ids in order of creation, as the table would have them after two years of use.
        step = time.perf_counter()
        cursor.execute(f"""
            INSERT INTO casefiles_casefile (
                id, number, verification_code, item_code, item_title, applicant_name, applicant_code, applicant_code_hash, contact_name,
                contact_phone, contact_email, channel, form_data, status, version, created_at, submitted_at, accepted_at,
                deemed_accepted, decided_at, concluded_at, promised_due, statutory_due, deadline_provisional, deferred_due,
                correction_due, acceptance_due, journal_head, journal_length, department_id, enterprise_id, item_id, item_revision_id,
                parent_id, person_id, submitted_by_id, is_bundle)
            SELECT id,
                   region || to_char(created_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD')
                          || lpad((row_number() OVER (PARTITION BY region, (created_at AT TIME ZONE 'Asia/Shanghai')::date
                                                      ORDER BY created_at, g))::text, 6, '0'),
                   upper(translate(substr(md5(g::text), 1, 8), '01', '23')),
                   item_code, title, applicant_name, applicant_code, applicant_code_hash, contact_name, contact_phone, '', channel,
                   '{{}}'::jsonb,
                   status, CASE status WHEN 'draft' THEN 0 WHEN 'submitted' THEN 1 ELSE 3 END,
                   created_at, submitted_at, accepted_at, false, decided_at,
                   CASE WHEN status = 'concluded' THEN least(now(), decided_at + interval '1 day') END,
                   promised_due, statutory_due, false, NULL, correction_due,
                   (submitted_at AT TIME ZONE 'Asia/Shanghai')::date + 7, '', 0,
                   department_id, enterprise_id, item_id, revision_id, NULL, person_id, submitted_by, false
            FROM bench_case ORDER BY id
        """)
        cursor.execute("SELECT setval(pg_get_serial_sequence('casefiles_casefile', 'id'), (SELECT max(id) FROM casefiles_casefile))")
        cursor.execute(
            "INSERT INTO casefiles_casenumbercounter (prefix, value) "
            "SELECT 'C' || left(number, 14), max(right(number, 6)::int) FROM casefiles_casefile GROUP BY 1"
        )
        log(f"  {total} cases", step)
        # The triggers are off in this session (session_replication_role): what they keep is
        # written here, as migrations 0013 and 0014 would have it.
        step = time.perf_counter()
        cursor.execute("""
            INSERT INTO casefiles_casetally (department_id, status, delta)
            SELECT department_id, status, count(*) FROM casefiles_casefile GROUP BY department_id, status
        """)
        log("  case tallies", step)

        # Grants, case by case in the order permissions.grant makes them: the applicant's at
        # start (and the window clerk's as agent), the department's roles at submission, a
        # parallel approval's second department after that.
        step = time.perf_counter()
        applicant_perms = '["view_casefile", "apply_casefile"]'
        role_perms = {"clerk": '["view_casefile", "accept_casefile"]', "reviewer": '["view_casefile", "review_casefile"]',
                      "decider": '["view_casefile", "review_casefile", "decide_casefile"]'}
        cursor.execute(f"""
            INSERT INTO casefiles_casegrant (reason, permissions, created_at, case_id, group_id, user_id, case_status,
                                             case_department_id)
            SELECT reason, permissions::jsonb, created_at, case_id, group_id, user_id, case_status,
                   CASE WHEN reason IN ('parallel', 'agent') THEN department_id END FROM (
                SELECT id AS case_id, 1 AS k, 'applicant' AS reason, '{applicant_perms}' AS permissions, created_at,
                       enterprise_group AS group_id, NULL::int AS user_id, '' AS case_status, department_id FROM bench_case WHERE enterprise_group IS NOT NULL
                UNION ALL
                SELECT id, 1, 'applicant', '{applicant_perms}', created_at, NULL, person_user, '', department_id FROM bench_case
                    WHERE person_user IS NOT NULL
                UNION ALL
                SELECT id, 2, 'agent', '{applicant_perms}', created_at, NULL, window_user, status, department_id FROM bench_case
                    WHERE window_user IS NOT NULL
                UNION ALL
                SELECT id, 3, 'department', '{role_perms["clerk"]}', submitted_at, clerk, NULL, '', department_id FROM bench_case WHERE status <> 'draft'
                UNION ALL
                SELECT id, 4, 'department', '{role_perms["reviewer"]}', submitted_at, reviewer, NULL, '', department_id FROM bench_case WHERE status <> 'draft'
                UNION ALL
                SELECT id, 5, 'department', '{role_perms["decider"]}', submitted_at, decider, NULL, '', department_id FROM bench_case WHERE status <> 'draft'
                UNION ALL
                SELECT id, 6, 'parallel', '{role_perms["clerk"]}', coalesce(accepted_at, submitted_at), p_clerk, NULL, status, department_id FROM bench_case WHERE parallel_dept IS NOT NULL
                UNION ALL
                SELECT id, 7, 'parallel', '{role_perms["reviewer"]}', coalesce(accepted_at, submitted_at), p_reviewer, NULL, status, department_id FROM bench_case WHERE parallel_dept IS NOT NULL
                UNION ALL
                SELECT id, 8, 'parallel', '{role_perms["decider"]}', coalesce(accepted_at, submitted_at), p_decider, NULL, status, department_id FROM bench_case WHERE parallel_dept IS NOT NULL
            ) grants ORDER BY case_id, k
        """)
        log("  case grants (reasons)", step)

        step = time.perf_counter()
        view, apply_, accept, review, decide = (permission[f"{c}_casefile"] for c in ("view", "apply", "accept", "review", "decide"))
        cursor.execute(f"""
            INSERT INTO casefiles_casefilegroupobjectpermission (content_object_id, group_id, permission_id)
            SELECT case_id, group_id, permission_id FROM (
                SELECT id AS case_id, 1 AS k, enterprise_group AS group_id, {view} AS permission_id FROM bench_case WHERE enterprise_group IS NOT NULL
                UNION ALL SELECT id, 2, enterprise_group, {apply_} FROM bench_case WHERE enterprise_group IS NOT NULL
                UNION ALL SELECT id, 3, clerk, {view} FROM bench_case WHERE status <> 'draft'
                UNION ALL SELECT id, 4, clerk, {accept} FROM bench_case WHERE status <> 'draft'
                UNION ALL SELECT id, 5, reviewer, {view} FROM bench_case WHERE status <> 'draft'
                UNION ALL SELECT id, 6, reviewer, {review} FROM bench_case WHERE status <> 'draft'
                UNION ALL SELECT id, 7, decider, {view} FROM bench_case WHERE status <> 'draft'
                UNION ALL SELECT id, 8, decider, {review} FROM bench_case WHERE status <> 'draft'
                UNION ALL SELECT id, 9, decider, {decide} FROM bench_case WHERE status <> 'draft'
                UNION ALL SELECT id, 10, p_clerk, {view} FROM bench_case WHERE parallel_dept IS NOT NULL
                UNION ALL SELECT id, 11, p_clerk, {accept} FROM bench_case WHERE parallel_dept IS NOT NULL
                UNION ALL SELECT id, 12, p_reviewer, {view} FROM bench_case WHERE parallel_dept IS NOT NULL
                UNION ALL SELECT id, 13, p_reviewer, {review} FROM bench_case WHERE parallel_dept IS NOT NULL
                UNION ALL SELECT id, 14, p_decider, {view} FROM bench_case WHERE parallel_dept IS NOT NULL
                UNION ALL SELECT id, 15, p_decider, {review} FROM bench_case WHERE parallel_dept IS NOT NULL
                UNION ALL SELECT id, 16, p_decider, {decide} FROM bench_case WHERE parallel_dept IS NOT NULL
            ) rows ORDER BY case_id, k
        """)
        cursor.execute(f"""
            INSERT INTO casefiles_casefileuserobjectpermission (content_object_id, user_id, permission_id)
            SELECT case_id, user_id, permission_id FROM (
                SELECT id AS case_id, 1 AS k, person_user AS user_id, {view} AS permission_id FROM bench_case WHERE person_user IS NOT NULL
                UNION ALL SELECT id, 2, person_user, {apply_} FROM bench_case WHERE person_user IS NOT NULL
                UNION ALL SELECT id, 3, window_user, {view} FROM bench_case WHERE window_user IS NOT NULL
                UNION ALL SELECT id, 4, window_user, {apply_} FROM bench_case WHERE window_user IS NOT NULL
            ) rows ORDER BY case_id, k
        """)
        log("  guardian rows", step)
    log(f"cases and grants: {total}", started)


# --- the users the benchmarks act as ---------------------------------------------------------

def bench_users(departments: list[Department]) -> None:
    by_code = {d.code: d for d in departments}

    def staff(username, *groups):
        user, _created = User.objects.get_or_create(username=username, defaults={"email": f"{username}@zhuhai.gov.cn"})
        user.set_unusable_password()
        user.save()
        user.groups.set(groups)
        return user

    staff("bench-clerk", by_code["ZRZYJ"].group("clerk"), by_code["TOWN05"].group("clerk"))
    staff("bench-clerk-big", by_code["SCJGJ"].group("clerk"), by_code["XZ-SCJGJ"].group("clerk"))
    staff("bench-reviewer", by_code["SCJGJ"].group("reviewer"))
    staff("bench-window", roles.global_group(roles.WINDOW_CLERK))
    staff("bench-supervisor", roles.global_group(roles.SUPERVISOR))
    staff("bench-lead", by_code["SCJGJ"].group("lead"))  # 负责人 of the market regulator (电子监察's dashboard)
    with connection.cursor() as cursor:
        if not User.objects.filter(username="bench-applicant").exists():
            # The enterprise whose case count is nearest 50; its (only) member becomes bench-applicant.
            cursor.execute("SELECT enterprise_id FROM casefiles_casefile WHERE enterprise_id IS NOT NULL GROUP BY 1 "
                           "ORDER BY abs(count(*) - 50), 1 LIMIT 1")
            enterprise = Enterprise.objects.get(pk=cursor.fetchone()[0])
            member = enterprise.members_group.user_set.order_by("pk").first()
            member.username = "bench-applicant"
            member.save(update_fields=["username"])
        if not User.objects.filter(username="bench-citizen").exists():
            cursor.execute("SELECT c.person_id FROM casefiles_casefile c JOIN casefiles_person p ON p.id = c.person_id "
                           "WHERE p.user_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
            person = Person.objects.get(pk=cursor.fetchone()[0])
            User.objects.filter(pk=person.user_id).update(username="bench-citizen")
    log("bench users: bench-clerk, bench-clerk-big, bench-reviewer, bench-window, bench-supervisor, bench-applicant, bench-citizen")


def vacuum_analyze() -> None:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET max_parallel_maintenance_workers = 0")
        for table in ("casefiles_casefile", "casefiles_casegrant", "casefiles_casefilegroupobjectpermission",
                      "casefiles_casefileuserobjectpermission", "casefiles_enterprise", "casefiles_person", "auth_user",
                      "auth_user_groups", "auth_group", "casefiles_casenumbercounter", "casefiles_casetally"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    log("vacuumed and analysed", started)


def summary() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
        cursor.execute("SELECT d.code, count(*) FROM casefiles_casefile c JOIN casefiles_department d ON d.id = c.department_id "
                       "GROUP BY 1 ORDER BY 2 DESC LIMIT 8")
        biggest = ", ".join(f"{code} {n}" for code, n in cursor.fetchall())
        counts = {}
        for table in ("casefiles_casefile", "casefiles_casegrant", "casefiles_casefilegroupobjectpermission",
                      "casefiles_casefileuserobjectpermission"):
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
    print(f"database {connection.settings_dict['NAME']}: {size}")
    for table, n in counts.items():
        print(f"  {table}: {n:,}")
    print(f"  largest departments: {biggest}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261121)
    parser.add_argument("--reset", action="store_true", help="drop and recreate the bench database first")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("the case benchmarks run on PostgreSQL: set DATABASE_URL (default " + BENCH_DATABASE_URL + ")")
    started = time.perf_counter()
    if args.reset:
        reset_database()
    migrate()
    rng = random.Random(args.seed)
    departments = departments_and_guides(rng)
    people(rng, departments)
    cases_and_grants(args.cases, args.seed, departments)
    bench_users(departments)
    vacuum_analyze()
    summary()
    log("done", started)


if __name__ == "__main__":
    main()
