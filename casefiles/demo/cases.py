"""Demo case files: every state of the workflow, across several Zhuhai departments.

Each story is told through the domain functions — ``applications.start``,
``materials.add`` / ``promise_later`` / ``review``, ``workflow.perform`` and the special
procedures — as the demo users who would take each step, so the journals, notices,
deadlines and licenses are the real thing. Steps are dated in working days before the last
working day before today, and each runs with the clock set to its moment: journal, uploads,
notices and deadlines then agree with one another (a case accepted 15 working days ago is
overdue today, and its journal says when it was accepted).

``load_cases`` is idempotent: a story already told (its case carries the story's key in
``form_data["demo"]``) is left alone; missing ones are added. Stories whose guide is not in
the database (the demo catalog not loaded) are skipped with a message.
"""

import datetime
import io
from contextlib import contextmanager
from dataclasses import dataclass, field
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from casefiles.demo import forms
from casefiles.demo.licenses import give_departments_codes
from casefiles.forms import storing
from casefiles.handling import applications, workflow
from casefiles.licenses import reuse
from casefiles.cases.models import CaseFile, Channel, ClockPause
from casefiles.deadlines import working_days as deadlines
from casefiles.directory.models import Enterprise, Person
from casefiles.materials import uploads as materials
from casefiles.materials.models import Material
from cms.models import ServiceItemPage


@dataclass(frozen=True)
class Step:
    action: str  # file, promise, submit, review, supply, pause, resume, or a transition's name
    days_ago: int  # working days before the story's last working day
    time: str  # "HH:MM", Beijing time
    by: str = "applicant"  # applicant, window, clerk, reviewer, decider (of the item's department)
    args: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Story:
    key: str
    item: str  # the guide's title in the demo catalog (its beginning)
    applicant: str  # an enterprise's name, or a person's username
    steps: tuple[Step, ...]
    channel: str = Channel.ONLINE


def step(action, days_ago, time, by="applicant", **args):
    return Step(action, days_ago, time, by, args)


FOOD = "食品经营许可"
EQUIPMENT = "特种设备使用登记"
HYGIENE = "公共场所卫生许可"
CONSTRUCTION = "建筑工程施工许可证核发"
FIRE = "建设工程消防验收"
DISCHARGE = "排污许可证核发"
HR = "人力资源服务许可"
UNEMPLOYMENT = "失业保险金申领"
FUND = "住房公积金提取"

HAOWEIDAO = "珠海市香洲区拱北好味道小吃店"
HAIWAN = "珠海海湾餐饮管理有限公司"
GECHUANG = "珠海格创智能科技有限公司"
JINWAN = "珠海金湾新能源储能有限公司"
HENGQIN = "珠海横琴湾区建设工程有限公司"
YOUTH = "珠海市青年创业促进会"

DENIAL_REASON = (
    "经现场核查，经营场所加工操作区与生活区未有效分隔，且未设置与经营品种相适应的冷藏设施，"
    "不符合《食品经营许可和备案管理办法》第十二条规定的许可条件。"
)

