import csv

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cms.models import Industry


class Command(BaseCommand):
    help = ("industries load <file.csv>: add or rename GB/T 4754 entries from a CSV of code,name rows "
            "(codes with their section letter: C1311); each entry's parent is its longest known prefix.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load"])
        parser.add_argument("file")

    def handle(self, *args, action, file, **options):
        try:
            with open(file, encoding="utf-8-sig", newline="") as handle:
                rows = [(row[0].strip().upper(), row[1].strip()) for row in csv.reader(handle) if len(row) >= 2]
        except OSError as error:
            raise CommandError(str(error)) from None
        bad = [code for code, name in rows if not (code[:1].isalpha() and code[1:].isdigit() and len(code) in (1, 3, 4, 5))
               or not name]
        if bad:
            raise CommandError(f"not GB/T 4754 codes with names: {', '.join(bad[:10])}")
        added = renamed = 0
        with transaction.atomic():
            known = {i.code: i for i in Industry.objects.all()}
            for code, name in sorted(rows, key=lambda row: len(row[0])):  # parents first
                parent = next((known[code[:n]] for n in range(len(code) - 1, 0, -1) if code[:n] in known), None)
                entry = known.get(code)
                if entry is None:
                    known[code] = Industry.objects.create(code=code, name=name[:60], parent=parent)
                    added += 1
                elif entry.name != name[:60]:
                    entry.name = name[:60]
                    entry.save(update_fields=["name"])
                    renamed += 1
        self.stdout.write(f"{added} added, {renamed} renamed; restart the processes to read the new names")
