from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Activity(models.Model):
    """经营范围: a business activity, and the items (permits) it needs — 一照通行.

    Administrators keep the mapping in the Wagtail admin; ``casefiles.bundles.activities`` proposes,
    from the activities an applicant picks, the business registration plus these items.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(pgettext_lazy("record field", "name"), max_length=100, help_text=_("As written in the business scope, e.g. 餐饮服务."))
    description = models.TextField(pgettext_lazy("record field", "description"), blank=True, help_text=_("Shown to the applicant under the name."))
    keywords = models.CharField(
        _("other words for it"), max_length=300, blank=True, help_text=_("Words applicants use, separated by spaces (开饭店 开餐馆)."),
    )
    items = models.ManyToManyField(
        "cms.ServiceItemPage", verbose_name=_("items it needs"), blank=True, related_name="+",
        help_text=_("The permits a business with this activity applies for besides its registration."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("business activity")
        verbose_name_plural = _("business activities")

    def __str__(self):
        return self.name
