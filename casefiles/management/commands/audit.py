from django.core.management.base import BaseCommand, CommandError

from casefiles import journal
from casefiles.models import CaseFile


class Command(BaseCommand):
    help = "audit verify [CASE_NUMBER …]: check every case journal's hash chain; exit 1 on any break."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])
        parser.add_argument("numbers", nargs="*", help="only these cases")

    def handle(self, *args, action, numbers, **options):
        cases = CaseFile.objects.filter(number__in=numbers) if numbers else None
        problems = journal.verify(cases)
        checked = cases.count() if cases is not None else CaseFile.objects.count()
        for problem in problems:
            where = f"#{problem.sequence}" if problem.sequence else ""
            self.stdout.write(f"{problem.case_number}{where}: {problem.message}")
        if problems:
            raise CommandError(f"{len(problems)} problem(s) in the journals of {checked} case(s)")
        self.stdout.write(self.style.SUCCESS(f"{checked} case journal(s) intact"))
