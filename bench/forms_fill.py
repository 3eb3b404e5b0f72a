"""少填 and 少交 on the demo, and what a 30-field form and two license uses cost a submission.

Run by hand from the project folder:

    .venv/bin/python bench/forms_fill.py [--runs 15]

It works in its own data folder (/tmp/yiwang-bench-forms, made anew each run), migrates and
loads the demo (``load_demo``), then:

1. **Fields typed and files uploaded per application, before and after.** For every demo item
   with an application form and every demo applicant it serves (enterprises for enterprise
   items, persons for person items): the fields asked (given the demo's answers, so conditional
   fields count only when asked; the commitment is a tick and not counted), those pre-filled for
   that applicant (``casefiles.forms.prefill``: record, held licenses, earlier cases), and the
   required materials, less those a license the applicant holds stands in for
   (``casefiles.licenses.reuse.offers``). *Before* is what the applicant did without the form and
   without 免提交: typed every field into the 申请书 they uploaded, and uploaded every required
   material. Printed per item (medians over applicants) and in total, with the ratios.
2. **A submission's time.** On a guide with a form of 30 fields (every type) and four required
   materials, two of which a held license may replace, round by round (so the machine's load
   falls on both alike): (a) draft, the whole form saved, the two licenses used (chosen by
   default at the start), the two other files uploaded, submitted; (b) the same with all four
   files uploaded and no license. Medians and p95 of each, and a/b.
"""

import argparse
import io
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

VAR_DIR = Path("/tmp/yiwang-bench-forms")
sys.path.insert(0, str(Path(__file__).absolute().parent.parent))
shutil.rmtree(VAR_DIR, ignore_errors=True)
os.environ["YIWANG_VAR_DIR"] = str(VAR_DIR)
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.development"
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("DEBUG", "0")

import django  # noqa: E402

django.setup()

from bench import _machine  # noqa: E402

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from casefiles.cases.models import CaseFile  # noqa: E402
from casefiles.demo import forms as demo_forms  # noqa: E402
from casefiles.directory.models import Enterprise, Person  # noqa: E402
from casefiles.forms import definition, prefill, storing  # noqa: E402
from casefiles.handling import applications, workflow  # noqa: E402
from casefiles.licenses import reuse  # noqa: E402
from casefiles.licenses.models import License  # noqa: E402
from casefiles.materials import uploads  # noqa: E402
from cms.models import MaterialRequirement, ServiceItemPage  # noqa: E402
from cms.models.owned import ServiceObject  # noqa: E402

QUIET = {"EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
         "TASKS": {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}}


