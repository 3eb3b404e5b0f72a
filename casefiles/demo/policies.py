"""惠企政策 in the demo (casefiles.policies): qualifications, the enterprises' files, a subscription
and its pushes, and 免申即享 under way.

- The qualifications (资质) the policies' conditions name: 高新技术企业, 专精特新中小企业, 科技型中小企业
  (``load_qualifications``, before the content: the policies' conditions refer to them), and the
  GB/T 4754 classes of the demo enterprises that ``cms.industries`` does not list.
- The enterprises' files (一企一档): their registry facts are the directory's
  (``casefiles.demo.directory.REGISTRY``); here the qualifications on record (recorded by the
  recognising side, verified) and declared by the enterprises, and what they declared of
  themselves (employees, revenue).
- 格创智能 (``enterprise1``) subscribes to "whatever matches my enterprise", 海湾餐饮 (``enterprise2``)
  to catering subsidies and employment policies in Zhuhai; each is told once of the policies in
  force that match (站内消息).
- 免申即享: the day's pass (``benefits.find``) opens the case of 《珠海高新区促进高新技术企业高质量发展
  扶持办法》's award for 格创智能, proven from verified data (高新技术企业 on record), and
  ``enterprise1`` confirms it: awaiting payout by 高新区 (``gxq-decider``). 金湾新能源 only declared
  that it is a 高新技术企业: it is invited to apply (一键申报), no case.

Run after the cases (a concluded case is a fact of the file) and before the supervision (which
assigns the benefit case's handlers); idempotent: a qualification, a declaration or a
subscription already there is left as it is, a push is sent once per revision and user, a
benefit is found once per policy and enterprise, and only an offered one is confirmed.
"""

from datetime import date

from django.contrib.auth import get_user_model
from django.utils import timezone

from casefiles.demo.directory import ENTERPRISES, demo_uscc
from casefiles.directory.models import Department, Enterprise
from casefiles.policies import benefits, calculator, matching, profiles, subscriptions
from casefiles.policies.models import Benefit, Declaration, Qualification, QualificationHeld, Source, Subscription
from cms.models import Industry, PolicyPage

GECHUANG, HAIWAN, JINWAN, HAOWEIDAO = (demo_uscc(ENTERPRISES[i][0][:17]) for i in range(4))

# code, name, recognised by (a demo department, or none: the province's science department)
QUALIFICATIONS = [
    ("high-tech", "高新技术企业", None),
    ("specialised-sme", "专精特新中小企业", "GXJ"),
    ("tech-sme", "科技型中小企业", None),
]

# Classes of the demo enterprises beyond cms.industries' list: (code, name, parent code).
INDUSTRIES = [
    ("C384", "电池制造", "C38"), ("C3841", "锂离子电池制造", "C384"),
    ("S952", "社会团体", "S95"), ("S9529", "其他社会团体", "S952"),
]

# enterprise, qualification, source, certificate number, valid until, recorded by (user name)
HELD = [
    (GECHUANG, "high-tech", Source.VERIFIED, "GR202444004321", date(2027, 12, 19), "gxq-lead"),
    (GECHUANG, "tech-sme", Source.VERIFIED, "2025440402A0010876", date(2027, 12, 31), "gxq-lead"),
    (GECHUANG, "specialised-sme", Source.DECLARED, "", None, "enterprise1"),
    (JINWAN, "specialised-sme", Source.VERIFIED, "ZJTX-2025-0412", date(2028, 6, 30), "gxj-lead"),
    (JINWAN, "high-tech", Source.DECLARED, "GR202544009918", date(2028, 11, 30), "enterprise3"),
]

# What the enterprises declared of themselves (自主申报), by their members.
DECLARATIONS = {
    GECHUANG: ("enterprise1", {"employees": 86, "annual_revenue": "6800"}),
    HAIWAN: ("enterprise2", {"employees": 24, "annual_revenue": "860"}),
    JINWAN: ("enterprise3", {"employees": 210, "annual_revenue": "32000"}),
    HAOWEIDAO: ("enterprise4", {"employees": 3, "annual_revenue": "45"}),
}

SUBSCRIPTIONS = {
    "enterprise1": {"matches_me": True, "enterprise": GECHUANG},
    "enterprise2": {"industries": ["H"], "categories": ["subsidy", "employment"], "region_code": "440400"},
}

HIGH_TECH_AWARD = "珠高新管规〔2025〕1号"  # the 免申即享 policy whose benefit is under way


