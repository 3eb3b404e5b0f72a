"""一件事: applying for several items at once — one form, one set of materials, parallel approval.

A bundle application is one **parent** case (``is_bundle``) and one **child** case per item.
Each child is an ordinary case of its item: routed to the item's department, with its own
workflow, deadlines, notices and license, worked by that department alone. The children run
at once (并联审批); a denied or refused child does not stop the others.

The parent is never worked by a department: ``workflow.perform`` refuses every step on it.
Its status is **derived** from its children by a declared table (``FOLLOWS``), which ``follow``
reads after every child transition and takes as a step of ``FOLLOWING`` — a step of
``casefiles.cases.transitions``, journaled — inside the child's transaction, the parent's row
locked first, so two departments acting at the same moment cannot both read a stale picture:

- draft while every child is a draft;
- withdrawn once the applicant withdrew the bundle (it stays so);
- concluded once every child is closed (concluded, not accepted or withdrawn) — withdrawn if
  every child was withdrawn;
- otherwise the earliest stage any open child is at: correction requested (the applicant
  must act) before submitted, accepted, under review — a child's step waiting inside its
  department counting as the stage before it (``disclosure.outsider_status``); when every open
  child is decided, approved if any child was granted, else denied.

The applicant's submission and withdrawal of the whole bundle are steps of ``BUNDLE``, taken the
same way (one winner of two at once, the loser told).

The parent carries the applicant and the contact, the bundle's title and code, its lead
item and lead department (牵头部门: for a bundle page, the page's department; otherwise the first
item's). Its promised date is the latest of its children's. The lead department's roles may
view the parent (it appears in their case list, a coordinating view); every department may
open the bundle's **combined view** if it may view one of the children, and sees there the
progress of the other parts — their opinions too only when ``YIWANG_BUNDLE_OPINIONS_SHARED``.

**Shared materials.** The applicant uploads each combined material (``cms.bundles.combine``:
requirements with the same name are one) once. The file is checked and stored once — one blob,
one sha256 — and each child whose item asks for that material gets its own ``Material`` row
pointing at the same blob, for its own requirement. A department reads only its child's rows:
a material its item does not ask for is not there to see (404, like any other record it may
not see). Text is extracted once for all the rows.
"""

import logging
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from casefiles.access import disclosure, permissions
from casefiles.cases import states, transitions
from casefiles.cases.models import CaseFile, CaseGrant, Channel, Status
from casefiles.errors import Conflict, GuardFailed, Invalid, NotAllowedNow, NotFound, NotPermitted
from casefiles.bundles import joint
from casefiles.licenses import reuse
from casefiles.licenses.models import LicenseUse
from casefiles.handling import applications, workflow
from casefiles.journal import records
from casefiles.materials import filetypes
from casefiles.materials import uploads as materials
from casefiles.materials.models import Material
from cms import bundles as cms_bundles
from cms.bundles import material_key
from cms.models import MaterialRequirement

logger = logging.getLogger(__name__)

GRANTED = "granted"
REFUSED = "refused"
WITHDRAWN = "withdrawn"
PENDING = "pending"


def opinions_shared() -> bool:
    return bool(getattr(settings, "YIWANG_BUNDLE_OPINIONS_SHARED", False))


# --- starting -----------------------------------------------------------------------------

def _lead(items, bundle):
    return items[0], (bundle.department if bundle is not None else items[0].department)


