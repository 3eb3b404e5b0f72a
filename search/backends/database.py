"""The embedded backend: full text in the site's own database (SQLite FTS5 or PostgreSQL).

``search_document`` holds what a hit shows; the engine (``sqlite_fts`` or ``postgres_fts``)
holds the segmented text and the tags. A query goes:

1. stream the matches, trimmed and filtered inside the full-text expression, in static-prior
   order, stopping after ``CANDIDATES + 1``;
2. if that is all of them, rank them all; otherwise rank the newest title-or-code matches and
   the newest matches anywhere (``ranking``);
3. when fewer than ``FILL_BELOW`` have every required word, follow them with the records that
   have any of the words (common words left out);
4. count the total up to ``TOTAL_CAP``, facets over the same trimmed set.

See docs/search.md for why the engines' own ranking is not used.
"""

import hashlib
import json
import logging
from collections import Counter
from datetime import datetime, time
from datetime import timezone as dt_timezone
from functools import lru_cache

from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from search import abbreviations, analysis, ranking
from search import fallback as fallback_module
from search import documents as registry
from search.backends.base import COLUMNS, TOTAL_CAP, Hit, SearchBackend, SearchRequest, SearchResults
from search.backends.postgres_fts import PostgresEngine
from search.backends.sqlite_fts import SqliteEngine
from search.models import IndexedDocument

logger = logging.getLogger(__name__)

BATCH = 1000
# Fewer strict matches than this and the search goes on with any of the words, after them.
FILL_BELOW = 10
# Counting a scope's records for the ranking statistics stops here (an estimate is enough).
SCOPE_TOTAL_CAP = 1_000_000


@lru_cache(maxsize=100_000)
def tag(dimension: str, value: str) -> str:
    """An opaque token for ``dimension=value``: letters and digits only, whatever the value."""
    return "t" + hashlib.blake2b(f"{dimension}\x1f{value}".encode(), digest_size=8).hexdigest()


def document_tags(document) -> list[str]:
    tags = [tag("acl", principal) for principal in document.access]
    tags.append(tag("kind", document.kind))
    if document.department:
        tags.append(tag("department", document.department))
    if document.status:
        tags.append(tag("status", document.status))
    if document.date:
        tags.append(tag("year", str(_year(document.date))))
    for name, values in document.facets.items():
        tags.extend(tag(f"facet:{name}", value) for value in values)
    return tags


def _year(value) -> int:
    value = _datetime(value)
    return timezone.localtime(value).year


def _datetime(value):
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value, time.min)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


