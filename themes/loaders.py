from django.template.loaders.cached import Loader as CachedLoader
from django.template.loaders.filesystem import Loader as FilesystemLoader

from themes import active


class ThemeLoader(FilesystemLoader):
    """Finds templates in the active theme's folder, then in the default theme's."""

    def get_dirs(self):
        return active.template_dirs()


class CachedThemeLoader(CachedLoader):
    """Django's cached loader, keyed by theme as well as by name."""

    def cache_key(self, template_name, skip=None):
        return f"{active.current()}:{super().cache_key(template_name, skip)}"
