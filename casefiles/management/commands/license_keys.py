"""manage.py license_keys list | rotate <DEPARTMENT CODE> — the departments' signing keys.

A thin shell over ``casefiles.signing``: ``rotate`` retires the department's active key and
makes a new one (licenses signed with the old key keep verifying: retired keys stay published
at /licenses/keys.json); ``list`` shows every key, active or retired, with how many licenses
each has signed.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from casefiles import signing
from casefiles.models import Department, SigningKey


class Command(BaseCommand):
    help = "List the license signing keys, or rotate a department's key."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{list,rotate}")
        actions.add_parser("list", help="Every key, active and retired.")
        rotate = actions.add_parser("rotate", help="Retire a department's active key and create a new one.")
        rotate.add_argument("department", help="The department's code, e.g. SCJGJ.")

    def handle(self, *args, action, **options):
        if action == "rotate":
            self.rotate(options["department"])
        else:
            self.list_keys()

    def rotate(self, code):
        department = Department.objects.filter(code=code).first()
        if department is None:
            raise CommandError(f"No department with the code {code!r}.")
        old = SigningKey.objects.filter(department=department, retired_at__isnull=True).first()
        new = signing.rotate(department)
        if old is not None:
            self.stdout.write(f"Retired {old.key_id} of {department.code}; it still verifies the licenses it signed.")
        self.stdout.write(self.style.SUCCESS(f"{department.code} {department.name} now signs with {new.key_id} ({new.algorithm})."))

    def list_keys(self):
        keys = SigningKey.objects.select_related("department").annotate(signed=Count("licenses")).order_by("department__code", "created_at")
        if not keys:
            self.stdout.write("No signing keys yet: a department gets one when it issues its first license.")
            return
        self.stdout.write(f"{'department':<12} {'key id':<16} {'algorithm':<9} {'created':<16} {'state':<24} licenses")
        for key in keys:
            state = f"retired {key.retired_at:%Y-%m-%d %H:%M}" if key.retired_at else "active"
            self.stdout.write(
                f"{key.department.code:<12} {key.key_id:<16} {key.algorithm:<9} {key.created_at:%Y-%m-%d %H:%M} {state:<24} {key.signed}"
            )
