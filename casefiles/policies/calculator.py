"""政策计算器: the policies in force against one enterprise's file, or against the anonymous
questionnaire's answers, ranked, each with every condition met, unmet or unknown and why.

Ranked: proven from verified data first, then met with declarations, then those with unknowns
(fewer first), the ones with an unmet condition last; within each, the larger stated amount,
then the newer policy.
"""

from datetime import date

from django.utils import timezone

from casefiles.policies import eligibility, profiles
from cms.models import PolicyCondition, PolicyPage, ServiceItemPage
from cms.policies import in_force_q

# The service items a condition or a policy names are read for their title and whether they are
# open (a guide's full row decodes its StreamFields: thousands of them for a calculation).
ITEM_FIELDS = ("title", "live", "url_path", "item_code", "online_depth", "department")
# What a result shows of its policy: not its text, its interpretation nor its attachments.
HEAVY_POLICY_FIELDS = ("body", "interpretation", "attachments")


def with_conditions(policies) -> list:
    """``policies`` with their conditions (``condition_list``) and items, in three queries
    whatever their number: the conditions with their industry, license type and qualification,
    the items the conditions and the policies name."""
    policies = list(policies)
    by_policy = {policy.pk: [] for policy in policies}
    conditions = list(PolicyCondition.objects.filter(policy_id__in=by_policy).select_related(
        "industry", "license_type", "qualification").order_by("policy_id", "sort_order", "pk"))
    item_ids = {c.item_id for c in conditions if c.item_id} | {p.application_item_id for p in policies
                                                               if p.application_item_id}
    items = ServiceItemPage.objects.only(*ITEM_FIELDS).in_bulk(item_ids) if item_ids else {}
    for condition in conditions:
        if condition.item_id:
            condition.item = items[condition.item_id]
        by_policy[condition.policy_id].append(condition)
    for policy in policies:
        policy.condition_list = by_policy[policy.pk]
        if policy.application_item_id:
            policy.application_item = items[policy.application_item_id]
    return policies


def policies_in_force(on: date, queryset=None) -> list:
    """The published policies in force on ``on``, newest first, with their conditions."""
    queryset = PolicyPage.objects.live().public() if queryset is None else queryset
    return with_conditions(queryset.filter(in_force_q(on)).defer(*HEAVY_POLICY_FIELDS).select_related("department")
                           .order_by("-publish_date", "-pk"))


def _order(result):
    state_rank = 0 if result.proven else 1 if result.state == eligibility.MET else \
        2 if result.state == eligibility.UNKNOWN else 3
    amount = result.policy.benefit_amount or 0
    return (state_rank, result.unknown_count, -amount, -result.policy.publish_date.toordinal(), -result.policy.pk)


def rank(results) -> list:
    return sorted(results, key=_order)


def calculate(profile, on: date | None = None, policies=None) -> list[eligibility.PolicyResult]:
    """Every policy in force (or ``policies``) against ``profile``, ranked."""
    on = on or timezone.localdate()
    policies = policies_in_force(on) if policies is None else policies
    return rank(eligibility.evaluate(policy, profile, on) for policy in policies)


def for_enterprise(enterprise, on: date | None = None) -> list[eligibility.PolicyResult]:
    on = on or timezone.localdate()
    return calculate(profiles.file_of(enterprise, on), on)


def for_answers(answers: dict, on: date | None = None) -> list[eligibility.PolicyResult]:
    """The questionnaire's answers (``profiles.from_answers`` checks them; ``Invalid`` if unreadable)."""
    return calculate(profiles.from_answers(answers), on)


def matched(results) -> list:
    """The results worth showing as matches: nothing unmet."""
    return [r for r in results if r.state != eligibility.UNMET]
