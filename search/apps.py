from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from search import documents as registry


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # late: the receivers import models, not loaded when Django imports this module (AppConfig.ready)
        from search import signals

        # The kinds are registered by their domains' apps (cms.indexing; casefiles.access, .materials, .licenses indexing).
        signals.watch_grants()
        registry.on_register(signals.watch_provider)  # the kinds registered already, and any later
