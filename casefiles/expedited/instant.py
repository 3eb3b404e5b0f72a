"""秒批: an application that meets every rule its guide sets is accepted and approved at submission.

The rules are the guide's (``ServiceItemPage.instant_rules``, built on its Form tab with
``cms.form_blocks.INSTANT_RULE_BLOCKS``), read from the guide revision the case was filed
against, as its form is (``casefiles.forms.definition.of_case``): a rule edited later never
changes how an earlier application was judged. Each rule is one of

- ``field``: a value of the application form, compared as the form's conditions compare
  (``definition.compare``) — "经营场所面积 < 50 m²";
- ``holds_license``: the applicant holds a valid electronic license of a type (by its code) —
  "持有有效的营业执照";
- ``level``: the real-name level of the person applying — a person applicant's own, for an
  enterprise that of the person who submitted — is at least the one named.

``after_submission`` runs inside the submission's transaction (the workflow's ``recorded``
hook, casefiles.expedited.hooks), after its journal event. When every rule is met, the system
takes the workflow's own steps — accept, start review, approve — in a savepoint: their notices,
the license (issued by the approval's effect) and the messages are those of any approval. When
one of them is refused (the license cannot be issued, a material is not in hand), the savepoint
is rolled back, nothing of the approval is written, and the case stays submitted on the normal
path. Either way the journal records each rule with its result (``instant_approval``), and a
case the rules did not approve shows the clerk why (``not_applied``).
"""

import json
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from casefiles.errors import Refused
from casefiles.forms import definition, prefill
from casefiles.handling import workflow
from casefiles.journal import records
from casefiles.licenses.models import LicenseType
from casefiles.realname import applying, levels
from casefiles.realname.models import RANK, Level

ACTION = "instant_approval"  # the journal's action (casefiles.handling.actions)
APPROVED, NOT_MET, REFUSED = "approved", "not_met", "refused"  # the event's outcome
STEPS = ("accept", "start_review", "approve")
COMMENT = "秒批：符合全部审批条件，系统即时审批"


@dataclass(frozen=True)
class Rule:
    kind: str  # field, holds_license, level
    label: str
    field: str = ""
    operator: str = ""
    value: str = ""
    license_type: str = ""
    level: str = ""


@dataclass(frozen=True)
class Outcome:
    label: str
    met: bool
    reason: str = ""  # why not, as the clerk reads it ("" when met)


# --- the guide's rules, as the case was filed ------------------------------------------------

def _blocks(stream) -> list[dict]:
    """A StreamField's raw blocks, whatever form they are held in (a StreamValue, a list, a string)."""
    if stream is None:
        return []
    if isinstance(stream, str):
        stream = json.loads(stream or "[]")
    raw = getattr(stream, "raw_data", stream)
    return [dict(block) for block in (raw or [])]


def _guide(case) -> tuple[bool, list[dict]]:
    """(instant approval on, the rules' raw blocks) of the guide revision the case records, else
    of the live page."""
    content = case.item_revision.content if case.item_revision_id else None
    if content is not None and "instant_approval" in content:
        return bool(content.get("instant_approval")), _blocks(content.get("instant_rules"))
    return bool(case.item.instant_approval), _blocks(case.item.instant_rules)


def _rule(block: dict) -> Rule:
    value = block.get("value") or {}
    kind = block.get("type", "")
    label = str(value.get("label") or "").strip()
    if kind == "field":
        return Rule(kind, label or str(value.get("field", "")), field=str(value.get("field") or ""),
                    operator=str(value.get("operator") or "eq"), value=str(value.get("value") or ""))
    if kind == "holds_license":
        return Rule(kind, label or str(value.get("license_type", "")), license_type=str(value.get("license_type") or ""))
    return Rule(kind, label or str(value.get("level", "")), level=str(value.get("level") or ""))


def rules(case) -> list[Rule]:
    """The 秒批 rules of the guide the case was filed against (none when instant approval is off)."""
    on, blocks = _guide(case)
    return [_rule(block) for block in blocks] if on else []


def applies(case) -> bool:
    """秒批 is tried for ``case``: its guide turns it on and sets at least one rule."""
    return bool(rules(case))


# --- judging the application ----------------------------------------------------------------

