from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from casefiles.deadlines.calendar_io import CalendarFileError, import_calendar_file, year_report


class Command(BaseCommand):
    help = (
        "The working-day calendar. `calendar import FILE.json|FILE.csv` enters a year's holiday "
        "schedule (replacing that year's days); `calendar show YEAR` prints a year. "
        "File formats: docs/deadlines.md."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{import,show}")
        import_ = actions.add_parser("import", help="Enter a year's schedule from a JSON or CSV file.")
        import_.add_argument("file", help="a .json or .csv file (see docs/deadlines.md)")
        import_.add_argument("--source", help="the notice, overriding the file's (required for CSV)")
        import_.add_argument("--source-url", dest="source_url", help="the notice's address")
        import_.add_argument("--year", type=int, help="the year (CSV: otherwise taken from the dates)")
        import_.add_argument("--user", help="username recorded as having entered the year")
        show = actions.add_parser("show", help="Print a year's status, notice and days.")
        show.add_argument("year", type=int)

    def handle(self, *args, action, **options):
        if action == "show":
            self.stdout.write(year_report(options["year"]))
            return
        user = None
        if options.get("user"):
            try:
                user = get_user_model().objects.get_by_natural_key(options["user"])
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user {options['user']!r}.") from None
        try:
            report = import_calendar_file(
                options["file"], user=user, year=options.get("year"),
                source=options.get("source"), source_url=options.get("source_url"),
            )
        except CalendarFileError as error:
            raise CommandError(f"{options['file']}: nothing imported.\n{error}") from None
        self.stdout.write(self.style.SUCCESS(str(report)))
