"""The supervisor's statistics through the real page: every chart is drawn (ECharts, from our own
static files, under the CSP), shows the figures of the table beside it, and the XLSX export
opens with the same numbers."""

import datetime

import pytest

from tests.browser.test_case_journey import PASSWORD

# Read in the page: each chart's instance, its canvas and what it draws.
CHARTS = """() => Array.from(document.querySelectorAll('.st-chart[data-figure]')).map((element) => {
    const chart = echarts.getInstanceByDom(element);
    const canvas = element.querySelector('canvas');
    let painted = 0;
    if (canvas && canvas.width > 0 && canvas.height > 0) {
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 0; i < pixels.length; i += 4) {
            if (pixels[i + 3] > 0 && (pixels[i] < 240 || pixels[i + 1] < 240 || pixels[i + 2] < 240)) { painted++; }
        }
    }
    const option = chart ? chart.getOption() : null;
    return {
        figure: element.dataset.figure,
        instance: chart !== undefined && chart !== null,
        width: canvas ? canvas.width : 0,
        painted: painted,
        categories: option ? (option.xAxis[0].type === 'category' ? option.xAxis[0].data : option.yAxis[0].data) : [],
        series: option ? option.series.map((s) => s.data) : [],
    };
})"""

# Each table: its rows but the total, the first cell and the cells by column.
TABLES = """() => Object.fromEntries(Array.from(document.querySelectorAll('table.st-table')).map((table) => [
    table.dataset.figure,
    Array.from(table.querySelectorAll('tbody tr[data-row]')).map((row) => ({
        label: row.querySelector('th').textContent.trim(),
        cells: Object.fromEntries(Array.from(row.querySelectorAll('td[data-column]')).map(
            (cell) => [cell.dataset.column, cell.textContent.trim()])),
    })),
]))"""


def number(text):
    """A table's cell as the chart draws it: "40.0%" → 40.0, "—" → None."""
    if text == "—":
        return None
    text = text.rstrip("%")
    return float(text) if "." in text else int(text)


@pytest.fixture
def figures(live_site, django_user_model):
    """Two departments, two items, cases in every state, dated within the last months."""
    from django.db import transaction
    from django.utils import timezone

    from casefiles.cases import numbers
    from casefiles.cases.models import CaseFile, Channel, Status
    from casefiles.demo.directory import demo_uscc
    from casefiles.directory import roles
    from casefiles.directory.models import Department, Enterprise
    from casefiles.evaluations.models import Evaluation, Rectification
    from casefiles.journal import records
    from casefiles.licenses.models import LicenseType
    from cms.models import MaterialRequirement, ServiceItemPage
    from cms.sitetree import ensure_department_page

    enterprise = Enterprise.objects.create(uscc=demo_uscc("91440400MA55L8QJ2"), name="珠海海湾餐饮管理有限公司",
                                           legal_representative="林晓燕", region_code="440402")
    items = []
    for code, name, slug, item_code in (("SCJGJ", "珠海市市场监督管理局", "food", "11440400MB2C92390J4440111001000"),
                                        ("ZJJ", "珠海市住房和城乡建设局", "build", "1144040000719521390108000101000")):
        department = Department.objects.create(code=code, name=name, region_code="440400")
        item = ensure_department_page(department).add_child(instance=ServiceItemPage(
            title=f"{name}的事项", slug=slug, item_code=item_code, statutory_days=20, promised_days=10, online_depth=4))
        item.save_revision().publish()
        items.append(ServiceItemPage.objects.get(pk=item.pk))
    # the first item accepts a 营业执照 in place of a material: its cases count for 用证率
    license_type = LicenseType.objects.create(code="11100000000013338W011", name="营业执照",
                                              issuing_department=items[0].department, validity_years=None)
    requirement = MaterialRequirement(name="营业执照", required=True)
    items[0].material_requirements.add(requirement)
    items[0].save()
    requirement.license_types.add(license_type)
    requirement.save()
    now = timezone.now()
    day = datetime.timedelta(days=1)
    plan = [  # item, channel, status, submitted, accepted, decided (days ago), promised, statutory (days from submission)
        (0, Channel.ONLINE, Status.APPROVED, 90, 89, 80, 14, 28),
        (0, Channel.WINDOW, Status.CONCLUDED, 85, 85, 60, 14, 28),
        (0, Channel.ONLINE, Status.DENIED, 70, 69, 30, 14, 28),
        (0, Channel.ONLINE, Status.UNDER_REVIEW, 50, 49, None, 14, 28),
        (0, Channel.SELF_SERVICE, Status.ACCEPTED, 5, 4, None, 14, 28),
        (0, Channel.WINDOW, Status.NOT_ACCEPTED, 40, None, None, None, None),
        (1, Channel.ONLINE, Status.APPROVED, 60, 60, 57, 14, 28),
        (1, Channel.WINDOW, Status.APPROVED, 59, 59, 20, 14, 28),
        (1, Channel.ONLINE, Status.SUBMITTED, 3, None, None, None, None),
    ]
    for index, (i, channel, status, submitted, accepted, decided, promised, statutory) in enumerate(plan):
        item = items[i]
        case = CaseFile.objects.create(
            number=numbers.next_case_number(item.department), item=item, item_code=item.item_code,
            item_title=item.title, department=item.department, enterprise=enterprise, applicant_name=enterprise.name,
            applicant_code=enterprise.uscc, status=status, channel=channel)
        CaseFile.objects.filter(pk=case.pk).update(
            submitted_at=now - submitted * day, accepted_at=accepted and now - accepted * day,
            decided_at=decided and now - decided * day,
            promised_due=promised and timezone.localdate(now - submitted * day) + promised * day,
            statutory_due=statutory and timezone.localdate(now - submitted * day) + statutory * day)
        if status in (Status.CONCLUDED, Status.NOT_ACCEPTED):  # 好差评: the closed cases reviewed
            given = now - (submitted - 30) * day
            review = Evaluation.objects.create(case=case, department=item.department, item=item,
                                               level=4 if index == 1 else 2, reasons=[] if index == 1 else ["slow"],
                                               channel="portal", created_at=given)
            if review.is_bad:  # its rectification, called back within its time
                Rectification.objects.create(evaluation=review, department=item.department, opened_at=given,
                                             due=timezone.localdate(given + 21 * day), action="已整改",
                                             acted_at=given + 5 * day, callback="已回访", callback_at=given + 6 * day)
        if index in (2, 6):
            with transaction.atomic():
                records.record(case, "request_correction", None, from_state=Status.SUBMITTED,
                               to_state=Status.CORRECTION_REQUESTED)
    # 免申即享: a benefit offered by the system, confirmed and paid out on time
    from casefiles.policies.models import Benefit
    from cms.models import PolicyPage

    policy = items[0].get_parent().add_child(instance=PolicyPage(
        title="餐饮个体户开办补贴", slug="catering-subsidy", department=items[0].department, document_number="珠市监〔2026〕1号",
        issuer=items[0].department.name, publish_date=timezone.localdate(now - 100 * day),
        effective_date=timezone.localdate(now - 100 * day), free_to_enjoy=True))
    paid_case = CaseFile.objects.filter(status=Status.CONCLUDED).first()
    Benefit.objects.create(policy=policy, enterprise=enterprise, case=paid_case, status=Benefit.Status.PAID,
                           amount=3000, payout_due=timezone.localdate(now - 50 * day),
                           paid_on=timezone.localdate(now - 55 * day), paid_amount=3000, payout_reference="ZF1")
    supervisor = django_user_model.objects.create_user("supervisor", password=PASSWORD)
    supervisor.groups.add(roles.global_group(roles.SUPERVISOR))
    return {"start": timezone.localdate(now - 120 * day), "end": timezone.localdate(now)}


