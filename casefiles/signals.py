from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Department
from .roles import ensure_department_groups


@receiver(post_save, sender=Department, dispatch_uid="department_role_groups")
def create_department_groups(sender, instance, raw=False, **kwargs):
    if not raw:
        ensure_department_groups(instance)
