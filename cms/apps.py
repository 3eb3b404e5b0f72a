from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Publishing")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # late: they import models, not loaded when Django imports this module (AppConfig.ready);
        # imported for what they register: the search kinds and the signal receivers
        from cms import indexing, signals  # noqa: F401

        indexing.register_kinds()
