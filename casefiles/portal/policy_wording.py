"""How the 惠企政策 pages word the calculator's answers: a result's badge, a condition's state,
a benefit's status tone. Only words and tones: what is met, and why, is
casefiles.policies.eligibility's."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from casefiles.policies import applying, eligibility
from casefiles.policies.models import Benefit

PROVEN, DECLARED, POSSIBLE, UNMET = "proven", "declared", "possible", "unmet"

BADGES = {
    PROVEN: (_("Eligible"), "good"),  # 符合: proven from verified data
    DECLARED: (_("Eligible by what you declared"), "good"),  # 按申报符合
    POSSIBLE: (_("Possibly eligible"), "warn"),  # 可能符合: some conditions unknown
    UNMET: (_("Not eligible"), "muted"),  # 不符合
}
BADGE_NOTES = {
    PROVEN: _("Every condition is met by verified data (the registry, licenses, cases, qualifications on record)."),
    DECLARED: _("Every condition is met, some only by what the enterprise declared: the department checks it."),
    POSSIBLE: _("Nothing is unmet, but some conditions cannot be told yet: see what would settle them."),
    UNMET: _("At least one condition is not met."),
}
STATES = {
    eligibility.MET: (_("Met"), "good"),
    eligibility.UNMET: (_("Not met"), "muted"),
    eligibility.UNKNOWN: (pgettext_lazy("eligibility", "Unknown"), "warn"),
}
BASES = {eligibility.VERIFIED: _("from verified data"), eligibility.DECLARED: _("by declaration")}
BENEFIT_TONES = {
    Benefit.Status.INVITED: "warn", Benefit.Status.OFFERED: "warn", Benefit.Status.CONFIRMED: "good",
    Benefit.Status.PAID: "good", Benefit.Status.DECLINED: "muted",
}


def badge_of(result) -> str:
    if result.state == eligibility.UNMET:
        return UNMET
    if result.proven:
        return PROVEN
    return DECLARED if result.state == eligibility.MET else POSSIBLE


@dataclass
class ConditionRow:
    text: str
    state: str
    state_label: str
    tone: str
    basis: str
    reason: str
    settle: str


@dataclass
class ResultRow:
    policy: object
    badge: str
    badge_label: str
    badge_note: str
    tone: str
    conditions: list
    item: object  # the item 一键申报 applies through, or None

    @property
    def unmet(self) -> bool:
        return self.badge == UNMET


def shown(result) -> ResultRow:
    badge = badge_of(result)
    label, tone = BADGES[badge]
    rows = []
    for condition, verdict in result.verdicts:
        state_label, state_tone = STATES[verdict.state]
        rows.append(ConditionRow(condition.describe(), verdict.state, state_label, state_tone,
                                 BASES.get(verdict.basis, "") if verdict.met else "", verdict.reason, verdict.settle))
    return ResultRow(result.policy, badge, label, BADGE_NOTES[badge], tone, rows,
                     applying.item_of(result.policy) if badge != UNMET else None)