@transaction.atomic
def start(user, applicant, *, bundle=None, items=None, title="", activities=(), channel=Channel.ONLINE,
          contact_name="", contact_phone="", contact_email="", form_data=None) -> CaseFile:
    """A draft bundle for ``bundle`` (a BundlePage) or for ``items`` (一照通行): the parent and a
    draft child per item. Refused, nothing is written."""
    if bundle is not None:
        if not bundle.live:
            raise Conflict(_("This bundle is not open for applications."))
        items = cms_bundles.items(bundle)
        title = bundle.title
    items = list(dict.fromkeys(items or []))
    if not items:
        raise Invalid(_("Choose at least one item to apply for."))
    closed = [item.title for item in items if not applications.may_apply_for(user, item)]
    if closed:
        raise Conflict(
            _("These items cannot be applied for online here: %(items)s.") % {"items": "、".join(closed)}
        )
    lead_item, lead_department = _lead(items, bundle)
    data = dict(form_data or {})
    data["bundle"] = {
        "code": bundle.bundle_code if bundle is not None else "",
        "items": [item.item_code for item in items],
        "activities": [a.code for a in activities],
    }
    # The parent is started like any case of its lead item (the same checks of applicant and
    # channel), then becomes the bundle.
    parent = applications.start(user, lead_item, applicant, channel=channel, contact_name=contact_name,
                                contact_phone=contact_phone, contact_email=contact_email, form_data=data)
    parent.is_bundle = True
    parent.item_code = bundle.bundle_code if bundle is not None else "YZTX"
    parent.item_title = title or str(_("Business license and permits (一照通行)"))
    parent.department = lead_department
    parent.save(update_fields=["is_bundle", "item_code", "item_title", "department"])
    for item in items:  # one form: each part pre-filled, with the values typed for the bundle that it asks
        applications.start(user, item, applicant, channel=channel, contact_name=parent.contact_name,
                           contact_phone=parent.contact_phone, contact_email=parent.contact_email,
                           form_data=joint.starting_values(item, applicant, form_data), parent=parent)
    for part in parent.children.all():
        reuse.use_held_licenses(part, user)  # 免提交, as for a single application
    return parent


def children(parent) -> list[CaseFile]:
    return list(parent.children.select_related("item", "department").order_by("pk"))


# --- who may see what ---------------------------------------------------------------------

def may_view(user, parent) -> bool:
    """The parent itself (applicant, lead department), or any of its children (each department)."""
    if permissions.can(user, "view_casefile", parent):
        return True
    return any(permissions.can(user, "view_casefile", child) for child in children(parent))


def _check(user, parent, *codenames):
    held = permissions.held(user, parent, ("view_casefile", *codenames))
    if "view_casefile" not in held:
        raise NotFound(_("No such case."))
    if not set(codenames) <= held:
        raise NotPermitted(_("You may not take this step on this case."))


# --- combined materials -----------------------------------------------------------------

@dataclass
class SharedSlot:
    """One combined material of the bundle, with the files supplied for it (one entry per blob)."""

    material: object  # cms.bundles.CombinedMaterial
    key: str
    files: list[Material] = field(default_factory=list)
    promise: Material | None = None
    items: list[str] = field(default_factory=list)  # titles of the items that need it
    errors: list[str] = field(default_factory=list)
    licenses: list = field(default_factory=list)  # 免提交: the licenses the parts use in its place
    waits_for: list = field(default_factory=list)  # 证照联办: (license type, the part issuing it)

    @property
    def supplied(self) -> bool:
        return bool(self.files)

    @property
    def may_promise(self) -> bool:
        return self.material.deferrable


def combined(parent):
    return cms_bundles.combine([child.item for child in children(parent)])


def slots(parent) -> list[SharedSlot]:
    current = list(Material.objects.filter(case__parent=parent, is_current=True).order_by("-uploaded_at", "-pk"))
    by_key: dict[str, list[Material]] = {}
    for material in current:
        material.type_label = filetypes.type_label(material.content_type)
        by_key.setdefault(material_key(material.requirement_name), []).append(material)
    used: dict[str, list] = {}
    for use in LicenseUse.objects.filter(case__parent=parent).select_related("license__license_type"):
        used.setdefault(material_key(use.requirement_name), []).append(use.license)
    waiting: dict[str, list] = {}
    for part in children(parent):
        for wait in joint.waiting(part):
            waiting.setdefault(material_key(wait.requirement.name), []).append((wait.license_type, wait.issuing_part))
    found = []
    for row in combined(parent):
        key = material_key(row.name)
        rows = by_key.get(key, [])
        files, seen = [], set()
        for material in rows:
            if material.deferred or material.file.name in seen:
                continue
            seen.add(material.file.name)
            material.shared_by = sum(1 for m in rows if m.file.name == material.file.name)
            files.append(material)
        promise = next((m for m in rows if m.deferred), None)
        found.append(SharedSlot(row, key, files, promise, [item.title for item in row.items],
                                licenses=list(dict.fromkeys(used.get(key, []))), waits_for=waiting.get(key, [])))
    return found