def _person_applying(case):
    """Whose real-name level counts: the person applicant, else the person who submitted for the enterprise."""
    if case.person_id:
        return case.person
    return applying.person_of(case.submitted_by) if case.submitted_by_id else None


def _shown(value) -> str:
    if value in (None, "", []):
        return str(_("nothing"))
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def _judge_field(rule: Rule, case, form) -> Outcome:
    actual = (case.form_data or {}).get(rule.field)
    if definition.compare(actual, rule.operator, rule.value):
        return Outcome(rule.label, True)
    field = form.get(rule.field)
    return Outcome(rule.label, False, str(_("%(rule)s: not met — %(field)s is %(value)s.") % {
        "rule": rule.label, "field": field.label if field else rule.field, "value": _shown(actual)}))


def _judge_license(rule: Rule, held: set[str]) -> Outcome:
    if rule.license_type in held:
        return Outcome(rule.label, True)
    name = LicenseType.objects.filter(code=rule.license_type).values_list("name", flat=True).first() or rule.license_type
    return Outcome(rule.label, False, str(_("%(rule)s: not met — the applicant holds no valid %(license)s.") % {
        "rule": rule.label, "license": name}))


def _judge_level(rule: Rule, level) -> Outcome:
    if rule.level in RANK and level is not None and RANK[level] >= RANK[rule.level]:
        return Outcome(rule.label, True)
    return Outcome(rule.label, False, str(_("%(rule)s: not met — the real-name level is %(level)s, %(needed)s is needed.") % {
        "rule": rule.label, "level": Level(level).label if level else _("none"),
        "needed": Level(rule.level).label if rule.level in RANK else rule.level}))


def evaluate(case) -> list[Outcome]:
    """Each rule of the case's guide, met or not, with why not."""
    found = rules(case)
    if not found:
        return []
    form = definition.of_case(case)
    held = {lic.license_type.code for lic in prefill.valid_licenses(case.applicant)} \
        if any(rule.kind == "holds_license" for rule in found) else set()
    level = levels.level(_person_applying(case)) if any(rule.kind == "level" for rule in found) else None
    outcomes = []
    for rule in found:
        if rule.kind == "field":
            outcomes.append(_judge_field(rule, case, form))
        elif rule.kind == "holds_license":
            outcomes.append(_judge_license(rule, held))
        else:
            outcomes.append(_judge_level(rule, level))
    return outcomes


# --- at submission --------------------------------------------------------------------------

def _record(case, outcomes, outcome, reasons=()):
    return records.record(case, ACTION, None, from_state=case.status, to_state=case.status, data={
        "rules": [{"label": o.label, "met": o.met} for o in outcomes],
        "outcome": outcome,
        **({"reasons": list(reasons)} if reasons else {}),
    })


def after_submission(case) -> str | None:
    """Try 秒批 on ``case`` just submitted (inside the submission's transaction): the outcome
    (``APPROVED``, ``NOT_MET``, ``REFUSED``), or None when its guide asks for none."""
    outcomes = evaluate(case)
    if not outcomes:
        return None
    failing = [o.reason for o in outcomes if not o.met]
    if failing:
        _record(case, outcomes, NOT_MET, failing)
        return NOT_MET
    try:
        with transaction.atomic():  # a savepoint: a refused step takes back every step before it
            _record(case, outcomes, APPROVED)
            for step in STEPS:
                workflow.perform(case, step, None, comment=COMMENT)
    except Refused as error:
        case.refresh_from_db()  # as the submission left it: status, version, journal head
        _record(case, outcomes, REFUSED, [str(_("Every rule was met, but the approval was refused: %(reason)s") % {
            "reason": " ".join(error.messages)})])
        return REFUSED
    return APPROVED


def not_applied(case) -> list[str] | None:
    """Why 秒批 did not approve ``case`` (the reasons of its latest evaluation), or None when it
    was not tried or approved the case."""
    event = case.events.filter(action=ACTION).order_by("-sequence").first()
    if event is None or (event.data or {}).get("outcome") == APPROVED:
        return None
    return list((event.data or {}).get("reasons") or [])


def approved_instantly(case) -> bool:
    return case.events.filter(action=ACTION, data__outcome=APPROVED).exists()