STORIES = (
    # 市市场监管局 — every state.
    Story("scjgj-food-new", FOOD, HAOWEIDAO, (step("file", 0, "10:05"), step("submit", 0, "10:12"))),
    Story("scjgj-food-window", FOOD, HAIWAN, (step("file", 1, "14:20", "window"), step("submit", 1, "14:31", "window")),
          channel=Channel.WINDOW),
    Story("scjgj-equipment-correction", EQUIPMENT, GECHUANG, (
        step("file", 3, "09:40"), step("submit", 3, "09:52"),
        step("review", 2, "10:30", "clerk", material="特种设备监督检验证明", state=Material.Review.REJECTED,
          reason="监督检验证明已超过有效期，请提供最近一次定期检验合格的证明"),
        step("review", 2, "10:32", "clerk", material="特种设备使用登记表", state=Material.Review.ACCEPTED),
        step("request_correction", 2, "10:40", "clerk", extra_problems=[
            {"material": "特种设备产品合格证", "problem": "合格证复印件未加盖使用单位公章"}]),
    )),
    Story("scjgj-food-resubmitted", FOOD, HAIWAN, (
        step("file", 4, "15:10"), step("submit", 4, "15:18"),
        step("review", 3, "09:20", "clerk", material="营业执照", state=Material.Review.REJECTED,
          reason="营业执照扫描件模糊，无法辨认统一社会信用代码，请重新上传清晰的彩色扫描件"),
        step("request_correction", 3, "09:25", "clerk"),
        step("supply", 1, "16:45", material="营业执照"), step("submit", 1, "16:50"),
    )),
    Story("scjgj-food-deferred", FOOD, HAOWEIDAO, (
        step("file", 5, "11:00", skip=["营业执照"]),
        step("promise", 5, "11:02", material="营业执照",
          commitment="营业执照经营范围变更正在办理，本单位承诺于受理后2个工作日内补交变更后的营业执照，逾期未补交的自愿承担相应责任。"),
        step("submit", 5, "11:06"),
        step("accept_with_deferral", 5, "14:30", "clerk", deferred_working_days=2),
    )),
    Story("scjgj-equipment-review", EQUIPMENT, GECHUANG, (
        step("file", 1, "09:15"), step("submit", 1, "09:20"), step("accept", 1, "10:05", "clerk"),
        step("start_review", 0, "09:30", "reviewer"),
    )),
    Story("scjgj-food-overdue", FOOD, HAOWEIDAO, (
        step("file", 14, "10:00"), step("submit", 14, "10:10"), step("accept", 14, "15:00", "clerk"),
        step("start_review", 13, "09:00", "reviewer"),
    )),
    Story("scjgj-food-denial-pending", FOOD, HAIWAN, (
        step("file", 6, "10:00"), step("submit", 6, "10:05"), step("accept", 6, "11:00", "clerk"),
        step("start_review", 5, "09:30", "reviewer"),
        step("propose_denial", 2, "16:00", "reviewer", reason=DENIAL_REASON),
    )),
    Story("scjgj-food-approved", FOOD, HAOWEIDAO, (
        step("file", 8, "09:00"), step("submit", 8, "09:10"), step("accept", 8, "10:00", "clerk"),
        step("start_review", 7, "09:00", "reviewer"), step("approve", 6, "15:30", "decider"),
    )),
    Story("scjgj-equipment-concluded", EQUIPMENT, GECHUANG, (
        step("file", 20, "09:00"), step("submit", 20, "09:05"), step("accept", 20, "10:00", "clerk"),
        step("start_review", 19, "09:00", "reviewer"), step("approve", 16, "14:00", "decider"),
        step("conclude", 16, "16:00", "clerk"),
    )),
    Story("scjgj-food-denied", FOOD, HAIWAN, (
        step("file", 18, "10:00"), step("submit", 18, "10:10"), step("accept", 18, "14:00", "clerk"),
        step("start_review", 17, "09:00", "reviewer"),
        step("propose_denial", 12, "11:00", "reviewer", reason=DENIAL_REASON),
        step("confirm_denial", 11, "10:00", "decider"),
    )),
    # 否决权上移: a refusal to accept is proposed by a clerk (or the window) and confirmed by a decider.
    Story("scjgj-food-not-accepted", FOOD, YOUTH, (
        step("file", 9, "10:00"), step("submit", 9, "10:05"),
        step("propose_non_acceptance", 8, "09:40", "clerk",
          reason="申请人为社会团体，申请从事的食品经营活动超出其章程规定的业务范围，不符合申请条件。"),
        step("confirm_non_acceptance", 8, "15:20", "decider"),
    )),
    Story("scjgj-equipment-non-acceptance-pending", EQUIPMENT, HAOWEIDAO, (
        step("file", 1, "10:30", "window"), step("submit", 1, "10:45", "window"),
        step("propose_non_acceptance", 0, "09:15", "window",
          reason="申请人经营的小吃店未使用承压类特种设备，申请事项依法不需要办理特种设备使用登记。"),
    ), channel=Channel.WINDOW),
    Story("scjgj-equipment-withdrawn", EQUIPMENT, GECHUANG, (
        step("file", 10, "10:00"), step("submit", 10, "10:05"), step("withdraw", 9, "17:20", comment="设备已转让，不再办理使用登记。"),
    )),
    # 市卫健局
    Story("wjj-hygiene-testing", HYGIENE, HAIWAN, (
        step("file", 6, "09:30"), step("submit", 6, "09:40"), step("accept", 6, "10:30", "clerk"),
        step("start_review", 5, "09:00", "reviewer"),
        step("pause", 4, "15:00", "reviewer", kind=ClockPause.Kind.TESTING,
          reason="委托第三方检测机构对集中空调通风系统进行卫生学检测"),
    )),
    Story("wjj-hygiene-new", HYGIENE, HAOWEIDAO, (step("file", 0, "15:40"), step("submit", 0, "15:45"))),
    # 市住建局
    Story("zjj-construction-window", CONSTRUCTION, HENGQIN,
          (step("file", 0, "09:10", "window"), step("submit", 0, "09:25", "window")), channel=Channel.WINDOW),
    Story("zjj-fire-overdue", FIRE, HENGQIN, (
        step("file", 20, "09:00"), step("submit", 20, "09:10"), step("accept", 20, "11:00", "clerk"),
        step("start_review", 19, "09:30", "reviewer"),
    )),
    Story("zjj-construction-concluded", CONSTRUCTION, HENGQIN, (
        step("file", 12, "09:00"), step("submit", 12, "09:10"), step("accept", 12, "10:00", "clerk"),
        step("start_review", 11, "09:00", "reviewer"), step("approve", 10, "16:00", "decider"),
        step("conclude", 10, "16:30", "clerk"),
    )),
    # 市生态环境局: an expert review stopped the clock for two days.
    Story("sthjj-discharge-expert", DISCHARGE, JINWAN, (
        step("file", 6, "09:00"), step("submit", 6, "09:10"), step("accept", 6, "10:00", "clerk"),
        step("start_review", 5, "09:00", "reviewer"),
        step("pause", 4, "10:00", "reviewer", kind=ClockPause.Kind.EXPERT_REVIEW, reason="组织专家对自行监测方案进行技术评审"),
        step("resume", 2, "17:00", "reviewer"),
    )),
    Story("sthjj-discharge-draft", DISCHARGE, JINWAN, (step("file", 0, "11:30", skip=["自行监测方案"]),)),
    # 市人社局 and 市公积金中心: people as applicants.
    Story("rsj-hr-accepted", HR, YOUTH, (
        step("file", 3, "10:00"), step("submit", 3, "10:10"), step("accept", 3, "14:00", "clerk"),
    )),
    Story("rsj-unemployment-approved", UNEMPLOYMENT, "citizen2", (
        step("file", 2, "09:00"), step("submit", 2, "09:05"), step("accept", 2, "10:00", "clerk"),
        step("start_review", 2, "10:30", "reviewer"), step("approve", 1, "11:00", "decider"),
    )),
    Story("gjj-withdrawal-concluded", FUND, "citizen1", (
        step("file", 5, "09:00"), step("submit", 5, "09:05"), step("accept", 5, "09:30", "clerk"),
        step("start_review", 5, "10:00", "reviewer"), step("approve", 4, "10:00", "decider"),
        step("conclude", 4, "11:00", "clerk"),
    )),
)