def pdf(name: str) -> SimpleUploadedFile:
    """A real one-page PDF (uploads are parsed whole), its bytes made different by its title."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": f"{name} {time.perf_counter_ns()}"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(f"{name}.pdf", buffer.getvalue(), content_type="application/pdf")


# --- 1. fields typed and files uploaded -----------------------------------------------------------

def applicants_of(item):
    if item.service_object == ServiceObject.PERSON:
        return list(Person.objects.filter(user__isnull=False))
    return list(Enterprise.objects.all())


def counts(item, applicant):
    form = definition.of_item(item)
    answers = {**demo_forms.sample_values(item), **storing.starting_values(item, applicant)}
    asked = [f for f in form.asked(answers) if f.type != "commitment"]
    found = prefill.prefill(form, applicant, item_code=item.item_code)
    prefilled = [f for f in asked if f.key in found]
    required = [r for r in item.material_requirements.all() if r.required]
    # What a held license stands in for: the offers of a draft, rolled back.
    from django.db import transaction

    replaced = 0
    try:
        with transaction.atomic():
            user = applicant.members.first() if isinstance(applicant, Enterprise) else applicant.user
            if user is None:
                raise LookupError
            case = applications.start(user, item, applicant)
            replaced = sum(1 for offer in reuse.offers(case) if offer.licenses and offer.requirement.required)
            raise RuntimeError("roll back")
    except (RuntimeError, LookupError):
        pass
    return len(asked), len(asked) - len(prefilled), len(required), len(required) - replaced


def fill_report():
    rows, totals = [], [0, 0, 0, 0]
    for item in ServiceItemPage.objects.live().order_by("title"):
        if not definition.of_item(item):
            continue
        per = [counts(item, applicant) for applicant in applicants_of(item)]
        per = [p for p in per if p]
        if not per:
            continue
        medians = [statistics.median(p[i] for p in per) for i in range(4)]
        rows.append((item.title, len(per), *medians))
        for p in per:
            for i in range(4):
                totals[i] += p[i]
    print("\n1. Per application, medians over the demo's applicants (before → after)")
    print(f"{'item':<28} {'applicants':>10} {'fields typed':>16} {'files uploaded':>16}")
    for title, n, asked, typed, required, uploaded in rows:
        print(f"{title[:28]:<28} {n:>10} {asked:>7g} → {typed:<6g} {required:>7g} → {uploaded:<6g}")
    asked, typed, required, uploaded = totals
    print(f"Total over {sum(r[1] for r in rows)} applications: fields typed {asked} → {typed} "
          f"(少填 {1 - typed / asked:.0%} fewer), files uploaded {required} → {uploaded} "
          f"(少交 {1 - uploaded / required:.0%} fewer)")


# --- 2. a submission's time ---------------------------------------------------------------------

def thirty_fields():
    def base(key, label, **extra):
        return {"key": key, "label": label, "required": True, **extra}

    blocks = [("text", base(f"text{i}", f"文本{i}", max_length=100)) for i in range(10)]
    blocks += [("number", base(f"number{i}", f"数量{i}", decimal_places=0, min_value="0")) for i in range(5)]
    blocks += [("money", base(f"money{i}", f"金额{i}", unit="wan")) for i in range(3)]
    blocks += [("date", base(f"date{i}", f"日期{i}", when="any")) for i in range(3)]
    blocks += [("choice", base(f"choice{i}", f"选项{i}", options=[{"value": v, "label": v} for v in "甲乙丙"]))
               for i in range(3)]
    blocks += [("address", base(f"address{i}", f"地址{i}")) for i in range(2)]
    blocks += [("mobile", base(f"mobile{i}", f"手机{i}")) for i in range(2)]
    blocks += [("identifier", base("uscc", "统一社会信用代码", kind="uscc", prefill="applicant.code", locked=True))]
    blocks += [("table", base("staff", "人员", min_rows=1, max_rows=20, columns=[
        {"key": "name", "label": "姓名", "type": "text", "required": True},
        {"key": "mobile", "label": "手机", "type": "mobile", "required": True}]))]
    values = {**{f"text{i}": f"内容{i}" for i in range(10)}, **{f"number{i}": i + 1 for i in range(5)},
              **{f"money{i}": "12.50" for i in range(3)}, **{f"date{i}": "2026-06-01" for i in range(3)},
              **{f"choice{i}": "乙" for i in range(3)}, **{f"address{i}": "珠海市香洲区情侣中路47号" for i in range(2)},
              **{f"mobile{i}": "13926901234" for i in range(2)},
              "staff": [{"name": "周敏", "mobile": "13926901235"}, {"name": "李强", "mobile": "13926901236"}]}
    return blocks, values


def timing_guide():
    """A copy of the demo's food license guide with the 30-field form and four required materials."""
    held = License.objects.filter(status=License.Status.VALID, enterprise__isnull=False).select_related("license_type")
    enterprise = held.first().enterprise
    types = list({lic.license_type for lic in held.filter(enterprise=enterprise)})[:2]
    if len(types) < 2:  # two materials, each replaced by the one license type the enterprise holds
        types = types * 2
    source = ServiceItemPage.objects.live().filter(title="食品经营许可（新办）").first()
    item = source.copy(update_attrs={"title": "三十项申请表测试", "slug": "thirty-fields",
                                     "item_code": "BENCH-THIRTY-FIELDS", "result_license_type": None,
                                     "notify_commit": False, "instant_approval": False},
                       copy_revisions=False, keep_live=False)
    item = ServiceItemPage.objects.get(pk=item.pk)
    item.material_requirements.all().delete()
    blocks, values = thirty_fields()
    item.application_form = blocks
    for i, name in enumerate(["申请书", "经营场所证明", "持证一", "持证二"]):
        requirement = MaterialRequirement(page=item, name=name, required=True, sort_order=i)
        requirement.save()
        if i >= 2:
            requirement.license_types.set([types[i - 2]])
            requirement.save()  # a ParentalManyToManyField is written with its row
    item.save_revision().publish()
    return ServiceItemPage.objects.get(pk=item.pk), enterprise, values


def one_submission(item, enterprise, values, *, licenses: bool):
    user = enterprise.members.first()
    started = time.perf_counter()
    case = applications.start(user, item, enterprise, form_data={})
    if licenses:
        reuse.use_held_licenses(case, user)
    else:
        for requirement in item.material_requirements.all():
            reuse.stop_using(case, requirement, user)
    storing.save(case, values, user, complete=True)
    used = set(case.license_uses.values_list("requirement_id", flat=True))
    for requirement in item.material_requirements.all():
        if requirement.pk not in used:
            uploads.add(case, requirement, pdf(requirement.name), user)
    workflow.perform(case, "submit", user)
    elapsed = time.perf_counter() - started
    assert CaseFile.objects.get(pk=case.pk).status == "submitted"
    return elapsed, len(used)


def p95(values):
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def timing(runs):
    item, enterprise, values = timing_guide()
    with_licenses, with_uploads, used = [], [], 0
    for _ in range(2):  # warm-up
        one_submission(item, enterprise, values, licenses=True)
        one_submission(item, enterprise, values, licenses=False)
    for _ in range(runs):
        elapsed, used = one_submission(item, enterprise, values, licenses=True)
        with_licenses.append(elapsed)
        with_uploads.append(one_submission(item, enterprise, values, licenses=False)[0])
    a, b = statistics.median(with_licenses), statistics.median(with_uploads)
    print(f"\n2. A submission with a 30-field form, {runs} rounds (SQLite, tasks deferred)")
    print(f"(a) form + {used} licenses used + {4 - used} uploads: median {a * 1000:.1f} ms, p95 {p95(with_licenses) * 1000:.1f} ms")
    print(f"(b) form + 4 uploads:                 median {b * 1000:.1f} ms, p95 {p95(with_uploads) * 1000:.1f} ms")
    print(f"a/b = {a / b:.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    _machine.report("start")
    out = io.StringIO()
    call_command("migrate", verbosity=0)
    with override_settings(**QUIET):
        call_command("load_demo", stdout=out)
        fill_report()
        timing(args.runs)
    _machine.report("end")


if __name__ == "__main__":
    main()
