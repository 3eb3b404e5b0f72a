"""Demo bundles (一件事) in progress, told like the demo cases (``demo_cases``): through the
domain functions, as the demo users who would take each step, with the clock set to each
step's moment; and the 一照通行 activities.

- 企业开办一件事: filed two working days ago; 市场监管 has registered the company (approved),
  公安 accepted the seal filing, 人社 is reviewing, 税务 and 公积金 have yet to accept.
- 我要开餐馆: filed yesterday; 市场监管 accepted the food licence, the other parts wait.

Idempotent: a bundle already told carries its key in ``form_data["demo_bundle"]``.
"""

from dataclasses import dataclass

from django.db import transaction

from casefiles.bundles import activities
from casefiles.bundles import applications as bundles
from casefiles.handling import workflow
from casefiles.cases.models import CaseFile
from casefiles.demo.cases import HAIWAN, JINWAN, _clock, _moment, _Teller
from casefiles.demo import forms
from cms import bundles as cms_bundles
from cms.bundles import material_key
from cms.models import BundlePage


@dataclass(frozen=True)
class PartStep:
    item: str  # the beginning of the part's item title
    action: str  # a transition's name
    days_ago: int
    time: str
    by: str  # clerk, reviewer, decider (of the part's department)
    comment: str = ""


@dataclass(frozen=True)
class BundleStory:
    key: str
    bundle: str  # the bundle's code in the demo catalogue
    applicant: str
    filed: tuple  # (working days ago, "HH:MM")
    steps: tuple


class _At:  # what demo_cases._moment reads of a step
    def __init__(self, days_ago, time):
        self.days_ago, self.time = days_ago, time


STORIES = (
    BundleStory("bundle-qykb", "ZH-YJS-QYKB", JINWAN, (2, "09:30"), (
        PartStep("企业设立登记", "accept", 2, "10:15", "clerk", "材料齐全，予以受理"),
        PartStep("企业设立登记", "start_review", 2, "10:40", "reviewer"),
        PartStep("企业设立登记", "approve", 1, "15:00", "decider", "符合公司登记条件，准予设立登记"),
        PartStep("公章刻制备案", "accept", 1, "09:20", "clerk", "同步受理"),
        PartStep("社会保险登记", "accept", 1, "10:05", "clerk"),
        PartStep("社会保险登记", "start_review", 0, "09:10", "reviewer"),
    )),
    BundleStory("bundle-kcg", "ZH-YJS-KCG", HAIWAN, (1, "14:10"), (
        PartStep("食品经营许可", "accept", 0, "09:40", "clerk", "材料齐全，予以受理，将安排现场核查"),
    )),
)


def load_bundles(stdout=None) -> dict:
    """Seed the 一照通行 activities and tell every demo bundle not told yet."""
    activities.seed()
    teller = _Teller(stdout)
    told = set(CaseFile.objects.filter(is_bundle=True, form_data__has_key="demo_bundle")
               .values_list("form_data__demo_bundle", flat=True))
    counts = {"told": 0, "present": 0, "skipped": 0}
    for story in STORIES:
        if story.key in told:
            counts["present"] += 1
            continue
        bundle = BundlePage.objects.live().filter(bundle_code=story.bundle).first()
        applicant, user = teller.applicant(story)
        if bundle is None or applicant is None or user is None:
            counts["skipped"] += 1
            continue
        with transaction.atomic():
            _tell(teller, story, bundle, applicant, user)
        counts["told"] += 1
    teller.say(f"Demo bundles: {counts['told']} added, {counts['present']} already there, {counts['skipped']} skipped.")
    return counts


def _tell(teller, story, bundle, applicant, user):
    moment = _moment(teller.calendar, teller.anchor, _At(*story.filed))
    with _clock(moment):
        typed = {}  # one form: what the applicant types once for every part that asks it
        for item in cms_bundles.items(bundle):
            typed.update({key: value for key, value in forms.sample_values(item).items() if key not in typed})
        parent = bundles.start(user, applicant, bundle=bundle, contact_phone=getattr(applicant, "phone", "") or "0756-8888123",
                               form_data=typed)
        CaseFile.objects.filter(pk=parent.pk).update(form_data={**parent.form_data, "demo_bundle": story.key})
        for slot in bundles.slots(parent):
            upload = teller.scans.upload(slot.material.name, parent.applicant_name, parent.applicant_code, moment.date())
            bundles.add_shared(parent, material_key(slot.material.name), upload, user)
        parent.refresh_from_db()
        bundles.submit(parent, user)
    for step in story.steps:
        part = parent.children.filter(item_title__startswith=step.item).select_related("item", "department").first()
        actor = teller.staff(part.department, step.by) if part is not None else None
        if actor is None:
            continue
        moment = _moment(teller.calendar, teller.anchor, _At(step.days_ago, step.time))
        with _clock(moment):
            workflow.perform(part, step.action, actor, now=moment, comment=step.comment)
