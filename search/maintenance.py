"""Rebuilding the index and checking it against the database (``manage.py search_index``)."""

import time
from dataclasses import dataclass, field

from django.utils import timezone

from search import documents as registry
from search import indexing, ranking, service, trimming
from search.models import IndexedDocument, PendingWrite


def _kinds(kind):
    if kind is None:
        return registry.kinds()
    registry.provider(kind)  # unknown kinds fail loudly here, before any work
    return [kind]


def expected_total(kind=None) -> int:
    return sum(registry.provider(name).count() for name in _kinds(kind))


def _all_documents(kinds):
    for name in kinds:
        yield from registry.provider(name).documents()


def rebuild(kind=None, progress=None) -> dict:
    """Rebuild every index (or one kind in each) from the database; returns counts and timing.

    The database index is upserted in place and the Elasticsearch index is built beside the
    live one and swapped in: both keep answering while this runs.
    """
    kinds = _kinds(kind)
    report = {}
    for name, backend in indexing.targets().items():
        began_at = timezone.now()
        started = time.perf_counter()
        with trimming.remembering_oversight():
            written = backend.rebuild(_all_documents(kinds), kind=kind, progress=progress)
        if name != "database":
            # Records that changed while this index was rebuilt went to the database index (always
            # written, and rebuilt first); bring them over in case they missed the new index.
            changed = list(IndexedDocument.objects.filter(indexed_at__gte=began_at).values_list("key", flat=True))
            for start in range(0, len(changed), 500):
                indexing.sync(changed[start : start + 500], only=[name])
        seconds = time.perf_counter() - started
        report[name] = {"documents": written, "seconds": round(seconds, 2),
                        "per_second": round(written / seconds) if seconds else written}
        settled = PendingWrite.objects.filter(target=name)
        if kind is not None:
            settled = settled.filter(key__startswith=f"{kind}:")
        settled.delete()
    ranking.clear_statistics()
    return report


@dataclass
class Drift:
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    orphan: list[str] = field(default_factory=list)
    pending: int = 0
    repaired: int = 0

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.orphan or self.pending)

    def counts(self) -> dict:
        return {"missing": len(self.missing), "stale": len(self.stale), "orphan": len(self.orphan),
                "pending": self.pending, "repaired": self.repaired}


def check(kind=None, repair=False) -> dict[str, Drift]:
    """Compare every index with what the database says it should hold; repair on request."""
    kinds = _kinds(kind)
    with trimming.remembering_oversight():
        expected = {document.key: document.checksum for document in _all_documents(kinds)}
    report = {}
    for name, backend in indexing.targets().items():
        actual = {}
        for each in kinds:
            actual.update(backend.checksums(each))
        if kind is None:
            actual.update({key: value for key, value in backend.checksums().items() if key.split(":")[0] not in kinds})
        drift = Drift(
            missing=sorted(key for key in expected if key not in actual),
            stale=sorted(key for key, checksum in expected.items() if key in actual and actual[key] != checksum),
            orphan=sorted(key for key in actual if key not in expected),
            pending=PendingWrite.objects.filter(target=name).count(),
        )
        if repair and not drift.clean:
            keys = drift.missing + drift.stale + drift.orphan
            for start in range(0, len(keys), 500):
                if indexing.sync(keys[start : start + 500], only=[name]).get(name):
                    drift.repaired += len(keys[start : start + 500])
            drift.repaired += indexing.replay_pending(name)
        report[name] = drift
    ranking.clear_statistics()
    return report


def run_query(text, *, user=None, kind=None, limit=10) -> list[dict]:
    """One query as the JSON lines of ``search_index query`` give it (a blank line finds nothing)."""
    if not text.strip():
        return []
    kinds = (kind,) if kind else ()
    results = service.search(text, user=user, kinds=kinds, per_page=limit, count=False)
    return [hit.as_json() for hit in results.hits]
