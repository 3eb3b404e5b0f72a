"""Bundle benchmark: one six-item bundle with shared materials against the six items filed apart.

    .venv/bin/python bench/bundle_submit.py               # 15 rounds of each
    .venv/bin/python bench/bundle_submit.py --rounds 30

It works in its own data folder (/tmp/yiwang-bench-bundles, made anew on every run; SQLite,
files in its media folder; nothing in var/ is touched), migrates, and builds six guides of six
departments — as 企业开办 does — each asking for four materials: the three every item of a new
business asks for (营业执照, 法定代表人身份证件, 住所使用证明, shared) and one form of its own.
The materials are six one-page PDFs made once with WeasyPrint (Chinese text, 20–40 KB).

Round by round, as the applicant does online, it times:
- **bundle**: ``bundle_applications.start`` (parent + six drafts), ``add_shared_files`` with the 9
  combined materials (3 shared, 6 own: one form posted) and ``bundle_applications.submit``;
- **separate**: six times ``applications.start``, ``materials.add`` for each of the item's 4
  materials (24 uploads in all, the same files) and ``workflow.perform(case, "submit")``;
and prints the median and p95 per bundle (per six applications), the stored file bytes and
material rows of each, and the ratios. Text extraction is only enqueued (django-tasks'
DummyBackend, as with a worker queue); email goes to the dummy backend.
"""

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VAR_DIR = Path("/tmp/yiwang-bench-bundles")
shutil.rmtree(VAR_DIR, ignore_errors=True)
VAR_DIR.mkdir(parents=True)
os.environ["YIWANG_VAR_DIR"] = str(VAR_DIR)
os.environ.pop("DATABASE_URL", None)
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.development"
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["DEBUG"] = "0"

import django  # noqa: E402

django.setup()

from bench import _machine  # noqa: E402

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

SHARED = ("营业执照", "法定代表人身份证件", "住所使用证明")
ITEMS = (
    ("SCJGJ", "市场监督管理局", "企业设立登记", "公司登记（备案）申请书"),
    ("GAJ", "公安局", "公章刻制备案", "印章刻制申请表"),
    ("SWJ", "税务局", "发票领用", "发票领用申请表"),
    ("RSJ", "人力资源和社会保障局", "社会保险登记", "社会保险登记表"),
    ("GJJ", "住房公积金管理中心", "住房公积金单位缴存登记", "住房公积金单位缴存登记表"),
    ("YBJ", "医疗保障局", "医疗保险单位参保登记", "单位参保登记表"),
)


def build():
    from django.contrib.auth import get_user_model

    from casefiles.demo.directory import demo_uscc
    from casefiles.directory.models import Department, Enterprise
    from cms.models import MaterialRequirement, ServiceItemPage
    from cms.sitetree import ensure_department_page

    items = []
    for index, (code, name, title, own) in enumerate(ITEMS):
        department = Department.objects.create(code=code, name=f"珠海市{name}", region_code="440400")
        page = ensure_department_page(department)
        item = page.add_child(instance=ServiceItemPage(
            title=title, slug=f"item-{index}", item_code=f"1144040000BENCH{index:04d}", statutory_days=20,
            promised_days=3, online_depth=4,
        ))
        for requirement in (*SHARED, own):
            item.material_requirements.add(MaterialRequirement(name=requirement, required=True))
        item.save_revision().publish()
        items.append(ServiceItemPage.objects.get(pk=item.pk))
    user = get_user_model().objects.create_user("applicant", password="x")
    enterprise = Enterprise.objects.create(uscc=demo_uscc("91440400MA55L8QJ2"), name="珠海海湾餐饮管理有限公司",
                                           legal_representative="林晓燕", region_code="440402", phone="0756-2212345")
    enterprise.add_member(user)
    return items, user, enterprise


def pdfs():
    import weasyprint

    names = [*SHARED, *(own for *_rest, own in ITEMS)]
    made = {}
    for name in names:
        text = f"{name}。申请人：珠海海湾餐饮管理有限公司。统一社会信用代码：91440400MA55L8QJ2X。法定代表人：林晓燕。" * 12
        made[name] = weasyprint.HTML(string=f"<h1>{name}</h1><p>{text}</p><p>{text}</p>").write_pdf()
    return made


def upload(files, name):
    return SimpleUploadedFile(f"{name}.pdf", files[name], content_type="application/pdf")


def file_bytes() -> int:
    root = Path(settings.MEDIA_ROOT) / "cases"
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) if root.exists() else 0


def one_bundle(items, user, enterprise, files):
    from casefiles.bundles import applications as bundles

    parent = bundles.start(user, enterprise, items=items, title="企业开办一件事")
    # One form posted with every file, as the portal's page sends it.
    bundles.add_shared_files(parent, [(slot.key, upload(files, slot.material.name)) for slot in bundles.slots(parent)], user)
    parent.refresh_from_db()
    bundles.submit(parent, user)
    return parent


def six_apart(items, user, enterprise, files):
    from casefiles.handling import applications, workflow
    from casefiles.materials import uploads as materials

    cases = []
    for item in items:
        case = applications.start(user, item, enterprise)
        for requirement in item.material_requirements.all():
            materials.add(case, requirement, upload(files, requirement.name), user)
        workflow.perform(case, "submit", user)
        cases.append(case)
    return cases


def measure(label, run, rounds):
    from casefiles.materials.models import Material

    times = []
    bytes_before, rows_before = file_bytes(), Material.objects.count()
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    stored = (file_bytes() - bytes_before) / rounds
    rows = (Material.objects.count() - rows_before) / rounds
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    print(f"{label:<30} median {statistics.median(times) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms   "
          f"stored {stored / 1024:7.1f} KiB   material rows {rows:4.0f}")
    return statistics.median(times), stored


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    _machine.report("start")
    call_command("migrate", verbosity=0)
    items, user, enterprise = build()
    files = pdfs()
    sizes = sorted(len(v) for v in files.values())
    print(f"6 items × 4 materials (3 shared); 9 PDFs of {sizes[0] // 1024}–{sizes[-1] // 1024} KiB; "
          f"{args.rounds} rounds each, after one warm-up; SQLite in {VAR_DIR}")
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}},
                           EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        one_bundle(items, user, enterprise, files)
        six_apart(items, user, enterprise, files)
        bundle_time, bundle_bytes = measure("one bundle of six items", lambda: one_bundle(items, user, enterprise, files), args.rounds)
        apart_time, apart_bytes = measure("six separate applications", lambda: six_apart(items, user, enterprise, files), args.rounds)
    print(f"bundle / separate: time {bundle_time / apart_time:.2f}×, stored bytes {bundle_bytes / apart_bytes:.2f}×")
    _machine.report("end")


if __name__ == "__main__":
    main()