def load_qualifications() -> int:
    """The qualifications and the demo's extra industry classes; returns how many were added."""
    added = 0
    departments = {d.code: d for d in Department.objects.filter(code__in=[q[2] for q in QUALIFICATIONS if q[2]])}
    for code, name, recogniser in QUALIFICATIONS:
        _qualification, created = Qualification.objects.get_or_create(
            code=code, defaults={"name": name, "recognised_by": departments.get(recogniser)})
        added += created
    for code, name, parent in INDUSTRIES:
        _industry, created = Industry.objects.get_or_create(
            code=code, defaults={"name": name, "parent": Industry.objects.filter(code=parent).first()})
        added += created
    return added


def _users(names):
    return {user.username: user for user in get_user_model().objects.filter(username__in=names)}


def _files(enterprises, users) -> int:
    added = 0
    for uscc, code, source, number, valid_until, by in HELD:
        enterprise = enterprises.get(uscc)
        if enterprise is None or QualificationHeld.objects.filter(
                enterprise=enterprise, qualification__code=code, source=source).exists():
            continue
        record = profiles.record_qualification if source == Source.VERIFIED else profiles.declare_qualification
        record(enterprise, users.get(by), code, certificate_number=number, valid_until=valid_until)
        added += 1
    for uscc, (by, values) in DECLARATIONS.items():
        enterprise = enterprises.get(uscc)
        if enterprise is None or Declaration.objects.filter(enterprise=enterprise).exists():
            continue
        profiles.declare(enterprise, users.get(by), values)
        added += 1
    return added


def _subscriptions(enterprises, users) -> int:
    added = 0
    for username, wanted in SUBSCRIPTIONS.items():
        user = users.get(username)
        if user is None or Subscription.objects.filter(user=user).exists():
            continue
        wanted = dict(wanted)
        if wanted.get("enterprise"):
            wanted["enterprise"] = enterprises.get(wanted["enterprise"])
            if wanted["enterprise"] is None:
                continue
        subscriptions.subscribe(user, **wanted)
        added += 1
    return added


def _pushes(today) -> int:
    """Each subscriber told of the policies in force that match: once per revision and user."""
    return sum(subscriptions.push(policy.pk, policy.live_revision_id, today)
               for policy in calculator.policies_in_force(today) if policy.live_revision_id)


def _confirm_the_award(enterprises, users) -> int:
    benefit = Benefit.objects.filter(policy__document_number=HIGH_TECH_AWARD, enterprise=enterprises.get(GECHUANG),
                                     status=Benefit.Status.OFFERED).select_related("enterprise", "policy").first()
    if benefit is None or users.get("enterprise1") is None:
        return 0
    benefits.confirm(benefit, users["enterprise1"])
    return 1


def matches(today) -> dict:
    """The demo enterprises against the policies in force: how many each is proven eligible for,
    eligible for with its declarations, and may be eligible for (nothing unmet)."""
    policies = list(calculator.policies_in_force(today))
    types, items = matching.referenced(policies)
    matcher = matching.Matcher(today, Enterprise.objects.filter(uscc__in=[demo_uscc(e[0][:17]) for e in ENTERPRISES]),
                               license_types=types, items=items)
    found = {"proven": 0, "eligible": 0, "possible": 0}
    for policy in policies:
        match = matcher.match(policy)
        found["proven"] += len(matcher.enterprise_ids(match.proven))
        found["eligible"] += len(matcher.enterprise_ids(match.eligible))
        found["possible"] += len(matcher.enterprise_ids(match.possible))
    return found


def load_policies(stdout=None) -> dict:
    today = timezone.localdate()
    load_qualifications()
    enterprises = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=[GECHUANG, HAIWAN, JINWAN, HAOWEIDAO])}
    users = _users({by for *_rest, by in HELD} | {by for by, _values in DECLARATIONS.values()} | set(SUBSCRIPTIONS))
    counts = {"files": _files(enterprises, users), "subscriptions": _subscriptions(enterprises, users)}
    counts["pushes"] = _pushes(today)
    if not PolicyPage.objects.live().filter(document_number=HIGH_TECH_AWARD).exists():
        counts.update(offered=0, invited=0, confirmed=0)
    else:
        counts.update(benefits.find(today))
        counts["confirmed"] = _confirm_the_award(enterprises, users)
    counts["matches"] = matches(today)
    if stdout is not None:
        m = counts["matches"]
        stdout.write(f"Policies (惠企政策): {counts['files']} facts added to the enterprises' files, "
                     f"{counts['subscriptions']} subscriptions, {counts['pushes']} pushes; 免申即享: "
                     f"{counts['offered']} offered, {counts['invited']} invited, {counts['confirmed']} confirmed; "
                     f"matches: {m['proven']} proven, {m['eligible']} eligible, {m['possible']} possible.")
    return counts