class DatabaseBackend(SearchBackend):
    name = "database"

    @property
    def engine(self):
        if connection.vendor == "sqlite":
            return SqliteEngine()
        if connection.vendor == "postgresql":
            return PostgresEngine()
        raise RuntimeError(f"no full-text engine for database vendor {connection.vendor}")

    def health(self) -> dict:
        return self.engine.health()

    # --- Writing -----------------------------------------------------------------------

    def write(self, documents) -> None:
        documents = list(documents)
        for start in range(0, len(documents), BATCH):
            self._write_batch(documents[start : start + BATCH])

    @transaction.atomic
    def _write_batch(self, batch):
        """Insert or update the rows of a batch with plain SQL: the ORM's per-field work cost more
        than segmenting (see bench/README.md), and only unchanged checksums are skipped."""
        engine = self.engine
        by_key = {document.key: document for document in batch}
        existing = {key: (pk, priority, checksum) for key, pk, priority, checksum in _rows_by_key(
            "key, id, priority, checksum", list(by_key))}
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        new, changed, stale_positions = [], [], []
        for key, document in by_key.items():
            checksum = document.checksum
            found = existing.get(key)
            if found is None:
                new.append((document, checksum))
            elif found[2] != checksum:
                stale_positions.append((found[1], found[0]))
                changed.append((found[0], document, checksum))
        if not new and not changed:
            return
        if engine.writes_with_rows:
            # PostgreSQL keeps the text on the document row: one statement per batch writes both.
            engine.write_rows(
                [_row_values(document, checksum, now) + list(_segmented(document)) for document, checksum in new],
                [(pk, _row_values(document, checksum, now) + list(_segmented(document)))
                 for pk, document, checksum in changed],
            )
            return
        placeholders = ", ".join("%s" for _column in COLUMNS)
        with connection.cursor() as cursor:
            if stale_positions:
                engine.remove_rows(stale_positions)
            if changed:
                assignments = ", ".join(f"{column} = %s" for column in COLUMNS)
                cursor.executemany(
                    f"UPDATE search_document SET {assignments} WHERE id = %s",
                    [[*_row_values(document, checksum, now), pk] for pk, document, checksum in changed],
                )
            if new:
                cursor.executemany(
                    f"INSERT INTO search_document ({', '.join(COLUMNS)}) VALUES ({placeholders})",
                    [_row_values(document, checksum, now) for document, checksum in new],
                )
        ids = dict(_rows_by_key("key, id", [document.key for document, _checksum in new])) if new else {}
        rows = [(pk, document) for pk, document, _checksum in changed] + [(ids[d.key], d) for d, _c in new]
        engine.index_rows([(registry.priority(d.kind), pk, *_segmented(d)) for pk, d in rows])

    @transaction.atomic
    def delete(self, keys) -> None:
        rows = list(IndexedDocument.objects.filter(key__in=list(keys)).values_list("priority", "id"))
        if rows:
            self.engine.remove_rows(rows)
            IndexedDocument.objects.filter(id__in=[pk for _priority, pk in rows]).delete()

    def checksums(self, kind=None) -> dict[str, str]:
        rows = IndexedDocument.objects.all()
        if kind:
            rows = rows.filter(kind=kind)
        return dict(rows.values_list("key", "checksum"))

    def rebuild(self, documents, kind=None, progress=None) -> int:
        """Upsert every document, then drop what was not seen: the index answers throughout."""
        seen, written = set(), 0
        for batch in _batches(documents, BATCH):
            self._write_batch(batch)
            seen.update(document.key for document in batch)
            written += len(batch)
            if progress:
                progress(len(batch))
        orphans = IndexedDocument.objects.all()
        if kind:
            orphans = orphans.filter(kind=kind)
        orphan_keys = [key for key in orphans.values_list("key", flat=True) if key not in seen]
        for start in range(0, len(orphan_keys), BATCH):
            self.delete(orphan_keys[start : start + BATCH])
        ranking.clear_statistics()
        return written

    def clear(self) -> None:
        with transaction.atomic():
            self.engine.clear()
            IndexedDocument.objects.all().delete()
        ranking.clear_statistics()

    # --- Querying ----------------------------------------------------------------------

    @staticmethod
    def _tag_groups(request, leave_out=None):
        """Trimming first, always; then the scope; then one group per chosen filter."""
        groups = [sorted(tag("acl", principal) for principal in request.principals)]
        for dimension, values in sorted(request.scope.items()):
            groups.append(sorted(tag(dimension, value) for value in values))
        for dimension, values in sorted(request.filters.items()):
            if dimension != leave_out and values:
                groups.append(sorted(tag(dimension, value) for value in values))
        return groups

    def search(self, request: SearchRequest) -> SearchResults:
        if not request.principals:
            return SearchResults.empty(self.name)
        engine = self.engine
        tag_groups = self._tag_groups(request)
        parsed = request.query
        fallback = False
        newest = _newest(engine, tag_groups)
        if parsed.is_empty:
            expression, relaxed = None, False
            ranked, complete, floor = self._ranked(engine, request, parsed, None, tag_groups)
        else:
            expression, relaxed = parsed.strict(), False
            ranked, complete, floor = self._ranked(engine, request, parsed, expression, tag_groups)
            if complete and len(ranked) < FILL_BELOW:
                # Few have the words: a short query may be an abbreviation of a title (社保, 个体登记).
                ranked = self._with_abbreviations(engine, request, parsed, ranked, newest)
            if complete and len(ranked) < FILL_BELOW:
                # Few have every word: those first, then what has some of the words.
                frequency, total = self._frequency(engine, request), self._total(engine, request)
                expression = parsed.relaxed(common=lambda token: total >= ranking.COMMON_MIN_RECORDS
                                            and frequency(token) > ranking.COMMON_SHARE * total)
                more, complete, floor = self._ranked(engine, request, parsed, expression, tag_groups, relaxed=True)
                strict_positions = {position for _score, position in ranked}
                relaxed = not ranked
                ranked = ranked + [item for item in more if item[1] not in strict_positions]
            if not ranked:
                ranked, complete = self._characters_shared(engine, parsed, newest), True
                fallback, relaxed = bool(ranked), False

        page = ranked[request.offset : request.offset + request.limit]
        if not complete and len(page) < request.limit and request.offset + request.limit > len(ranked):
            page = self._page_past_window(engine, expression, tag_groups, ranked, floor, request)

        results = SearchResults(hits=self._hits(page), relaxed=relaxed, fallback=fallback, backend=self.name)
        if request.count:
            if complete:
                results.total = len(ranked)
            else:
                total = engine.count(expression, tag_groups, TOTAL_CAP)
                results.total, results.total_is_exact = min(total, TOTAL_CAP), total <= TOTAL_CAP
        if request.facets:
            results.facets = self._facets(engine, expression, request)
        return results

    def _ranked(self, engine, request, parsed, expression, tag_groups, relaxed=False):
        """(ranked (score, position) list, whether it holds every match, where the stream stopped)."""
        stream = engine.stream(expression, tag_groups, limit=ranking.CANDIDATES + 1)
        complete = len(stream) <= ranking.CANDIDATES
        candidates = stream if complete else stream[: ranking.TIER]
        floor = candidates[-1] if candidates else None
        if expression is None:
            return [(0.0, position) for position in candidates], complete, floor
        if not complete:
            in_title = engine.stream(expression, tag_groups, title_only=True, limit=ranking.TIER)
            candidates = list(dict.fromkeys(in_title + candidates))
        scorer = ranking.Scorer(parsed, self._frequency(engine, request), self._total(engine, request), relaxed=relaxed)
        texts = engine.texts(candidates, ranking.BODY_CHARS, facets=True)
        scored = [(scorer.score(code, title, body, _issued(facets)), position)
                  for position in candidates if position in texts
                  for code, title, body, facets in [texts[position]]]
        scored.sort(key=lambda item: (-item[0], -item[1][0], -item[1][1]))
        return scored, complete, floor

    def _with_abbreviations(self, engine, request, parsed, ranked, newest):
        """``ranked`` and the records whose title holds a short query's characters in order
        (``search.abbreviations``), scored below a title holding the query's own words."""
        short = abbreviations.shape(parsed.text)
        if not short:
            return ranked
        positions = newest(abbreviations.SCAN)
        # Only titles holding the characters in order are read (the gaps are measured in ``rank``).
        texts = engine.texts(positions, 0, holding=(["title LIKE %s"], ["%" + "%".join(short) + "%"]))
        found = abbreviations.rank(short, [(position, texts[position][1]) for position in positions
                                           if position in texts])
        if not found:
            return ranked
        scorer = ranking.Scorer(parsed, self._frequency(engine, request), self._total(engine, request))
        reference = scorer.score("", analysis.segment(short), "") or 1.0
        scores = {position: score for score, position in ranked}
        for tightness, position in found:
            score = abbreviations.WEIGHT * reference * tightness
            if score > scores.get(position, 0.0):
                scores[position] = score
        merged = [(score, position) for position, score in scores.items()]
        merged.sort(key=lambda item: (-item[0], -item[1][0], -item[1][1]))
        return merged

    @staticmethod
    def _characters_shared(engine, parsed, newest):
        """No record has any of the words: the trimmed scope's records sharing characters (``fallback``).
        A query without a Chinese character to share (a number, a code) reads nothing."""
        characters = fallback_module.grams(parsed.text)[0]
        if not characters:
            return []
        positions = newest(fallback_module.SCAN)
        # Only the records holding one of the characters are read: the others share nothing,
        # and count only in the total the characters' rarity is measured against.
        texts = engine.texts(positions, fallback_module.SCAN_BODY_CHARS, holding=(
            ["title LIKE %s", f"substr(body, 1, {2 * fallback_module.SCAN_BODY_CHARS}) LIKE %s"],
            [f"%{character}%" for character in characters]))
        rows = [(position, texts[position][1], texts[position][2]) for position in positions if position in texts]
        return fallback_module.rank(parsed.text, rows, total=len(positions))

    def _page_past_window(self, engine, expression, tag_groups, ranked, floor, request):
        """Beyond the ranked window, matches continue in static-prior order."""
        in_window = {position for _score, position in ranked}
        wanted = request.offset + request.limit - len(ranked)
        tail = engine.stream(expression, tag_groups, limit=wanted + len(in_window), below=floor)
        tail = [(0.0, position) for position in tail if position not in in_window]
        return (ranked + tail)[request.offset : request.offset + request.limit]

    # Ranking statistics (document frequencies, the total) are taken over the collection a page
    # searches — its scope: the public page's live guides, bundles and policies — not over every
    # record: the company names of a hundred thousand case files would otherwise make 公司 a
    # common word for the catalogue, where it is rare and telling (bench/README.md, "hit@3").

    @staticmethod
    def _scope_groups(request):
        return [sorted(tag(dimension, value) for value in values) for dimension, values in sorted(request.scope.items())]

    def _frequency(self, engine, request):
        alias, groups = connection.alias, self._scope_groups(request)
        scope = tuple(tuple(group) for group in groups)

        def frequency(token):
            return ranking.remembered(("df", alias, scope, token),
                                      lambda: engine.document_frequency(token, ranking.DF_CAP, groups))

        return frequency

    def vocabulary(self, scope):
        """``frequency(token)``: how many records of the scope hold ``token`` (capped, remembered as
        the ranking's document frequencies are). The thesaurus widens a query only to such words."""
        return self._frequency(self.engine, SearchRequest(query=None, principals=frozenset(), scope=scope))

    def _total(self, engine, request):
        groups = self._scope_groups(request)
        if not groups:
            return ranking.remembered(("total", connection.alias), lambda: IndexedDocument.objects.count())
        scope = tuple(tuple(group) for group in groups)
        return ranking.remembered(("total", connection.alias, scope),
                                  lambda: engine.count(None, groups, SCOPE_TOTAL_CAP))

    @staticmethod
    def _hits(page):
        """The page's rows, read with one plain query (the ORM took longer than the search itself)."""
        if not page:
            return []
        ids = [pk for _score, (_priority, pk) in page]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(HIT_FIELDS)} FROM search_document WHERE id IN ({', '.join(['%s'] * len(ids))})",
                ids,
            )
            rows = {row[0]: dict(zip(HIT_FIELDS, row)) for row in cursor.fetchall()}
        return [_hit(rows[pk], score) for score, (_priority, pk) in page if pk in rows]

    def _facets(self, engine, expression, request):
        """Counts per value, each dimension counted as if its own filter were not set."""
        counted = {}
        shared = None
        for dimension in request.facets:
            own_filter = bool(request.filters.get(dimension))
            if own_filter:
                groups = self._tag_groups(request, leave_out=dimension)
                counted[dimension] = _count_values(engine, expression, groups, [dimension])[dimension]
            else:
                if shared is None:
                    groups = self._tag_groups(request)
                    plain = [d for d in request.facets if not request.filters.get(d)]
                    shared = _count_values(engine, expression, groups, plain)
                counted[dimension] = shared[dimension]
        return {
            dimension: sorted(counter.items(), key=lambda item: (-item[1], item[0]))
            for dimension, counter in counted.items()
        }

    def suggest(self, request: SearchRequest) -> list[Hit]:
        """Titles and codes starting with what is being typed, best prior first."""
        query = request.query
        if not request.principals or query.is_empty:
            return []
        engine = self.engine
        groups = self._tag_groups(request)
        positions = engine.stream(query.strict(), groups, title_only=True, limit=ranking.TIER)
        if not positions:
            return []
        scorer = ranking.Scorer(query, self._frequency(engine, request), self._total(engine, request))
        texts = engine.texts(positions, ranking.BODY_CHARS)
        scored = sorted(
            ((scorer.score(*texts[p]), p) for p in positions if p in texts),
            key=lambda item: (-item[0], -item[1][0], -item[1][1]),
        )
        return self._hits(scored[: request.limit])


