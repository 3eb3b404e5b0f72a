"""电子监察's statistics: every figure equal to a count made here, on cases whose dates are set exactly."""

import datetime
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.urls import reverse
from freezegun import freeze_time

from casefiles.cases import numbers
from casefiles.cases.models import CaseFile, Channel, Status
from casefiles.deadlines import working_days as calendar
from casefiles.errors import NotPermitted
from casefiles.journal import records
from casefiles.licenses.models import LicenseUse
from casefiles.supervision import statistics
from casefiles.supervision.statistics import Filters

ZONE = ZoneInfo("Asia/Shanghai")
TODAY = datetime.date(2025, 6, 20)
RUNNING = {Status.SUBMITTED, Status.CORRECTION_REQUESTED, Status.ACCEPTED, Status.UNDER_REVIEW}


def at(day: str, time: str = "10:00") -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=ZONE)


def d(day):
    return datetime.date.fromisoformat(day) if day else None


# Each case: department ("a": the market regulator, "b": housing), channel, status, submitted,
# accepted, decided (local times), promised and statutory dates, sent back for correction, used a license.
SPEC = [
    dict(dept="a", channel=Channel.ONLINE, status=Status.APPROVED, submitted=at("2025-03-03"), accepted=at("2025-03-04"),
         decided=at("2025-03-10"), promised="2025-03-18", statutory="2025-04-01", license=True),
    # decided 00:30 on the 19th, local: after its promised 18th (UTC still says the 18th)
    dict(dept="a", channel=Channel.WINDOW, status=Status.CONCLUDED, submitted=at("2025-03-05"), accepted=at("2025-03-05"),
         decided=at("2025-03-19", "00:30"), promised="2025-03-18", statutory="2025-04-01"),
    dict(dept="a", channel=Channel.ONLINE, status=Status.DENIED, submitted=at("2025-04-02"), accepted=at("2025-04-03"),
         decided=at("2025-05-20"), promised="2025-04-17", statutory="2025-05-06", corrected=True),
    dict(dept="a", channel=Channel.ONLINE, status=Status.UNDER_REVIEW, submitted=at("2025-05-06"),
         accepted=at("2025-05-07"), promised="2025-05-21", statutory="2025-06-03", license=True),
    dict(dept="a", channel=Channel.SELF_SERVICE, status=Status.ACCEPTED, submitted=at("2025-06-02"),
         accepted=at("2025-06-03"), promised="2025-06-17", statutory="2025-07-01"),
    dict(dept="a", channel=Channel.WINDOW, status=Status.NOT_ACCEPTED, submitted=at("2025-05-10")),
    dict(dept="a", channel=Channel.ONLINE, status=Status.NOT_ACCEPTED, submitted=at("2025-05-11"), corrected=True),
    dict(dept="a", channel=Channel.ONLINE, status=Status.SUBMITTED, submitted=at("2025-05-12"), corrected=True),
    dict(dept="b", channel=Channel.ONLINE, status=Status.APPROVED, submitted=at("2025-04-15"), accepted=at("2025-04-15"),
         decided=at("2025-04-18"), promised="2025-04-22", statutory="2025-05-08", corrected=True),
    dict(dept="b", channel=Channel.WINDOW, status=Status.APPROVED, submitted=at("2025-04-16"), accepted=at("2025-04-16"),
         decided=at("2025-05-09"), promised="2025-04-23", statutory="2025-05-08"),
    # submitted on the last evening of 2024 (local): outside a period starting 2025-01-01
    dict(dept="b", channel=Channel.ONLINE, status=Status.APPROVED, submitted=at("2024-12-31", "23:30"),
         accepted=at("2025-01-02"), decided=at("2025-01-06"), promised="2025-01-09", statutory="2025-01-23"),
]
PERIOD = Filters(datetime.date(2025, 1, 1), datetime.date(2025, 6, 30))