@pytest.mark.browser
def test_the_supervisor_sees_charts_equal_to_their_tables_and_exports_them(figures, browser_page, log_in, tmp_path):
    import openpyxl

    from casefiles.supervision import statistics

    page = browser_page
    refused = []
    page.on("console", lambda message: refused.append(message.text) if message.type == "error" else None)
    log_in(page, "supervisor", PASSWORD)
    page.goto(f"/admin/supervision/statistics/?start={figures['start']:%Y-%m-%d}&end={figures['end']:%Y-%m-%d}")
    page.wait_for_function(f"document.documentElement.dataset.chartsDrawn === '{len(statistics.FIGURES)}'")
    # ECharts draws in an animation frame: wait until every canvas has pixels
    page.wait_for_function("""() => Array.from(document.querySelectorAll('.st-chart canvas')).every((c) => {
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) return true; } return false; })""")
    assert page.locator("script[src*='echarts.min.js']").count() == 1
    assert not [text for text in refused if "Content Security Policy" in text]

    charts = {chart["figure"]: chart for chart in page.evaluate(CHARTS)}
    tables = page.evaluate(TABLES)
    assert set(charts) == set(statistics.FIGURES) == set(tables)
    for name, chart in charts.items():
        figure = statistics.FIGURES[name]
        rows = tables[name]
        assert chart["instance"] and chart["width"] > 0, name
        assert chart["painted"] > 100, f"{name}: the canvas is blank"
        assert rows, f"{name}: an empty table"
        assert chart["categories"] == [row["label"] for row in rows], name
        for key, drawn in zip(figure.series, chart["series"], strict=True):
            assert drawn == [number(row["cells"][key]) for row in rows], f"{name}.{key}"

    # the numbers the supervisor checks against the cases
    volumes = {row["label"]: row["cells"] for row in tables["volumes-by-department"]}
    assert volumes["珠海市市场监督管理局"]["submitted"] == "6" and volumes["珠海市住房和城乡建设局"]["submitted"] == "3"

    with page.expect_download() as download:
        page.locator("#export-xlsx").click()
    path = tmp_path / "statistics.xlsx"
    download.value.save_as(path)
    book = openpyxl.load_workbook(path)
    for name, rows in tables.items():
        figure = statistics.FIGURES[name]
        sheet = {row[0]: row[1:] for row in book[name].iter_rows(min_row=2, values_only=True)}
        for row in rows:
            exported = dict(zip((c.name for c in figure.columns[1:]), sheet[row["label"]], strict=True))
            for column in figure.columns[1:]:
                value = exported[column.name]
                shown = statistics.chart_value(value, column.kind)
                assert shown == number(row["cells"][column.name]), f"{name}.{column.name} {row['label']}"
                assert value is None or isinstance(value, (int, float)), "numbers as numbers"
