from django.core.management.base import BaseCommand

from casefiles.demo.loader import load_demo


class Command(BaseCommand):
    help = "Load (or refresh) the Zhuhai demo: departments, a user per role, applicants. Idempotent."

    def handle(self, *args, **options):
        load_demo(stdout=self.stdout)
