"""Electronic licenses: certificate rendering, cached certificate downloads, verifications per second.

Run by hand from the project folder:

    .venv/bin/python bench/license_certificate.py [--runs 15] [--seconds 3] [--out /tmp/yiwang-licenses-bench]

It works in its own data folder (/tmp/yiwang-bench-licenses, made anew each run, DEBUG off),
migrates, and creates a department with its agency code, a 食品经营许可证 type with seven
data fields, an enterprise with a member and one license. Then:
  (a)  certificates.render(license): context, signed QR payload, QR code, template, WeasyPrint;
  (b)  weasyprint.HTML(string=<the same HTML>).write_pdf(): WeasyPrint alone, as it comes;
  (b2) the same with the font configuration that cms.pdf keeps between renders,
  round by round (so that a change in the machine's load falls on all alike), wall-clock
  median, p95 and the ratios a/b and a/b2; then
  (c)  the wallet's certificate download once the PDF is stored (Django test client, signed
       in, the whole response streamed, every middleware): median and p95 of many;
  (c2) the same download calling the view function directly (RequestFactory, the user set):
       what the license code itself costs, without sessions, themes and the other middleware;
  (d)  verifications per second for the seconds given: lifecycle.verify (identifier + holder
       code), lifecycle.verify_payload (a scanned QR code), and GET /api/v1/licenses/<id>/verify/
       through the test client (each request from another address, as many clients would be,
       so the per-client throttle counts but never refuses).
With --out it also writes the certificate there, to look at.
"""

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

VAR_DIR = Path("/tmp/yiwang-bench-licenses")
sys.path.insert(0, str(Path(__file__).absolute().parent.parent))
shutil.rmtree(VAR_DIR, ignore_errors=True)
os.environ["YIWANG_VAR_DIR"] = str(VAR_DIR)
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.development"
os.environ["DEBUG"] = "false"  # no query log growing with every verification
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from bench import _machine  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import translation  # noqa: E402

FOOD_FIELDS = [
    ("legal_representative", "法定代表人（负责人）", "林晓燕"),
    ("address", "住所", "珠海市香洲区情侣中路47号首层"),
    ("premises", "经营场所", "珠海市香洲区情侣中路47号首层"),
    ("business_form", "主体业态", "餐饮服务经营者（中型餐馆）"),
    ("scope", "经营项目", "热食类食品制售；冷食类食品制售（含烧卤熟肉）；自制饮品制售（不含自酿酒）"),
    ("supervisor_agency", "日常监督管理机构", "珠海市香洲区市场监督管理局吉大市场监督管理所"),
    ("supervisor", "日常监督管理人员", "梁振华、吴婉婷"),
]


def build():
    from django.contrib.auth import get_user_model

    from casefiles.demo.directory import demo_uscc
    from casefiles.directory.models import Department, Enterprise
    from casefiles.licenses import lifecycle
    from casefiles.licenses.models import LicenseType

    call_command("migrate", verbosity=0)
    department = Department.objects.create(code="SCJGJ", name="珠海市市场监督管理局", region_code="440400",
                                           uscc=demo_uscc("11440400MB2C9136X"))
    food = LicenseType.objects.create(
        code="11100000000013338W025", name="食品经营许可证", issuing_department=department, validity_years=5,
        template=LicenseType.Template.FOOD_BUSINESS, data_fields=[{"key": k, "label": label} for k, label, _v in FOOD_FIELDS],
    )
    enterprise = Enterprise.objects.create(uscc=demo_uscc("91440400MA55L8QJ2"), name="珠海海湾餐饮管理有限公司",
                                           legal_representative="林晓燕", region_code="440402")
    holder = get_user_model().objects.create_user("holder", password="bench-only")
    enterprise.add_member(holder)
    license = lifecycle.issue(food, issuer=department, holder=enterprise, data={k: v for k, _label, v in FOOD_FIELDS})
    return license, holder


