"""How long a guide PDF takes: our whole pipeline, bare WeasyPrint, and a cached download.

Run by hand from the project folder:

    .venv/bin/python bench/guide_pdf.py [--runs 15] [--out /tmp/yiwang-pdf]

It works in its own data folder (/tmp/yiwang-bench-pdf, made anew each run), migrates, and
builds a realistic guide (12 materials, 6 process steps, FAQ) and a bundle of three guides.
Round by round (so that a change in the machine's load falls on all of them alike) it times
  (a)  pdf_response with an empty cache: context, templates, QR code, WeasyPrint, storing;
  (b)  weasyprint.HTML(string=<the same HTML>).write_pdf(): WeasyPrint alone, as it comes;
  (b2) the same with the font configuration that cms.pdf keeps between renders;
  (c)  pdf_response served from the cache;
  a bundle's pdf_response with an empty cache, and the two parts of (a) that are ours
  (building the HTML, storing the file),
then prints wall-clock median and p95, CPU-time median, and the ratios a/b, a/b2, a/c.
With --out it also writes the guide and bundle PDFs there, to look at.
"""

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

VAR_DIR = Path("/tmp/yiwang-bench-pdf")
sys.path.insert(0, str(Path(__file__).absolute().parent.parent))
shutil.rmtree(VAR_DIR, ignore_errors=True)
os.environ["YIWANG_VAR_DIR"] = str(VAR_DIR)
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.development"
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from bench import _machine  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.utils import translation  # noqa: E402

GUIDE_MATERIALS = [
    ("食品经营许可申请书", "original", 1, True, False, "", "申请人签字或盖章，可在线填写后打印。"),
    ("营业执照", "copy", 1, True, False, "营业执照", "已在本市登记的市场主体可通过电子证照免提交。"),
    ("法定代表人（负责人）身份证明", "copy", 1, True, False, "居民身份证", "核验原件，留存复印件。"),
    ("与食品经营相适应的主要设备设施布局、操作流程等文件", "original", 1, True, True, "", "含平面布局图，标明各功能区面积。"),
    ("食品安全管理制度文本", "original", 1, True, True, "", "包括从业人员健康管理、进货查验记录等制度。"),
    ("食品安全管理人员培训考核合格证明", "copy", 1, True, True, "", ""),
    ("从业人员健康证明", "copy", 1, True, False, "健康证明", "每名直接接触入口食品的从业人员一份。"),
    ("经营场所使用证明（产权证明或租赁合同）", "copy", 1, True, False, "不动产权证书", "租赁合同须在有效期内。"),
    ("委托代理人身份证明及授权委托书", "original", 1, False, False, "", "委托他人办理时提交。"),
    ("经营设备、工具清单", "original", 1, True, False, "", ""),
    ("网络经营的，网站备案或第三方平台入驻证明", "electronic", 1, False, False, "", "仅通过网络经营的提交。"),
    ("冷藏冷冻设施清单及温度监控方案", "original", 1, False, True, "", "经营冷藏冷冻食品的提交。"),
]

PROCESS = [
    ("申请", "申请人", "通过广东政务服务网或珠海市政务服务中心综合窗口提交申请材料。", 0),
    ("受理", "综合窗口", "材料齐全、符合法定形式的，当场受理；不齐全的，一次性告知需要补正的全部内容。", 1),
    ("审查", "市场监督管理局", "对申请材料进行书面审查，必要时对经营场所进行现场核查。", 3),
    ("决定", "市场监督管理局", "作出准予许可或不予许可的决定，不予许可的说明理由。", 1),
    ("制证", "市场监督管理局", "准予许可的，制作食品经营许可证（电子证照同步生成）。", 1),
    ("送达", "综合窗口", "申请人可选择窗口领取、邮政寄递或在电子证照卡包中查看。", 1),
]

FAQ = [
    ("只销售预包装食品需要办理食品经营许可吗？", "<p>仅销售预包装食品的，实行备案管理，无需办理许可，可在线办理备案。</p>"),
    ("容缺受理后多久需要补齐材料？", "<p>自受理之日起 20 个工作日内补齐容缺材料；逾期未补齐的，终止办理。</p>"),
    ("可以在区政务服务中心办理吗？", "<p>可以。本事项已实现<b>全市通办</b>，可在任一区政务服务中心综合窗口提交。</p>"),
    ("许可证有效期多久？", "<p>食品经营许可证有效期为 5 年，有效期届满需继续经营的，应在届满 30 个工作日前申请延续。</p>"),
]


