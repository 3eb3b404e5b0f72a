from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals

        # The kinds are registered by their domains' apps (cms.indexing, casefiles.indexing).
        signals.watch_grants()
