"""manage.py license_keys list | rotate <DEPARTMENT CODE> | reencrypt [--legacy] — the departments' signing keys.

A thin shell over ``casefiles.licenses.signing``: ``rotate`` retires the department's active key and
makes a new one (licenses signed with the old key keep verifying: retired keys stay published
at /licenses/keys.json); ``list`` shows every key, active or retired, with how many licenses
each has signed; ``reencrypt`` changes the password every private key is encrypted with, from
``YIWANG_KEY_PASSWORD_OLD`` (set for that run only; ``--legacy``: the password derived from
SECRET_KEY that keys had before the password was a setting) to ``YIWANG_KEY_PASSWORD``, in one
transaction (docs/operations.md).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from casefiles.directory.models import Department
from casefiles.licenses import signing
from casefiles.licenses.models import SigningKey


class Command(BaseCommand):
    help = "List the license signing keys, rotate a department's key, or re-encrypt every key with a new password."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{list,rotate,reencrypt}")
        actions.add_parser("list", help="Every key, active and retired.")
        rotate = actions.add_parser("rotate", help="Retire a department's active key and create a new one.")
        rotate.add_argument("department", help="The department's code, e.g. SCJGJ.")
        reencrypt = actions.add_parser(
            "reencrypt", help="Re-encrypt every private key from YIWANG_KEY_PASSWORD_OLD to YIWANG_KEY_PASSWORD."
        )
        reencrypt.add_argument("--legacy", action="store_true",
                               help="The old password is the one derived from SECRET_KEY (keys made before it was a setting).")

    def handle(self, *args, action, **options):
        if action == "rotate":
            self.rotate(options["department"])
        elif action == "reencrypt":
            self.reencrypt(options["legacy"])
        else:
            self.list_keys()

    def reencrypt(self, legacy):
        if legacy:
            old = signing.legacy_passwords()
        elif settings.YIWANG_KEY_PASSWORD_OLD:
            old = [settings.YIWANG_KEY_PASSWORD_OLD.encode()]
        else:
            raise CommandError("Set YIWANG_KEY_PASSWORD_OLD to the password the keys have now (or give --legacy).")
        try:
            done = signing.reencrypt(old)
        except signing.KeyLocked as error:
            raise CommandError(str(error)) from None
        if done.already:
            self.stdout.write(f"{len(done.already)} key(s) already encrypted with YIWANG_KEY_PASSWORD.")
        done_text = f"{len(done.changed)} key(s) re-encrypted with YIWANG_KEY_PASSWORD"
        self.stdout.write(self.style.SUCCESS(done_text if legacy else f"{done_text}; unset YIWANG_KEY_PASSWORD_OLD now."))

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
