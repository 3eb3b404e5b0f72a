"""Upload slots: one per material the guide asks for, with what the applicant supplied so far.

The rules themselves (who may add, promise or remove what, and when) are in
``casefiles.materials.uploads``; a slot only gathers what the page shows and which inputs it offers.
"""

from dataclasses import dataclass, field

from casefiles.access import disclosure
from casefiles.cases import states
from casefiles.cases.models import CaseFile
from casefiles.licenses import reuse
from casefiles.materials import filetypes
from casefiles.materials import uploads as materials
from casefiles.materials.models import Material


@dataclass
class Slot:
    requirement: object  # cms.MaterialRequirement
    files: list[Material] = field(default_factory=list)  # current files, newest first
    promise: Material | None = None  # a current commitment to supply later (容缺)
    problems: list[str] = field(default_factory=list)  # from the correction notice
    may_promise: bool = False
    errors: list[str] = field(default_factory=list)  # this request's refused uploads
    commitment: str = ""
    offer: reuse.Offer | None = None  # 免提交: the licenses the applicant holds that may stand in for it

    @property
    def license_choice(self) -> bool:
        """Whether the slot offers "use my electronic license" against "upload a file"."""
        return self.offer is not None and bool(self.offer.licenses or self.offer.use)

    @property
    def by_license(self) -> bool:
        return self.offer is not None and self.offer.use is not None

    @property
    def key(self) -> str:
        return str(self.requirement.pk)

    @property
    def rejected(self) -> list[Material]:
        """The files the correction notice asks to correct (``needs_correction``: in its words)."""
        return [m for m in self.files if m.needs_correction]

    @property
    def supplied(self) -> bool:
        return bool(self.files) or self.by_license


def default_commitment(case: CaseFile, requirement) -> str:
    """The 容缺 commitment, pre-written for the applicant to sign (and edit)."""
    return materials.commitment_text(requirement.name, enterprise=bool(case.enterprise_id),
                                     promised_days=case.item.promised_days)


def slots_for(case: CaseFile, *, only_promised: bool = False) -> list[Slot]:
    """A slot per requirement of the case's item (``only_promised``: just those promised for later)."""
    current = list(case.materials.filter(is_current=True).order_by("-uploaded_at", "-pk"))
    by_requirement: dict[int, list[Material]] = {}
    for material in current:
        material.type_label = filetypes.type_label(material.content_type)
        by_requirement.setdefault(material.requirement_id, []).append(material)
    # The applicant is told of a review only as the correction notice words it (casefiles.access.disclosure).
    problems_by_name = disclosure.correction_notes(case)
    for material in current:
        state, reason = disclosure.review(material, disclosure.OUTSIDER, problems_by_name)
        material.needs_correction = reason if state == Material.Review.REJECTED else ""
    offers = {offer.requirement.pk: offer for offer in reuse.offers(case)}
    slots = []
    requirements = case.item.material_requirements.select_related("blank_form", "sample").all()
    for requirement in requirements:
        supplied = by_requirement.get(requirement.pk, [])
        promise = next((m for m in supplied if m.deferred), None)
        if only_promised and promise is None:
            continue
        slots.append(
            Slot(
                requirement=requirement,
                files=[m for m in supplied if not m.deferred],
                promise=promise,
                problems=problems_by_name.get(requirement.name, []),
                may_promise=bool(case.item.tolerant_acceptance and requirement.deferrable),
                commitment=default_commitment(case, requirement),
                offer=offers.get(requirement.pk),
            )
        )
    return slots


def orphans(case: CaseFile) -> list[Material]:
    """Current files whose requirement the guide no longer lists (kept, shown, not editable)."""
    found = list(case.materials.filter(is_current=True, requirement__isnull=True, deferred=False))
    for material in found:
        material.type_label = filetypes.type_label(material.content_type)
    return found


def in_answer_to_corrections(case: CaseFile) -> list[Material]:
    """Current files uploaded after the first correction notice (补正告知书): the materials 补交,
    as against those submitted with the application."""
    notice = case.events.filter(action="request_correction").order_by("created_at").values_list("created_at", flat=True).first()
    if notice is None:
        return []
    found = list(case.materials.filter(is_current=True, deferred=False, uploaded_at__gt=notice).order_by("uploaded_at", "pk"))
    for material in found:
        material.type_label = filetypes.type_label(material.content_type)
    return found


def promised(case: CaseFile) -> bool:
    return states.allows("supply_promised", case.status) and case.materials.filter(is_current=True, deferred=True).exists()