def median_and_p95(samples):
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def per_second(function, seconds):
    count, started = 0, time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        function(count)
        count += 1
    return count / (time.perf_counter() - started)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="renders of each kind (at least 10)")
    parser.add_argument("--seconds", type=float, default=3.0, help="how long each verification rate is measured")
    parser.add_argument("--out", type=Path, help="write the certificate PDF into this folder")
    args = parser.parse_args()
    runs = max(10, args.runs)
    _machine.report("start")

    from weasyprint import HTML

    from casefiles.licenses import certificates, lifecycle
    from casefiles.licenses.models import License
    from cms import pdf

    translation.activate("zh-hans")
    license, holder = build()
    certificates.render(license)  # warm-up: imports, fontconfig, template loading
    html = certificates.certificate_html(license)

    timings = {"a": [], "b": [], "b2": []}
    for _round in range(runs):
        for key, work in (
            ("a", lambda: certificates.render(license)),
            ("b", lambda: HTML(string=html).write_pdf()),
            ("b2", lambda: HTML(string=html).write_pdf(font_config=pdf._font_config())),
        ):
            started = time.perf_counter()
            work()
            timings[key].append(time.perf_counter() - started)

    client = Client()
    client.force_login(holder)
    url = f"/my/licenses/{license.identifier}/certificate.pdf"
    first = client.get(url)
    data = b"".join(first.streaming_content)
    assert first.status_code == 200 and License.objects.get(pk=license.pk).pdf_sha256
    downloads = []
    for _ in range(max(200, runs * 10)):
        started = time.perf_counter()
        response = client.get(url)
        b"".join(response.streaming_content)
        downloads.append(time.perf_counter() - started)
    from django.test import RequestFactory

    from casefiles.portal import licenses as views

    factory = RequestFactory()
    direct = []
    for _ in range(max(200, runs * 10)):
        request = factory.get(url)
        request.user = holder
        started = time.perf_counter()
        response = views.certificate(request, license.identifier)
        b"".join(response.streaming_content)
        direct.append(time.perf_counter() - started)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "certificate.pdf").write_bytes(data)

    payload = lifecycle.qr_payload(license)
    assert lifecycle.verify(license.identifier, license.holder_code).outcome == "valid"
    assert lifecycle.verify_payload(payload).outcome == "valid"
    api_url = f"/api/v1/licenses/{license.identifier}/verify/"
    api = Client()

    def through_api(i):
        response = api.get(api_url, {"holder_code": license.holder_code}, REMOTE_ADDR=f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}")
        assert response.status_code == 200

    rates = {
        "licenses.verify": per_second(lambda i: lifecycle.verify(license.identifier, license.holder_code), args.seconds),
        "licenses.verify_payload": per_second(lambda i: lifecycle.verify_payload(payload), args.seconds),
        "GET /api/v1/licenses/<id>/verify/": per_second(through_api, args.seconds),
    }

    ms = 1000
    print(f"Certificate ({license.license_type.name}, {len(data) // 1024} KiB), {runs} renders of each, wall clock:")
    for key, label in (("a", "(a)  certificates.render"), ("b", "(b)  bare WeasyPrint, same HTML"),
                       ("b2", "(b2) WeasyPrint, font configuration kept")):
        median, p95 = median_and_p95(timings[key])
        print(f"  {label:<44} median {median * ms:7.1f} ms   p95 {p95 * ms:7.1f} ms")
    a, b, b2 = (statistics.median(timings[k]) for k in ("a", "b", "b2"))
    print(f"  ratio a/b  {a / b:.2f}   (goal ≤ 1.3)")
    print(f"  ratio a/b2 {a / b2:.2f}")
    median, p95 = median_and_p95(downloads)
    print(f"(c)  cached download through the test client, {len(downloads)} requests: "
          f"median {median * ms:.2f} ms   p95 {p95 * ms:.2f} ms   (goal ≤ 5 ms)")
    median, p95 = median_and_p95(direct)
    print(f"(c2) cached download, the view function alone, {len(direct)} calls: "
          f"median {median * ms:.2f} ms   p95 {p95 * ms:.2f} ms")
    print(f"(d)  verifications per second ({args.seconds:g} s each, one process):")
    for label, rate in rates.items():
        print(f"  {label:<36} {rate:8.0f} /s")
    _machine.report("end")


if __name__ == "__main__":
    main()
