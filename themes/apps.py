from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class ThemesConfig(AppConfig):
    name = "themes"
    verbose_name = _("Themes")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # late: Site and ThemeSettings (and themes.active, which reads the latter) are models, not
        # loaded when Django imports this module (AppConfig.ready)
        from wagtail.models import Site

        from themes import active
        from themes.models import ThemeSettings

        def forget(sender, **kwargs):
            active.forget_site_themes()

        post_save.connect(forget, sender=ThemeSettings, dispatch_uid="forget_site_themes", weak=False)
        post_save.connect(forget, sender=Site, dispatch_uid="forget_site_themes_site", weak=False)