def build():
    from wagtail.rich_text import RichText

    from casefiles.directory.models import Department
    from casefiles.licenses.models import LicenseType
    from cms.models import BundleItem, BundlePage, MaterialRequirement, ServiceItemPage
    from cms.sitetree import ensure_department_page

    call_command("migrate", verbosity=0)
    market = Department.objects.create(
        code="SCJGJ", name="珠海市市场监督管理局", region_code="440400", phone="0756-12345", address="珠海市香洲区"
    )
    health = Department.objects.create(code="WSJKJ", name="珠海市卫生健康局", region_code="440400")
    license_types = {
        name: LicenseType.objects.create(code=f"LT{i:02d}", name=name)
        for i, name in enumerate(["营业执照", "居民身份证", "健康证明", "不动产权证书", "食品经营许可证"])
    }

    def guide(department, code, title, materials, slug):
        parent = ensure_department_page(department)
        page = ServiceItemPage(
            title=title,
            slug=slug,
            item_code=code,
            summary="在珠海市行政区域内从事食品销售和餐饮服务活动的，应当依法取得食品经营许可。",
            legal_basis=[
                ("basis", {"law": "《中华人民共和国食品安全法》", "article": "第三十五条",
                           "text": "国家对食品生产经营实行许可制度。从事食品生产、食品销售、餐饮服务，应当依法取得许可。"}),
                ("basis", {"law": "《食品经营许可和备案管理办法》", "article": "第十二条", "text": ""}),
            ],
            conditions="<ul><li>具有与经营的食品品种、数量相适应的食品原料处理和食品加工、销售、贮存等场所；</li>"
                       "<li>具有与经营的食品品种、数量相适应的经营设备或者设施；</li>"
                       "<li>有专职或者兼职的食品安全管理人员和保证食品安全的规章制度。</li></ul>",
            process=[("step", {"name": n, "actor": a, "description": d, "days": days}) for n, a, d, days in PROCESS],
            statutory_days=20,
            statutory_days_note="不含现场核查和专家评审时间",
            promised_days=5,
            promised_days_note="材料齐全且无需现场核查的，即来即办",
            charges_fee=False,
            place="珠海市政务服务中心（珠海市香洲区红山路 288 号国际科技大厦）一楼综合窗口",
            hours="周一至周五 上午 9:00—12:00，下午 14:00—17:30（法定节假日除外）",
            consultation_phone="0756-12345",
            complaint_phone="0756-12315",
            online_depth=ServiceItemPage.OnlineDepth.FULL,
            visits_needed=0,
            tolerant_acceptance=True,
            notify_commit=True,
            tongban_scope=ServiceItemPage.TongbanScope.CITY,
            result_name="食品经营许可证",
            result_type=ServiceItemPage.ResultType.LICENSE,
            result_license_type=license_types["食品经营许可证"],
            faq=[("qa", {"question": q, "answer": RichText(a)}) for q, a in FAQ],
            department=department,
        )
        parent.add_child(instance=page)
        for order, (name, form, copies, required, deferrable, license_name, notes) in enumerate(materials):
            requirement = MaterialRequirement.objects.create(
                page=page, sort_order=order, name=name, form=form, copies=copies, required=required,
                deferrable=deferrable, notes=notes,
            )
            if license_name:
                requirement.license_types.add(license_types[license_name])
                requirement.save()  # a ParentalManyToManyField is written on save
        page.save_revision().publish()
        return ServiceItemPage.objects.get(pk=page.pk)

    food = guide(market, "11440400MB2C93317K4442111001", "食品经营许可（新办）", GUIDE_MATERIALS, "food-license")
    hygiene = guide(health, "11440400007528301B4442117004", "公共场所卫生许可", GUIDE_MATERIALS[1:5], "hygiene")
    signage = guide(market, "11440400MB2C93317K4442111009", "户外广告设施设置审批", GUIDE_MATERIALS[1:4], "signage")

    bundle_parent = ensure_department_page(market)
    bundle = BundlePage(
        title="我要开餐馆", slug="open-restaurant", bundle_code="YJS-440400-0001", department=market,
        summary="开办餐馆涉及的食品经营、公共场所卫生、户外招牌三项许可，一次申请、一套材料、并联审批。",
        conditions="<p>申请人已取得营业执照。</p>",
        process=[("step", {"name": "一窗受理", "actor": "综合窗口", "description": "一次提交全部材料。", "days": 1})],
    )
    bundle_parent.add_child(instance=bundle)
    for order, item in enumerate([food, hygiene, signage]):
        BundleItem.objects.create(bundle=bundle, item=item, sort_order=order)
    bundle.save_revision().publish()
    return food, BundlePage.objects.get(pk=bundle.pk)


