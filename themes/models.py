from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


def theme_choices():
    return list(settings.YIWANG_THEMES.items())


@register_setting(icon="view")
class ThemeSettings(BaseSiteSetting):
    """The theme each Wagtail Site shows unless a visitor picks another."""

    theme = models.CharField(_("theme"), max_length=30, default="default", choices=theme_choices)

    class Meta:
        verbose_name = _("theme")
