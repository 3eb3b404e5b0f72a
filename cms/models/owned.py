from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceObject(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprises")
    PERSON = "person", _("Individuals")
    BOTH = "both", _("Enterprises and individuals")


class DepartmentOwned(models.Model):
    """Content that belongs to the department whose page it sits under."""

    department = models.ForeignKey(
        "casefiles.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True

    def department_page(self):
        if not self.path:
            return None
        # By model label, as parent_page_types names it: cms.models.department lists the
        # pages below a department page, so it imports their modules and they do not import it.
        department_page_model = apps.get_model("cms", "DepartmentPage")
        return department_page_model.objects.ancestor_of(self).first()

    def full_clean(self, *args, **kwargs):
        # Editors never pick the department: it follows from where the page sits.
        department_page = self.department_page()
        if department_page is not None:
            self.department_id = department_page.department_id
        elif self.path and self.department_id is None:
            raise ValidationError(_("This page must be placed under a department page."))
        super().full_clean(*args, **kwargs)