def _targets(parent, key=None):
    """The draft children that ask for material ``key`` (or, without a key, for each key), each
    with its item's requirement: {key: [(child, requirement), …]}. Three queries in all."""
    drafts = [c for c in CaseFile.objects.filter(parent=parent).order_by("pk") if c.status in states.WITH_THE_APPLICANT]
    by_item: dict[int, list] = {}
    for requirement in MaterialRequirement.objects.filter(page_id__in={c.item_id for c in drafts}).order_by("sort_order", "pk"):
        by_item.setdefault(requirement.page_id, []).append(requirement)
    found: dict[str, list] = {}
    for child in drafts:
        seen = set()
        for requirement in by_item.get(child.item_id, []):
            k = material_key(requirement.name)
            if k not in seen and (key is None or k == key):
                seen.add(k)
                found.setdefault(k, []).append((child, requirement))
    return found if key is None else found.get(key, [])


def _may_change(user, parent):
    _check(user, parent, "apply_casefile")
    if parent.status != Status.DRAFT:
        raise _not_draft()


def _not_draft():
    return materials.UploadRefused(
        _("The bundle's shared materials can only be changed before it is submitted; correct each part on its own page.")
    )


def _locked_draft(parent) -> CaseFile:
    """The parent's row, locked, still a draft — or the change is refused. Taken before any
    part's row, in the order the bundle's submission takes them (the parent, then each part),
    so a shared change and a submission queue instead of deadlocking; a change that comes
    after the submission sees it."""
    parent_now = materials.locked(parent)
    if parent_now.status != Status.DRAFT:
        raise _not_draft()
    return parent_now


def add_shared(parent, key, upload, user) -> list[Material]:
    """Store ``upload`` once for combined material ``key``; every draft child that asks for it
    gets a row pointing at the one stored file. Returns the rows."""
    rows, refused = add_shared_files(parent, [(key, upload)], user)
    if refused:
        raise refused[0][2]
    return rows


def add_shared_files(parent, uploads, user):
    """``add_shared`` for several (key, upload) pairs — one form posted — asking permissions and
    the parts' requirements once. Each file stands or falls alone: returns (the rows stored,
    [(key, upload, UploadRefused), …] for the files refused)."""
    _may_change(user, parent)
    targets = _targets(parent)
    stored, refused = [], []
    for key, upload in uploads:
        if not targets.get(key):
            refused.append((key, upload, materials.UploadRefused(_("That material is not one this bundle asks for."))))
            continue
        try:
            stored += _store_shared(parent, targets[key], upload, user)
        except (Invalid, Conflict) as error:
            refused.append((key, upload, error))
    if stored:
        pks = [m.pk for m in stored]
        transaction.on_commit(lambda: _enqueue_extraction(pks))
    return stored, refused


def _store_shared(parent, targets, upload, user):
    checked = materials.check_upload(upload)
    name = default_storage.save(f"cases/{parent.number}/materials/{uuid.uuid4().hex}{checked.extension}", File(upload))
    try:
        with transaction.atomic():
            _locked_draft(parent)
            rows = []
            for child, requirement in targets:
                child = materials.locked(child)
                if child.status not in states.WITH_THE_APPLICANT:
                    raise _not_draft()
                # A promise to supply later (容缺) is fulfilled by the first real file.
                promised = bool(Material.objects.filter(case=child, requirement=requirement, deferred=True,
                                                        is_current=True).update(is_current=False))
                material = Material.objects.create(
                    case=child, requirement=requirement, requirement_name=requirement.name, file=name,
                    original_name=checked.name, sha256=checked.sha256, size=checked.size,
                    content_type=checked.content_type, uploaded_by=user,
                )
                records.record(child, "add_material", user, from_state=child.status, to_state=child.status,
                               data={"material": requirement.name, "file": checked.name, "sha256": checked.sha256,
                                     "version": 1, "fulfils_promise": promised, "shared_in": parent.number})
                rows.append(material)
    except BaseException:
        default_storage.delete(name)  # no row was written: neither is the file
        raise
    return rows


