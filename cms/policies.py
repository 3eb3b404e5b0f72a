"""惠企政策: which policies are in force, and the filters of the policy index (``cms.models.policy``)."""

from django.db.models import Q
from django.utils import timezone


def is_in_force(policy, on=None) -> bool:
    on = on or timezone.localdate()
    return policy.effective_date <= on and (policy.expiry_date is None or policy.expiry_date >= on)


def in_force_q(on=None) -> Q:
    on = on or timezone.localdate()
    return Q(effective_date__lte=on) & (Q(expiry_date__isnull=True) | Q(expiry_date__gte=on))


def filter_policies(queryset, *, industry=None, department=None, category=None, scale=None, in_force=False, on=None):
    """Each filter is a code as it appears in a URL; an unknown code simply matches nothing."""
    if industry:
        queryset = queryset.filter(industries__code=industry)
    if department:
        queryset = queryset.filter(department__code=department)
    if category:
        queryset = queryset.filter(category=category)
    if scale:
        queryset = queryset.filter(scales__code=scale)
    if in_force:
        queryset = queryset.filter(in_force_q(on))
    return queryset.distinct()