@pytest.fixture
def figures_world(bundle_world, held_license):
    """The cases of ``SPEC`` (the index of each in ``w.cases``), plus a bundle's parent and a draft, never counted."""
    w = bundle_world
    items = {"a": w.item, "b": w.item2}
    w.cases = []
    for spec in SPEC:
        case = _make(w, items[spec["dept"]], channel=spec["channel"], status=spec["status"])
        CaseFile.objects.filter(pk=case.pk).update(
            submitted_at=spec["submitted"], accepted_at=spec.get("accepted"), decided_at=spec.get("decided"),
            promised_due=d(spec.get("promised")), statutory_due=d(spec.get("statutory")))
        if spec.get("corrected"):
            records.record(case, "request_correction", w.clerk, from_state=Status.SUBMITTED,
                           to_state=Status.CORRECTION_REQUESTED)
        if spec.get("license"):
            LicenseUse.objects.create(license=held_license, case=case, requirement=w.requirements[1],
                                      requirement_name="营业执照")
        w.cases.append(case)
    parent = _make(w, w.item, status=Status.SUBMITTED, is_bundle=True)
    CaseFile.objects.filter(pk=parent.pk).update(submitted_at=at("2025-03-03"))
    _make(w, w.item, status=Status.DRAFT, submitted_at=None)
    w.ids = {"a": w.department.pk, "b": w.other_department.pk}
    return w


def _make(w, item, **fields):
    defaults = dict(number=numbers.next_case_number(item.department), item=item, item_code=item.item_code,
                    item_title=item.title, department=item.department, enterprise=w.enterprise,
                    applicant_name=w.enterprise.name, applicant_code=w.enterprise.uscc, submitted_at=at("2025-01-01"))
    defaults.update(fields)
    return CaseFile.objects.create(**defaults)


def counted(filters=PERIOD, dept=None):
    """The specs the figures count: submitted within the period (local date), of ``dept``."""
    return [s for s in SPEC if (filters.start is None or s["submitted"].date() >= filters.start)
            and (filters.end is None or s["submitted"].date() <= filters.end) and (dept is None or s["dept"] == dept)]


def by_key(rows):
    return {row.key: row for row in rows}


# --- the figures ----------------------------------------------------------------------------------

def test_volumes_by_department_item_channel_and_month(figures_world):
    w = figures_world
    departments = by_key(statistics.volumes_by_department(PERIOD))
    for dept in ("a", "b"):
        row, specs = departments[str(w.ids[dept])], counted(dept=dept)
        assert (row.submitted, row.accepted, row.decided) == (
            len(specs), sum(1 for s in specs if s.get("accepted")), sum(1 for s in specs if s.get("decided")))
    assert departments[str(w.ids["a"])].label == w.department.name
    assert sum(r.submitted for r in departments.values()) == 10  # not the bundle's parent, the draft, nor 2024's

    items = by_key(statistics.volumes_by_item(PERIOD))
    assert items[str(w.item.pk)].submitted == len(counted(dept="a"))
    assert items[str(w.item2.pk)].label == w.item2.title

    channels = by_key(statistics.volumes_by_channel(PERIOD))
    for channel in Channel:  # a channel without cases in the period has no row
        row = channels.get(channel.value)
        assert (row.submitted if row else 0) == sum(1 for s in counted() if s["channel"] == channel)

    months = statistics.volumes_by_month(PERIOD)
    assert [r.key for r in months] == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    for row in months:
        assert row.submitted == sum(1 for s in counted() if s["submitted"].strftime("%Y-%m") == row.key)
        assert row.decided == sum(1 for s in counted() if s["submitted"].strftime("%Y-%m") == row.key and s.get("decided"))
    # without a period: 2024's evening case is in its own (local) month
    assert statistics.volumes_by_month(Filters())[0] == ("2024-12", "2024-12", 1, 1, 1)


def test_a_bundle_parent_is_not_counted_but_its_parts_are(figures_world):
    w = figures_world
    parent = CaseFile.objects.get(is_bundle=True)
    part = _make(w, w.item, status=Status.SUBMITTED, parent=parent)
    CaseFile.objects.filter(pk=part.pk).update(submitted_at=at("2025-03-03"))
    assert by_key(statistics.volumes_by_department(PERIOD))[str(w.ids["a"])].submitted == len(counted(dept="a")) + 1


def test_on_time_rate_by_the_local_date_of_the_decision(figures_world):
    w = figures_world
    rows = by_key(statistics.on_time(PERIOD))
    for dept in ("a", "b"):
        decided = [s for s in counted(dept=dept) if s.get("decided") and s.get("promised")]
        timely = [s for s in decided if s["decided"].date() <= d(s["promised"])]
        row = rows[str(w.ids[dept])]
        assert (row.decided, row.on_time) == (len(decided), len(timely))
        assert row.rate == round(len(timely) / len(decided), 4)
    assert rows[str(w.ids["a"])].on_time == 1  # the 00:30 decision on the 19th is late
    total = rows[""]
    assert (total.decided, total.on_time) == (5, 2)
    assert total.rate == 0.4