def promise_shared(parent, key, user, commitment: str) -> list[Material]:
    """容缺 for a combined material: a signed commitment in every child that asks for it."""
    _may_change(user, parent)
    targets = _targets(parent, key)
    if not targets:
        raise materials.UploadRefused(_("That material is not one this bundle asks for."))
    with transaction.atomic():
        _locked_draft(parent)
        return [materials.promise_later(child, requirement, user, commitment) for child, requirement in targets]


def remove_shared(parent, material, user) -> int:
    """Take a shared file (or a promise) out of every draft child it was given to."""
    _may_change(user, parent)
    if material.case.parent_id != parent.pk or not material.is_current:
        raise materials.UploadRefused(_("That file has already been replaced or removed."))
    with transaction.atomic():
        _locked_draft(parent)
        rows = Material.objects.filter(case__parent=parent, is_current=True).select_related("case")
        if material.deferred:
            key = material_key(material.requirement_name)
            rows = [m for m in rows.filter(deferred=True) if material_key(m.requirement_name) == key]
        else:
            rows = list(rows.filter(file=material.file.name))
        if not rows:
            raise materials.UploadRefused(_("That file has already been replaced or removed."))
        for row in rows:
            materials.remove(row, user)
    return len(rows)


def _enqueue_extraction(pks):
    try:
        extract_shared_text.enqueue(pks)
    except Exception:
        logger.exception("could not queue text extraction for materials %s", pks)


@task()
def extract_shared_text(material_pks: list[int]) -> int:
    """One file, read and extracted once, its text given to every row that shares it."""
    first = Material.objects.filter(pk__in=material_pks).first()
    if first is None:
        return 0
    try:
        with first.file.open("rb") as handle:
            text = materials.extract_text(handle.read(), first.content_type)
    except Exception:  # the upload stands; only search misses its text
        logger.warning("text extraction failed for shared material %s", first.pk, exc_info=True)
        return 0
    Material.objects.filter(pk__in=material_pks).update(extracted_text=text)
    return len(text)


# --- submitting, following, withdrawing ---------------------------------------------------
#
# The parent moves by two tables of casefiles.cases.transitions, each step a conditional UPDATE
# on the status (and version) it was read in, journaled in the parent's journal: the applicant's
# steps on the whole bundle (``BUNDLE``), and the parent following its parts (``FOLLOWING``).

def _holds_permission(user, parent, step) -> bool:
    return permissions.can(user, step.may, parent)


def _on_submit(taking):
    parent = taking.record
    parent.submitted_at = taking.now
    CaseFile.objects.filter(pk=parent.pk).update(submitted_at=parent.submitted_at)
    _grant_lead(parent)


def _on_withdraw(taking):
    parent = taking.record
    parent.concluded_at = taking.now
    CaseFile.objects.filter(pk=parent.pk).update(concluded_at=parent.concluded_at)


def _journal_step(taking):
    return records.record(taking.record, taking.step.name, taking.user, from_state=taking.from_status,
                          to_state=taking.step.target, comment=taking.params.get("comment", ""))


BUNDLE = transitions.Table(CaseFile, {step.name: step for step in (
    transitions.Step("submit", _("Submit"), (Status.DRAFT,), Status.SUBMITTED, "apply_casefile", effect=_on_submit),
    transitions.Step("withdraw", _("Withdraw"), states.CLOCK_RUNNING, Status.WITHDRAWN, "apply_casefile",
                     effect=_on_withdraw),
)}, _journal_step, may=_holds_permission, versioned=True)


@dataclass(frozen=True)
class Parts:
    """A combination of the parts' statuses; each condition given must hold: every part is in one
    of ``every``; an open part is in one of ``some_open`` as the applicant is told of it (a step
    waiting inside its department counts as the stage before it: ``disclosure.outsider_status``);
    with ``some_granted``, a part was granted."""

    every: tuple[str, ...] = ()
    some_open: tuple[str, ...] = ()
    some_granted: bool = False

    def hold(self, statuses, granted) -> bool:
        told = {disclosure.outsider_status(s) for s in statuses if s not in states.CLOSED}
        return ((not self.every or all(s in self.every for s in statuses))
                and (not self.some_open or bool(told & set(self.some_open)))
                and (granted or not self.some_granted))