def _newest(engine, tag_groups):
    """``newest(limit)``: the trimmed scope's newest records, which the abbreviations and the
    character fallback both scan — streamed once, as many as the larger of them reads."""
    streamed = []

    def newest(limit):
        if not streamed:
            streamed.append(engine.stream(None, tag_groups, limit=max(abbreviations.SCAN, fallback_module.SCAN)))
        return streamed[0][:limit]

    return newest


def _issued(facets) -> str:
    """What a record issues (``ranking.issued_text``) from its facets (a dict, or JSON text as SQLite keeps them)."""
    if isinstance(facets, str):
        facets = json.loads(facets) if "issues" in facets else {}
    return ranking.issued_text(facets or {})


def _rows_by_key(columns, keys):
    """Rows of ``search_document`` by key, without the ORM's per-value work on a thousand keys."""
    if not keys:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM search_document WHERE key IN ({', '.join(['%s'] * len(keys))})", keys
        )
        return cursor.fetchall()


def _row_values(document, checksum, now):
    return [
        document.key, document.kind, document.object_id, registry.priority(document.kind), document.code[:200],
        document.title, document.body, document.department, document.status,
        connection.ops.adapt_datetimefield_value(_datetime(document.date)), document.url,
        json.dumps(document.facets, ensure_ascii=False), json.dumps(document.access, ensure_ascii=False), checksum, now,
    ]