# --- telling a story ---------------------------------------------------------------------------

@contextmanager
def _clock(moment):
    """The step happens at ``moment``: every ``timezone.now()`` below (journal, uploads,
    notices, deadlines) answers with it. Only the demo loader does this."""
    # In UTC, as timezone.now() gives it: the journal seals the time as written.
    with mock.patch("django.utils.timezone.now", return_value=moment.astimezone(datetime.timezone.utc)):
        yield


def _last_working_day_before(calendar, day):
    day -= datetime.timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def _working_days_before(calendar, day, n):
    while n > 0:
        day -= datetime.timedelta(days=1)
        if calendar.is_working_day(day):
            n -= 1
    return day


def _moment(calendar, anchor, step):
    day = _working_days_before(calendar, anchor, step.days_ago)
    hour, minute = (int(part) for part in step.time.split(":"))
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class _Scans:
    """Small scanned-looking documents (Pillow; no browser, no font download): PDFs for
    forms and letters, JPEGs for certificates — rendered once per name, applicant and day."""

    WIDTH, HEIGHT = 620, 877

    def __init__(self):
        self._cache = {}
        self._fonts = {}

    def font(self, size):
        if size not in self._fonts:
            self._fonts[size] = ImageFont.truetype(settings.YIWANG_CJK_FONT, size)
        return self._fonts[size]

    def upload(self, name, applicant, code, day):
        certificate = any(word in name for word in ("营业执照", "身份证", "合格证", "证明"))
        key = (name, applicant, day)
        if key not in self._cache:
            self._cache[key] = self._render(name, applicant, code, day, certificate)
        content, extension, content_type = self._cache[key]
        return SimpleUploadedFile(f"{name}{extension}", content, content_type=content_type)

    def _render(self, name, applicant, code, day, certificate):
        image = Image.new("RGB", (self.WIDTH, self.HEIGHT), (252, 251, 247))
        draw = ImageDraw.Draw(image)
        draw.rectangle((24, 24, self.WIDTH - 24, self.HEIGHT - 24), outline=(60, 60, 60), width=2)
        title = name if len(name) <= 16 else name[:16] + "…"
        draw.text((self.WIDTH / 2, 90), title, font=self.font(28), fill=(20, 20, 20), anchor="mm")
        lines = [f"申请人：{applicant}", f"代码：{code}", f"日期：{day:%Y年%m月%d日}", "", "（示例材料，仅供演示）"]
        for index, line in enumerate(lines):
            draw.text((60, 170 + index * 42), line, font=self.font(20), fill=(40, 40, 40))
        for row in range(8):  # ruled lines of a form filled in by hand
            y = 420 + row * 44
            draw.line((60, y, self.WIDTH - 60, y), fill=(190, 190, 190), width=1)
        # The applicant's seal.
        draw.ellipse((self.WIDTH - 220, self.HEIGHT - 230, self.WIDTH - 70, self.HEIGHT - 80), outline=(200, 30, 30), width=5)
        draw.text((self.WIDTH - 145, self.HEIGHT - 155), "★", font=self.font(36), fill=(200, 30, 30), anchor="mm")
        buffer = io.BytesIO()
        if certificate:
            image.save(buffer, "JPEG", quality=80)
            return buffer.getvalue(), ".jpg", "image/jpeg"
        image.save(buffer, "PDF", resolution=75)
        return buffer.getvalue(), ".pdf", "application/pdf"