# The parent's status from its parts': the first line that holds, read from the top. The parent
# is the applicant's overview, so it never shows a step waiting inside a department.
FOLLOWS = (
    (Parts(every=(Status.DRAFT,)), Status.DRAFT),  # every part a draft (or none yet)
    (Parts(every=(Status.WITHDRAWN,)), Status.WITHDRAWN),  # every part withdrawn
    (Parts(every=states.CLOSED), Status.CONCLUDED),  # every part closed: concluded, not accepted, withdrawn
    (Parts(some_open=(Status.CORRECTION_REQUESTED,)), Status.CORRECTION_REQUESTED),  # the applicant must act
    (Parts(some_open=(Status.SUBMITTED,)), Status.SUBMITTED),  # … else the slowest open part
    (Parts(some_open=(Status.ACCEPTED,)), Status.ACCEPTED),
    (Parts(some_open=(Status.UNDER_REVIEW, Status.DRAFT)), Status.UNDER_REVIEW),
    (Parts(some_granted=True), Status.APPROVED),  # every open part decided, one of them granted
    (Parts(), Status.DENIED),  # every open part decided, none granted
)


def _on_conclude(taking):
    parent = taking.record
    if parent.concluded_at is None:
        parent.concluded_at = taking.now
        CaseFile.objects.filter(pk=parent.pk).update(concluded_at=parent.concluded_at)


def _journal_following(taking):
    # Every following is one "follow_part" event (the applicant reads "Overall status: …"),
    # under the name of whoever moved the part.
    return records.record(taking.record, "follow_part", taking.params["actor"], from_state=taking.from_status,
                          to_state=taking.step.target, data=taking.data)


def _following(status) -> str:
    return f"follow_{status}"


def _step_to(status) -> transitions.Step:
    # From any status but its own and withdrawn: once the applicant withdrew the bundle it stays
    # so, whatever its parts do. No one may take it but the system (``follow``).
    return transitions.Step(_following(status), Status(status).label,
                            tuple(s for s in Status if s not in (status, Status.WITHDRAWN)), status,
                            effect=_on_conclude if status == Status.CONCLUDED else None)


# One step to each status FOLLOWS gives: the parent follows the step of a part in that step's
# transaction.
FOLLOWING = transitions.Table(CaseFile, {_following(status): _step_to(status) for _parts, status in FOLLOWS},
                              _journal_following, versioned=True)


def submit(parent, user, *, expected_version=None):
    """Submit every part at once; if any part lacks a material, none is submitted and every
    missing material is named with its item."""
    _check(user, parent, "apply_casefile")
    with transaction.atomic():
        # The parent first, so that following its parts it is already submitted.
        transitions.take(BUNDLE, parent, "submit", user, version=expected_version)
        problems = []
        for child in children(parent):
            if child.status != Status.DRAFT:
                continue
            try:
                with transaction.atomic():
                    workflow.perform(child, "submit", user)
            except GuardFailed as error:
                problems += [f"{child.item_title}: {message}" for message in error.messages]
        if problems:
            raise GuardFailed(*problems)
    parent.refresh_from_db()
    return parent


def withdraw(parent, user, *, expected_version=None, reason=""):
    """Withdraw the bundle: every part still open is withdrawn; parts already decided stand."""
    _check(user, parent, "apply_casefile")
    with transaction.atomic():
        # The parts' rows before the parent's, in the order a department's step takes them (its
        # part, then ``follow`` the parent): the other order could deadlock with it.
        parts_now = list(CaseFile.objects.select_for_update().filter(parent=parent).order_by("pk"))
        if not may_withdraw(parent):
            raise NotAllowedNow(_("This application cannot be withdrawn now (%(status)s).") % {"status": parent.get_status_display()})
        # The parent first: following its parts' withdrawals, it stays withdrawn.
        transitions.take(BUNDLE, parent, "withdraw", user, version=expected_version, params={"comment": reason})
        for child in parts_now:
            if child.status in states.CLOCK_RUNNING:
                workflow.perform(child, "withdraw", user, comment=reason)
    parent.refresh_from_db()
    return parent


def may_withdraw(parent) -> bool:
    return parent.status in states.CLOCK_RUNNING and parent.children.filter(status__in=states.CLOCK_RUNNING).exists()


