"""search_index: rebuild, check and query the search index.

    manage.py search_index rebuild [--kind K]
    manage.py search_index check [--kind K] [--repair]
    manage.py search_index query [TEXT | -] [--user NAME] [--kind K] [--limit N] [--json]
    manage.py search_index synonyms --load-seed
"""

import json
import sys
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from search import documents as registry, maintenance, synonyms
from search import indexing


class ProgressBar:
    def __init__(self, total, stream, width=30):
        self.total, self.done, self.stream, self.width = max(total, 1), 0, stream, width
        self.started = time.perf_counter()

    def __call__(self, count):
        self.done += count
        filled = min(self.width, self.width * self.done // self.total)
        rate = self.done / max(time.perf_counter() - self.started, 1e-6)
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {self.done}/{self.total}  {rate:,.0f}/s")
        self.stream.flush()

    def finish(self):
        self.stream.write("\n")


class Command(BaseCommand):
    help = "Rebuild, check or query the search index."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        rebuild = actions.add_parser("rebuild", help="Rebuild the index from the database.")
        rebuild.add_argument("--kind", help=f"Only this kind ({', '.join(registry.kinds())}).")
        check = actions.add_parser("check", help="Count missing, stale and orphan documents.")
        check.add_argument("--kind")
        check.add_argument("--repair", action="store_true", help="Write what is missing or stale, drop orphans.")
        check.add_argument("--json", action="store_true")
        query = actions.add_parser("query", help="Search as a user; '-' reads one query per line from stdin.")
        query.add_argument("text", nargs="?", default="")
        query.add_argument("--user", help="Search as this user (default: anonymous).")
        query.add_argument("--kind")
        query.add_argument("--limit", type=int, default=10)
        query.add_argument("--json", action="store_true", help="One JSON array of hits per query.")
        words = actions.add_parser("synonyms", help="The everyday-words dictionary.")
        words.add_argument("--load-seed", action="store_true", help="Add the seed file's rules the database lacks.")

    def handle(self, *args, action, **options):
        getattr(self, f"handle_{action}")(**options)

    def _kind(self, kind):
        if kind and kind not in registry.kinds():
            raise CommandError(f"unknown kind {kind!r}; known: {', '.join(registry.kinds())}")
        return kind

    def handle_rebuild(self, kind=None, **options):
        kind = self._kind(kind)
        bar = ProgressBar(maintenance.expected_total(kind) * len(indexing.targets()), self.stderr._out)
        report = maintenance.rebuild(kind, progress=bar)
        bar.finish()
        for name, figures in report.items():
            self.stdout.write(
                f"{name}: {figures['documents']} documents in {figures['seconds']} s ({figures['per_second']:,}/s)"
            )

    def handle_check(self, kind=None, repair=False, json=False, **options):
        kind = self._kind(kind)
        report = maintenance.check(kind, repair=repair)
        if json:
            self.stdout.write(_dumps({name: drift.counts() for name, drift in report.items()}))
            return
        for name, drift in report.items():
            counts = drift.counts()
            line = (f"{name}: missing {counts['missing']}, stale {counts['stale']}, orphan {counts['orphan']}, "
                    f"pending {counts['pending']}")
            if repair:
                line += f", repaired {counts['repaired']}"
            self.stdout.write(line)

    def handle_query(self, text="", user=None, kind=None, limit=10, json=False, **options):
        kind = self._kind(kind)
        account = None
        if user:
            account = get_user_model().objects.filter(username=user).first()
            if account is None:
                raise CommandError(f"no user {user!r}")
        lines = (line.rstrip("\n") for line in sys.stdin) if text == "-" else [text]
        for line in lines:
            hits = maintenance.run_query(line, user=account, kind=kind, limit=max(1, min(limit, 100)))
            if json:
                self.stdout.write(_dumps(hits))
            else:
                self.stdout.write(f"{line}: {len(hits)} hits")
                for hit in hits:
                    self.stdout.write(
                        f"  {hit['score']:8.3f}  {hit['kind']:<8} {hit['code']:<32} {hit['title']}  {hit['url']}"
                    )
            self.stdout.flush()

    def handle_synonyms(self, load_seed=False, **options):
        if not load_seed:
            raise CommandError("say what to do: --load-seed")
        added = synonyms.load_seed()
        self.stdout.write(f"{added} rules added from {synonyms.SEED_FILE.name}.")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)
