from django.core.management import call_command
from django.core.management.base import BaseCommand

from casefiles.demo.loader import load_demo


class Command(BaseCommand):
    help = ("Load (or refresh) the Zhuhai demo: departments, a user per role, applicants. Idempotent. "
            "Adds the everyday-words rules of a newer seed file too.")

    def handle(self, *args, **options):
        load_demo(stdout=self.stdout)
        # A demo database migrated before search/synonyms.txt grew lacks its newer rules.
        call_command("search_index", "synonyms", "--load-seed", stdout=self.stdout)