def _segmented(document):
    """(code, title, body, tags): the segmented text and the tag tokens an engine stores."""
    code, title, body = analysis.segment_fields((document.code, document.title, document.body))
    return code, title, body, " ".join(document_tags(document))


def _batches(documents, size):
    batch = []
    for document in documents:
        batch.append(document)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


HIT_FIELDS = ("id", "key", "kind", "object_id", "code", "title", "url", "department", "status", "date", "facets",
              "body")


def _hit(row, score):
    values = {name: row[name] for name in HIT_FIELDS if name != "id"}
    values["date"] = _read_datetime(values["date"])
    if isinstance(values["facets"], str):
        values["facets"] = json.loads(values["facets"])
    return Hit(score=score, **values)


def _read_datetime(value):
    """SQLite hands back the naive UTC time Django wrote (text or datetime); PostgreSQL an aware one."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = parse_datetime(value)
    return value.replace(tzinfo=dt_timezone.utc) if value is not None and timezone.is_naive(value) else value


def _count_values(engine, expression, tag_groups, dimensions):
    """Facet counts over the trimmed matches (the first ``TOTAL_CAP`` of them when there are more)."""
    positions = engine.stream(expression, tag_groups, limit=TOTAL_CAP)
    counts = {dimension: Counter() for dimension in dimensions}
    if not positions:
        return counts
    columns = {"kind", "department", "status"} & set(dimensions)
    wants_year = "year" in dimensions
    facet_names = [dimension.split(":", 1)[1] for dimension in dimensions if dimension.startswith("facet:")]
    fields = sorted(columns) + (["date"] if wants_year else []) + (["facets"] if facet_names else [])
    ids = [pk for _priority, pk in positions]
    for start in range(0, len(ids), 900):
        for values in IndexedDocument.objects.filter(id__in=ids[start : start + 900]).values(*fields):
            for column in columns:
                if values[column]:
                    counts[column][values[column]] += 1
            if wants_year and values["date"]:
                counts["year"][str(timezone.localtime(values["date"]).year)] += 1
            for name in facet_names:
                for value in (values["facets"] or {}).get(name, []):
                    counts[f"facet:{name}"][value] += 1
    return counts
