from django.db import models
from django.utils.translation import gettext_lazy as _

from .departments import Department


class LicenseType(models.Model):
    """A kind of electronic license (证照类型), e.g. 营业执照 or 食品经营许可证.

    Guides name the license types that replace a material (免提交) and the type an item
    produces; the license issue adds templates, data fields and issuance.
    """

    code = models.CharField(_("license type code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    issuing_department = models.ForeignKey(
        Department, verbose_name=_("issuing department"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="license_types",
    )
    validity_years = models.PositiveSmallIntegerField(
        _("validity in years"), null=True, blank=True, help_text=_("Empty: valid long-term (长期有效).")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("license type")
        verbose_name_plural = _("license types")

    def __str__(self):
        return self.name