def test_overdue_rate_counts_late_decisions_and_open_cases_past_the_statutory_date(figures_world):
    w = figures_world
    rows = by_key(statistics.overdue(PERIOD, today=TODAY))
    for dept in ("a", "b"):
        specs = [s for s in counted(dept=dept) if s.get("statutory") and (s.get("decided") or s["status"] in RUNNING)]
        late = [s for s in specs if s.get("decided") and s["decided"].date() > d(s["statutory"])]
        open_late = [s for s in specs if not s.get("decided") and d(s["statutory"]) < TODAY]
        row = rows[str(w.ids[dept])]
        assert (row.counted, row.decided_late, row.open_overdue) == (len(specs), len(late), len(open_late))
        assert row.rate == round((len(late) + len(open_late)) / len(specs), 4)
    assert (rows[""].counted, rows[""].decided_late, rows[""].open_overdue) == (7, 2, 1)
    # a day before the open case's statutory date passes, it is not overdue
    assert by_key(statistics.overdue(PERIOD, today=datetime.date(2025, 6, 3)))[""].open_overdue == 0


def test_return_rate_not_accepted_and_sent_back_each_case_once(figures_world):
    w = figures_world
    rows = by_key(statistics.returns(PERIOD))
    for dept in ("a", "b"):
        specs = counted(dept=dept)
        not_accepted = [s for s in specs if s["status"] == Status.NOT_ACCEPTED]
        returned = [s for s in specs if s.get("corrected")]
        either = [s for s in specs if s["status"] == Status.NOT_ACCEPTED or s.get("corrected")]
        row = rows[str(w.ids[dept])]
        assert (row.submitted, row.not_accepted, row.returned, row.either) == (
            len(specs), len(not_accepted), len(returned), len(either))
        assert row.rate == round(len(either) / len(specs), 4)
    assert (rows[""].not_accepted, rows[""].returned, rows[""].either) == (2, 4, 5)


def test_working_days_used_against_promised(figures_world):
    w = figures_world
    work = calendar.get_calendar()
    rows = by_key(statistics.working_days(PERIOD))
    promised = {"a": w.item.promised_days, "b": w.item2.promised_days}
    for dept in ("a", "b"):
        specs = [s for s in counted(dept=dept) if s.get("decided") and s.get("accepted")]
        used = [work.working_days_between(s["accepted"].date(), s["decided"].date()) for s in specs]
        row = rows[str(w.ids[dept])]
        assert row.decided == len(specs)
        assert row.average_used == round(sum(used) / len(used), 1)
        assert row.average_promised == float(promised[dept])
        assert row.within_promised == sum(1 for u in used if u <= promised[dept])
    assert rows[""].decided == 5


def test_license_use_rate(figures_world):
    w = figures_world
    rows = by_key(statistics.license_use(PERIOD))
    eligible = counted(dept="a")  # only the food licence's item accepts a license for a material
    row = rows[str(w.ids["a"])]
    assert (row.eligible, row.used) == (len(eligible), sum(1 for s in eligible if s.get("license")))
    assert str(w.ids["b"]) not in rows
    assert rows[""].rate == round(2 / len(eligible), 4)


def test_cases_now_from_the_tallies(figures_world):
    w = figures_world
    rows = by_key(statistics.current(Filters(departments=(w.ids["b"],))))
    assert set(rows) == {str(w.ids["b"])}
    b = [s for s in SPEC if s["dept"] == "b"]
    assert rows[str(w.ids["b"])].decided == sum(1 for s in b if s["status"] in (Status.APPROVED, Status.DENIED))


def test_a_department_filter_narrows_every_figure(figures_world):
    w = figures_world
    only_b = Filters(PERIOD.start, PERIOD.end, (w.ids["b"],))
    for name, figure in statistics.FIGURES.items():
        keys = {row.key for row in figure.rows(only_b, today=TODAY)} - {""}
        if name.startswith("volumes-by-") and name != "volumes-by-department":
            continue
        assert keys <= {str(w.ids["b"])}, name


# --- who may see -------------------------------------------------------------------------------

