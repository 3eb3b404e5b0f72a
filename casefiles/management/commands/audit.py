"""manage.py audit verify | checkpoint | legacy-key — the case and license journals (casefiles.journal.records).

``verify [NUMBER|IDENTIFIER …]`` checks every journal's hash chain and head seal (exit 1 on any
break); ``checkpoint`` — once, right after a rotation of the journal key — checks every journal
the old key last sealed and appends a checkpoint event sealed by the new key; ``legacy-key``
prints the key that sealed the events written before the journal had keys of its own, for
YIWANG_JOURNAL_LEGACY_KEY (docs/operations.md).
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from casefiles.journal import records
from casefiles.journal.models import CaseEvent


class Command(BaseCommand):
    help = ("audit verify [CASE_NUMBER|LICENSE_IDENTIFIER …]: check every case and license journal; exit 1 on any break. "
            "audit checkpoint: right after a journal key rotation, seal a checkpoint with the new key into every journal. "
            "audit legacy-key: print the key for YIWANG_JOURNAL_LEGACY_KEY.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "checkpoint", "legacy-key"])
        parser.add_argument("numbers", nargs="*", help="verify, checkpoint: only these cases (numbers) and licenses (identifiers)")

    def handle(self, *args, action, numbers, **options):
        if action == "legacy-key":
            return self.legacy_key()
        problems, checked = [], {}
        for kind in records.journals():
            owners = kind.owner.objects.filter(**{f"{kind.label}__in": numbers}) if numbers else kind.owner.objects.all()
            checked[kind.name] = owners.count()
            if action == "checkpoint":
                sealed, found = records.checkpoint(owners, kind)
                self.stdout.write(f"{sealed} {kind.name} journal(s) checkpointed with key {records.keyring().current.id}")
                problems += found
            else:
                problems += records.verify(owners, kind)
        for problem in problems:
            where = f"#{problem.sequence}" if problem.sequence else ""
            self.stdout.write(f"{problem.journal} {problem.owner}{where}: {problem.message}")
        counted = f"{checked['case']} case and {checked['license']} license journal(s)"
        if problems:
            left = " (left as they were)" if action == "checkpoint" else ""
            raise CommandError(f"{len(problems)} problem(s) in {counted}{left}")
        self.stdout.write(self.style.SUCCESS(f"{counted} intact"))
        if action == "verify" and not settings.YIWANG_JOURNAL_LEGACY_KEY and CaseEvent.objects.filter(key_id="").exists():
            self.stdout.write(self.style.WARNING(
                "Some case events were sealed before the journal had keys of its own, with a key derived from SECRET_KEY: "
                "pin it (YIWANG_JOURNAL_LEGACY_KEY=$(manage.py audit legacy-key)) before SECRET_KEY is next rotated."
            ))

    def legacy_key(self):
        try:
            key = records.legacy_key()
        except ImproperlyConfigured as error:  # no configured SECRET_KEY sealed them
            raise CommandError(str(error)) from None
        if key is None:
            self.stderr.write("No case event was sealed before the journal had keys of its own: nothing to pin.")
            return
        self.stdout.write(key)
