"""manage.py personal_data check | rekey — identity and mobile numbers encrypted at rest
(casefiles.directory.protected; docs/personal-data.md).

``check`` reports, column by column, the rows not under the first key of YIWANG_PII_KEYS: under
an older key, not encrypted, not readable with any key, or with a digest not under the first
key (exit 1 if there is any). ``rekey``, after a new key was put first, rewrites those rows
with it; then the older keys can go.
"""

from django.core.management.base import BaseCommand, CommandError

from casefiles.directory import protected


class Command(BaseCommand):
    help = ("personal_data check: report the rows of the encrypted columns not under the first key of YIWANG_PII_KEYS "
            "(exit 1 if any). personal_data rekey: rewrite them with the first key (after a rotation).")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["check", "rekey"])
        parser.add_argument("--batch-size", type=int, default=500, help="rows read and written at a time")

    def handle(self, *args, action, batch_size, **options):
        if action == "rekey":
            rewritten, unreadable = protected.rekey(batch_size=batch_size)
            self.stdout.write(f"{rewritten} row(s) rewritten with the current key")
            if unreadable:
                raise CommandError(f"{len(unreadable)} row(s) no key of YIWANG_PII_KEYS reads, left as they were: "
                                   + ", ".join(unreadable[:20]))
            return
        problems = 0
        for report in protected.check(batch_size=batch_size):
            rows = sum(report.counts.values())
            if not report.problems:
                self.stdout.write(f"{report.table}.{report.column}: {rows} row(s), all under the current key")
                continue
            problems += report.problems
            for state, count in sorted(report.counts.items()):
                if state == protected.CURRENT:
                    continue
                examples = ", ".join(str(pk) for pk in report.examples.get(state, []))
                self.stdout.write(f"{report.table}.{report.column}: {count} row(s) {state} (e.g. id {examples})")
        if problems:
            raise CommandError(f"{problems} value(s) not under the current key: run `manage.py personal_data rekey` "
                               "(unreadable ones need the key that wrote them back in YIWANG_PII_KEYS)")
        self.stdout.write(self.style.SUCCESS("Every encrypted column is under the current key"))