def median_and_p95(samples):
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--out", type=Path, help="write the guide and bundle PDFs into this folder")
    args = parser.parse_args()
    _machine.report("start")

    from django.core.files.storage import default_storage
    from weasyprint import HTML

    from cms import pdf

    translation.activate("zh-hans")
    guide, bundle = build()
    request = RequestFactory().get(guide.url + "pdf/", HTTP_HOST="localhost")

    def clear_cache():
        shutil.rmtree(Path(default_storage.path(pdf.CACHE_DIR)), ignore_errors=True)

    bundle_request = RequestFactory().get(bundle.url + "pdf/", HTTP_HOST="localhost")
    pdf.pdf_response(guide, request)  # warm-up: imports, fontconfig, template loading
    html = pdf.render_html(guide, request)

    def render_guide():
        clear_cache()
        started = time.perf_counter(), time.process_time()
        pdf.pdf_response(guide, request)
        return started

    def bare_weasyprint():
        started = time.perf_counter(), time.process_time()
        HTML(string=html).write_pdf()
        return started

    def weasyprint_fonts_kept():
        started = time.perf_counter(), time.process_time()
        HTML(string=html).write_pdf(font_config=pdf._font_config())
        return started

    def download_cached():
        pdf.pdf_response(guide, request)  # makes sure it is cached
        started = time.perf_counter(), time.process_time()
        pdf.pdf_response(guide, request).content
        return started

    def render_bundle():
        clear_cache()
        started = time.perf_counter(), time.process_time()
        pdf.pdf_response(bundle, bundle_request)
        return started

    def build_html():
        started = time.perf_counter(), time.process_time()
        pdf.render_html(guide, request)
        return started

    pdf_bytes = pdf.render_pdf(html)

    def store_file():
        started = time.perf_counter(), time.process_time()
        pdf._store(f"{pdf.CACHE_DIR}/bench/stored.pdf", pdf_bytes)
        return started

    measured = {
        "(a) pdf_response, no cache": render_guide,
        "(b) bare WeasyPrint, same HTML": bare_weasyprint,
        "(b2) WeasyPrint, fonts kept": weasyprint_fonts_kept,
        "(c) pdf_response, cached": download_cached,
        "bundle: pdf_response, no cache": render_bundle,
        "our part: context+QR+templates": build_html,
        "our part: storing the file": store_file,
    }
    wall = {label: [] for label in measured}
    cpu = {label: [] for label in measured}
    # Round by round, so that a change in the machine's load falls on every measurement alike.
    for _ in range(args.runs):
        for label, action in measured.items():
            wall_start, cpu_start = action()
            wall[label].append(time.perf_counter() - wall_start)
            cpu[label].append(time.process_time() - cpu_start)

    size = len(pdf.pdf_response(guide, request).content)
    print(f"guide PDF ({guide.material_requirements.count()} materials, {len(guide.process)} steps, "
          f"{len(guide.faq)} FAQ; {size / 1024:.0f} KiB); bundle of 3 guides; {args.runs} runs each; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    medians = {}
    for label in measured:
        median, p95 = median_and_p95(wall[label])
        medians[label] = median, statistics.median(cpu[label])
        print(f"  {label:<32} median {median * 1000:8.1f} ms   p95 {p95 * 1000:8.1f} ms   "
              f"cpu median {medians[label][1] * 1000:8.1f} ms")
    (a, a_cpu), (b, b_cpu), (b2, b2_cpu), (c, c_cpu) = (medians[label] for label in list(measured)[:4])
    ours = medians["our part: context+QR+templates"][1] + medians["our part: storing the file"][1]
    print(f"  a/b  = {a / b:.2f} wall, {a_cpu / b_cpu:.2f} cpu  (our pipeline against bare WeasyPrint)")
    print(f"  a/b2 = {a / b2:.2f} wall, {a_cpu / b2_cpu:.2f} cpu  (against WeasyPrint with the fonts kept)")
    print(f"  a/c  = {a / c:.0f} wall, {a_cpu / c_cpu:.0f} cpu  (what the cache saves)")
    print(f"  our own work in (a): {ours * 1000:.1f} ms cpu = {ours / a_cpu:.0%} of it; the rest is WeasyPrint")

    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "guide.pdf").write_bytes(pdf.pdf_response(guide, request).content)
        (args.out / "bundle.pdf").write_bytes(pdf.pdf_response(bundle, bundle_request).content)
        print(f"wrote {args.out / 'guide.pdf'} and {args.out / 'bundle.pdf'}")
    _machine.report("end")


if __name__ == "__main__":
    main()
