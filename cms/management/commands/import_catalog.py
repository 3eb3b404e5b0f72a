from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cms import catalog

PROGRESS_EVERY = 50  # records between two progress lines


class Command(BaseCommand):
    help = (
        "Import a provincial catalog export (JSON: departments, items, bundles) as departments, "
        "service-item guides and bundles. Re-importing updates the same pages as new revisions."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the catalog export, a JSON file")
        parser.add_argument(
            "--draft", action="store_true",
            help="save new revisions without publishing them (new pages stay unpublished)",
        )

    def handle(self, *args, file, draft, **options):
        try:
            data = catalog.read_catalog(file)
        except catalog.CatalogFormatError as error:
            raise CommandError(str(error)) from error

        result = catalog.import_catalog(data, draft=draft, progress=self._progress)
        self.stdout.write(result.summary())
        for failure in result.failed:
            self.stderr.write(str(failure))
        if result.failed:
            raise CommandError(
                _("%(count)d records were not imported; the others were.") % {"count": len(result.failed)}
            )

    def _progress(self, done, total):
        if total >= PROGRESS_EVERY and (done % PROGRESS_EVERY == 0 or done == total):
            width = 30
            filled = width * done // total
            self.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
            if done == total:
                self.stderr.write("")
