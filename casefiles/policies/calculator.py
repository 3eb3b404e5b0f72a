"""政策计算器: the policies in force against one enterprise's file, or against the anonymous
questionnaire's answers, ranked, each with every condition met, unmet or unknown and why.

Ranked: proven from verified data first, then met with declarations, then those with unknowns
(fewer first), the ones with an unmet condition last; within each, the larger stated amount,
then the newer policy.
"""

from datetime import date

from django.db.models import Prefetch
from django.utils import timezone

from casefiles.policies import eligibility, profiles
from cms.models import PolicyCondition, PolicyPage
from cms.policies import in_force_q

CONDITIONS = Prefetch("conditions", queryset=PolicyCondition.objects.select_related(
    "industry", "license_type", "qualification", "item").order_by("sort_order", "pk"))


def policies_in_force(on: date, queryset=None):
    """The published policies in force on ``on``, their conditions prefetched."""
    queryset = PolicyPage.objects.live().public() if queryset is None else queryset
    return (queryset.filter(in_force_q(on)).select_related("department", "application_item")
            .prefetch_related(CONDITIONS).order_by("-publish_date", "-pk"))


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