def test_supervisors_see_all_leads_their_own_department_strangers_nothing(figures_world):
    w = figures_world
    assert statistics.scope(w.supervisor) is None
    assert statistics.scope(w.supervisor, [w.ids["b"]]) == (w.ids["b"],)
    assert statistics.scope(w.lead) == (w.ids["a"],)
    with pytest.raises(NotPermitted):
        statistics.scope(w.lead, [w.ids["b"]])
    for user in (w.stranger, w.clerk, w.window):
        assert not statistics.may_see(user)
        with pytest.raises(NotPermitted):
            statistics.scope(user)
    [(_figure, rows)] = statistics.figures_for(w.lead, Filters(), names=["volumes-by-department"])
    assert [row.key for row in rows] == [str(w.ids["a"])]


# --- the page and its exports ------------------------------------------------------------------

def url(**query):
    from urllib.parse import urlencode

    return reverse("supervision_admin:statistics") + ("?" + urlencode(query, doseq=True) if query else "")


@freeze_time("2025-06-20 12:00:00")
def test_the_page_shows_each_figure_with_its_table(figures_world, client):
    w = figures_world
    client.force_login(w.supervisor)
    response = client.get(url(start="2025-01-01", end="2025-06-30"))
    assert response.status_code == 200
    html = response.content.decode()
    for name in statistics.FIGURES:
        assert f'data-figure="{name}"' in html
        assert f'id="table-{name}"' in html
    assert "echarts.min.js" in html
    assert w.department.name in html and w.other_department.name in html


@freeze_time("2025-06-20 12:00:00")
def test_a_lead_sees_their_department_only_and_a_stranger_is_refused(figures_world, client):
    w = figures_world
    client.force_login(w.lead)
    response = client.get(url(start="2025-01-01", end="2025-06-30"))
    assert response.status_code == 200
    rows = {f.name: r for f, r in response.context["figures_rows"]}
    assert {row.key for row in rows["volumes-by-department"]} == {str(w.ids["a"])}
    # Wagtail answers a refusal with its dashboard and a message, as for every workbench page
    refused = client.get(url(department=w.ids["b"]))
    assert refused.status_code == 302 and refused["Location"] == "/admin/"
    assert client.get(url(department=w.ids["b"], format="xlsx"))["Location"] == "/admin/"
    client.force_login(w.clerk)
    assert client.get(url())["Location"] == "/admin/"
    assert 'href="/admin/supervision/statistics/"' not in client.get("/admin/").content.decode()
    client.force_login(w.stranger)  # not staff: the admin's login page
    assert "/admin/login/" in client.get(url())["Location"]


@freeze_time("2025-06-20 12:00:00")
def test_csv_and_xlsx_exports_have_the_same_numbers(figures_world, client):
    w = figures_world
    client.force_login(w.supervisor)
    response = client.get(url(start="2025-01-01", end="2025-06-30", format="xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book[statistics.FIGURES["on-time"].name]
    header = [c.value for c in sheet[1]]
    assert header[1:] == [str(c.label) for c in statistics.FIGURES["on-time"].columns[1:]]
    body = {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True)}
    expected = by_key(statistics.on_time(PERIOD))
    assert body[w.department.name] == (expected[str(w.ids["a"])].decided, expected[str(w.ids["a"])].on_time,
                                       expected[str(w.ids["a"])].rate)
    volumes = {row[0]: row[1:] for row in book["volumes-by-department"].iter_rows(min_row=2, values_only=True)}
    assert volumes[w.other_department.name] == (2, 2, 2)
    assert isinstance(volumes[w.other_department.name][0], int)  # numbers as numbers

    response = client.get(url(start="2025-01-01", end="2025-06-30", format="csv"))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert f"volumes-by-department,{w.other_department.name},2,2,2" in text.replace("\r\n", "\n")


# --- 办件公示 -----------------------------------------------------------------------------------

@freeze_time("2025-06-20 12:00:00")
def test_public_figures_have_no_personal_data(figures_world, client):
    w = figures_world
    rows = statistics.public_figures(today=TODAY)
    months = {row.month for row in rows}
    assert len(months) == 12 and min(months) == "2024-07" and max(months) == "2025-06"
    a = {row.month: row for row in rows if row.department == w.department.name}
    assert a["2025-03"].submitted == 2 and (a["2025-03"].decided, a["2025-03"].on_time) == (2, 1)
    b = {row.month: row for row in rows if row.department == w.other_department.name}
    assert b["2024-12"].submitted == 1

    response = client.get(reverse("casefiles:public_figures"))
    assert response.status_code == 200
    html = response.content.decode()
    assert w.department.name in html and 'data-figure="public"' in html
    for personal in (w.enterprise.name, w.enterprise.uscc, w.cases[0].number, "林晓燕"):
        assert personal not in html