def derived_status(parent_status, statuses, granted=False) -> str:
    """The parent's status from its children's (``FOLLOWS``), where a step of ``FOLLOWING``
    leads there from ``parent_status``; ``granted``: whether any part was granted, which decides
    between approved and denied once all are decided."""
    statuses = list(statuses)
    target = next(status for parts, status in FOLLOWS if parts.hold(statuses, granted))
    return target if parent_status in FOLLOWING.steps[_following(target)].sources else parent_status


def follow(child, user=None, event=None) -> None:
    """After a transition of ``child``: bring its parent's status, dates and grants up to date.
    Called by ``workflow.perform`` inside the child's transaction."""
    parent = CaseFile.objects.select_for_update().select_related("department").filter(pk=child.parent_id).first()
    if parent is None:
        return
    rows = list(parent.children.values("status", "promised_due"))
    statuses = [r["status"] for r in rows]
    decided = all(s in states.FINISHED for s in statuses)
    target = derived_status(parent.status, statuses, granted=decided and _granted_children(parent))
    dues = [r["promised_due"] for r in rows if r["promised_due"] is not None]
    changes = {"promised_due": max(dues) if dues else None}
    if changes["promised_due"] == parent.promised_due:
        changes = {}
    if target == parent.status:
        if changes:  # the latest of the parts' promised dates, the status as it was
            CaseFile.objects.filter(pk=parent.pk).update(**changes)
        return
    transitions.take(FOLLOWING, parent, _following(target), changes=changes, params={"actor": user}, data={
        "part": child.number, "item": child.item_title, "part_status": child.status,
        "action": getattr(event, "action", ""),
    })


def _grant_lead(parent):
    """The lead department may view (never act on) the parent: its coordinating view."""
    if CaseGrant.objects.filter(case=parent, reason=CaseGrant.Reason.DEPARTMENT).exists():
        return
    for link in parent.department.roles.select_related("group"):
        if link.role in permissions.DEPARTMENT_ROLE_PERMISSIONS:
            permissions.grant(parent, CaseGrant.Reason.DEPARTMENT, ["view_casefile"], group=link.group)


def _granted_children(parent) -> bool:
    return any(outcome(child) == GRANTED for child in parent.children.all())


def outcome(child) -> str:
    """What the applicant got from one part: granted, refused, withdrawn or still pending."""
    if child.status == Status.APPROVED:
        return GRANTED
    if child.status in (Status.DENIED, Status.NOT_ACCEPTED):
        return REFUSED
    if child.status == Status.WITHDRAWN:
        return WITHDRAWN
    if child.status == Status.CONCLUDED:
        return GRANTED if child.events.filter(action="approve").exists() else REFUSED
    return PENDING


# --- the combined view ----------------------------------------------------------------------

OPINION_ACTIONS = ("accept", "accept_with_deferral", "request_correction", "not_accept", "propose_non_acceptance",
                   "confirm_non_acceptance", "overturn_non_acceptance", "start_review", "approve",
                   "propose_denial", "confirm_denial", "overturn_denial", "conclude")


@dataclass
class Part:
    case: CaseFile
    outcome: str
    visible: bool  # the viewer may open this part's case
    opinions: list = field(default_factory=list)  # journal events with the department's words


def parts(parent, user=None, *, staff=False) -> list[Part]:
    """The bundle's parts as ``user`` may see them. The applicant sees every part; a department its
    own, and of the others their progress — their opinions only when opinions are shared."""
    found = []
    share = opinions_shared()
    for child in children(parent):
        visible = user is None or permissions.can(user, "view_casefile", child)
        part = Part(child, outcome(child), visible)
        if staff and (visible or share):
            part.opinions = [
                e for e in child.events.filter(action__in=OPINION_ACTIONS).order_by("sequence")
                if e.comment or e.data.get("reason") or e.data.get("problems")
            ]
        found.append(part)
    return found


def summary(parent) -> dict:
    """How many parts were granted, refused, withdrawn, are pending: the applicant's answer to
    "what did I get"."""
    counts = {GRANTED: 0, REFUSED: 0, WITHDRAWN: 0, PENDING: 0}
    for child in parent.children.all():
        counts[outcome(child)] += 1
    counts["total"] = sum(counts.values())
    return counts

