from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from casefiles.access import permissions
from casefiles.agents.authorisations import reach_new_child
from casefiles.cases.models import CaseFile
from casefiles.deadlines.models import calendar_year_entered
from casefiles.directory.models import Department
from casefiles.directory.roles import ensure_department_groups
from casefiles.handling.workflow import schedule


@receiver(post_save, sender=Department, dispatch_uid="department_role_groups")
def create_department_groups(sender, instance, raw=False, **kwargs):
    if not raw:
        ensure_department_groups(instance)


@receiver(calendar_year_entered, dispatch_uid="recompute_provisional_case_deadlines")
def recompute_provisional_deadlines(sender, year, **kwargs):
    """A new year's holiday schedule is in: the deadlines that guessed at it are worked out again."""
    for case in CaseFile.objects.filter(deadline_provisional=True, accepted_at__isnull=False).select_related("item"):
        schedule(case)


@receiver(post_save, sender=CaseFile, dispatch_uid="agents_reach_new_bundle_children")
def agents_reach_new_children(sender, instance, created=False, raw=False, **kwargs):
    """帮办代办: an agent authorised on a bundle acts on the children it gets later too."""
    if created and not raw and instance.parent_id:
        reach_new_child(instance)


@receiver(m2m_changed, sender=get_user_model().groups.through, dispatch_uid="case_permissions_memberships_changed")
def memberships_changed(sender, instance, action, reverse=False, **kwargs):
    """Joining or leaving a group changes what the user may do on cases: forget what was kept."""
    if action in {"post_add", "post_remove", "post_clear"}:
        permissions.memberships_changed(None if reverse else instance)