class _Teller:
    def __init__(self, stdout=None):
        self.stdout = stdout
        self.calendar = deadlines.get_calendar()
        self.anchor = _last_working_day_before(self.calendar, timezone.localdate())
        self.scans = _Scans()
        self.User = get_user_model()

    def say(self, message):
        if self.stdout is not None:
            self.stdout.write(message)

    def item(self, title):
        return ServiceItemPage.objects.live().filter(title__startswith=title).order_by("pk").first()

    def applicant(self, story):
        """The applicant and the user who acts for it (its first member, or the person)."""
        enterprise = Enterprise.objects.filter(name=story.applicant).first()
        if enterprise is not None:
            return enterprise, self.User.objects.filter(groups=enterprise.members_group).order_by("pk").first()
        person = Person.objects.filter(user__username=story.applicant).select_related("user").first()
        return person, person.user if person else None

    def staff(self, department, role):
        if role == "window":
            return self.User.objects.filter(username="window").first()
        return self.User.objects.filter(username=f"{department.code.lower()}-{role}").first()

    def tell(self, story) -> str | None:
        """Tell ``story``; returns why it was skipped, or None."""
        item = self.item(story.item)
        if item is None:
            return f"the guide {story.item} is not in the database"
        applicant, applicant_user = self.applicant(story)
        if applicant is None or applicant_user is None:
            return f"the applicant {story.applicant} is not in the database"
        actors = {"applicant": applicant_user}
        for role in ("window", "clerk", "reviewer", "decider"):
            actors[role] = self.staff(item.department, role)
        missing = sorted({step.by for step in story.steps if actors.get(step.by) is None})
        if missing:
            return f"no demo user for {', '.join(missing)} of {item.department.code}"
        with transaction.atomic():
            case = None
            for step in story.steps:
                moment = _moment(self.calendar, self.anchor, step)
                with _clock(moment):
                    case = self.take(step, story, item, applicant, actors, case, moment)
        return None

    def take(self, step, story, item, applicant, actors, case, moment):
        user = actors[step.by]
        args = step.args
        if step.action == "file":
            case = applications.start(
                user, item, applicant, channel=story.channel, contact_phone=getattr(applicant, "phone", "") or "0756-8888123",
                form_data={**forms.sample_values(item), **storing.starting_values(item, applicant), "demo": story.key},
            )
            skip = set(args.get("skip", ()))
            # 免提交: a license the applicant holds stands in for its material, unless the story acts on that material.
            acted_on = skip | {later.args.get("material") for later in story.steps}
            for use in reuse.use_held_licenses(case, user):
                if use.requirement_name in acted_on:
                    reuse.stop_using(case, use.requirement, user)
                else:
                    skip.add(use.requirement_name)
            for requirement in item.material_requirements.all():
                if requirement.name not in skip:
                    materials.add(case, requirement, self.upload(requirement.name, case, moment), user)
            return case
        case.refresh_from_db()
        if step.action == "promise":
            requirement = item.material_requirements.get(name=args["material"])
            materials.promise_later(case, requirement, user, args["commitment"])
        elif step.action == "review":
            material = case.materials.get(requirement_name=args["material"], is_current=True)
            materials.review(material, user, args["state"], args.get("reason", ""))
        elif step.action == "supply":
            current = case.materials.get(requirement_name=args["material"], is_current=True)
            materials.add(case, current.requirement, self.upload(current.requirement_name, case, moment), user,
                          replaces=current)
        elif step.action == "pause":
            workflow.start_special_procedure(case, user, args["kind"], args["reason"], on=moment.date())
        elif step.action == "resume":
            workflow.end_special_procedure(case, user, on=moment.date())
        else:
            workflow.perform(case, step.action, user, now=moment, comment=args.get("comment", ""),
                             **self.params(step, case, moment))
        return case

    def params(self, step, case, moment):
        args = step.args
        if step.action == "request_correction":
            problems = [
                {"material": m.requirement_name, "material_id": m.pk, "problem": m.review_reason}
                for m in case.materials.filter(is_current=True, review_state=Material.Review.REJECTED)
            ]
            correction_due = self.calendar.add_working_days(moment.date(), 10)
            return {"problems": problems + list(args.get("extra_problems", [])), "correction_due": correction_due}
        if step.action == "accept_with_deferral":
            return {"deferred_due": self.calendar.add_working_days(moment.date(), args["deferred_working_days"])}
        if "reason" in args:
            return {"reason": args["reason"]}
        return {}

    def upload(self, name, case, moment):
        return self.scans.upload(name, case.applicant_name, case.applicant_code, timezone.localdate(moment))


def load_cases(stdout=None) -> dict:
    """Tell every demo story not told yet; returns counts of told, present and skipped stories."""
    give_departments_codes()  # approvals issue licenses, which their department signs with its USCC
    teller = _Teller(stdout)
    told = set(CaseFile.objects.filter(form_data__has_key="demo").values_list("form_data__demo", flat=True))
    counts = {"told": 0, "present": 0, "skipped": 0}
    skipped = []
    for story in STORIES:
        if story.key in told:
            counts["present"] += 1
            continue
        why = teller.tell(story)
        if why is None:
            counts["told"] += 1
        else:
            counts["skipped"] += 1
            skipped.append(f"{story.key} ({why})")
    if counts["skipped"] == len(STORIES):
        teller.say("Demo cases skipped: the demo catalog is not loaded (its guides are needed).")
    else:
        teller.say(
            f"Demo cases: {counts['told']} added, {counts['present']} already there"
            + (f", {counts['skipped']} skipped: {'; '.join(skipped)}" if skipped else "")
            + "."
        )
    return counts
