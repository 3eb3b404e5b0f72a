"""The PostgreSQL engine of the database backend: tsvector columns on ``search_document``.

Migrations 0001 and 0002 add, on PostgreSQL only:

- ``tsv`` (code, title and body tokens) and ``tsv_title`` (code and title), each with a GIN
  index — the counterparts of SQLite's two FTS5 tables — and partial GIN indexes of both for
  the catalogue (``CATALOGUE``);
- in both vectors, beside the words, the tags (principals and filter values,
  ``backends.database.tag``) as lexemes of their own, ``~`` before each: trimming and filters
  are part of the one ``@@`` the GIN index answers, so that its scan starts from the rarest of
  the query's lists — a citizen's few records, not a word's hundred thousand — and skips
  through the others (GIN's "fast scan"), as FTS5 does with the tags column;
- ``seg_code``, ``seg_title``, ``seg_body``: the segmented text the ranking reads.

Vectors are built with ``array_to_tsvector`` from tokens rjieba made, and queries are cast
from text the query compiler wrote with every lexeme quoted: PostgreSQL's own parser, whose
idea of a word depends on the server's locale and which keeps a run of Chinese characters
whole, never sees Chinese text. Matches stream in ``(priority, id)`` descending order, priority
by priority: from the newest rows, or from the GIN indexes when few rows match (see ``stream``).
"""

import json

import psycopg
from django.db import connection

from search.backends.base import COLUMNS
from search.query import All, Any, Term

# The two bands matches stream from (``PostgresEngine.stream``): the catalogue, small, with partial
# GIN indexes of its own (the predicate must read exactly as migration 0002 wrote it), and the records.
CATALOGUE = "priority > 1"
RECORDS = "priority <= 1"
# Rows of a band walked one by one before the GIN indexes are asked; past them the walk goes on
# while at least DENSE of the rows walked match, up to WALK_MAX rows (about 30 ms).
WALK = 300
DENSE = 0.05
WALK_MAX = 20_000
# Below this many rows (or before the first ANALYZE) document frequencies are counted, not estimated.
EXACT_BELOW = 50_000


def _lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def compile_expression(expression) -> str:
    if isinstance(expression, Term):
        return _lexeme(expression.token) + (":*" if expression.prefix else "")
    if isinstance(expression, All):
        return "(" + " & ".join(compile_expression(item) for item in expression.items) + ")"
    if isinstance(expression, Any):
        return "(" + " | ".join(compile_expression(item) for item in expression.items) + ")"
    raise TypeError(f"not a query expression: {expression!r}")


TAG_PREFIX = "~"  # before a tag's lexeme: segmented text never holds one (``analysis`` drops the sign)


def compile_query(expression, tag_groups) -> str:
    """The tsquery: the expression, if any, and one of each group's tags."""
    parts = ["(" + " | ".join(_lexeme(TAG_PREFIX + tag) for tag in group) + ")" for group in tag_groups]
    if expression is not None:
        parts.append(compile_expression(expression))
    return " & ".join(parts)


def where(expression, tag_groups, title_only=False):
    """The condition (and its parameters) for the records matching ``expression`` with a tag of each group."""
    if any(not group for group in tag_groups):
        return "FALSE", []  # a group without a tag: none of them can be held
    if expression is None and not tag_groups:
        return "TRUE", []
    return ("tsv_title" if title_only else "tsv") + " @@ %s::tsquery", [compile_query(expression, tag_groups)]


class PostgresEngine:
    vendor = "postgresql"

    # The text is written with the document row itself (``DatabaseBackend._write_batch``),
    # a whole batch per statement: the rows travel as one array per column and the vectors
    # are made from the segmented text on the server. Row by row (``executemany``) the round
    # trips cost more than PostgreSQL's own work (bench/README.md, "Search").
    writes_with_rows = True

    def write_rows(self, new, changed):
        """new: rows of ``base.COLUMNS`` values then (seg_code, seg_title, seg_body, tags), the tags
        a space-separated string; changed: (id, such a row) pairs."""
        names = [*COLUMNS, "seg_code", "seg_title", "seg_body", "tags"]
        arrays = ", ".join(f"%b::{_ARRAY_TYPES.get(name, 'text')}[]" for name in names)
        computed = {
            "facets": "r.facets::jsonb",
            "access": "r.access::jsonb",
            "tsv": f"array_to_tsvector({_words('r.seg_code', 'r.seg_title', 'r.seg_body')} || {_TAG_LEXEMES})",
            "tsv_title": f"array_to_tsvector({_words('r.seg_code', 'r.seg_title')} || {_TAG_LEXEMES})",
        }
        targets = [name for name in names if name != "tags"] + ["tsv", "tsv_title"]
        expressions = [computed.get(name, f"r.{name}") for name in targets]
        connection.ensure_connection()
        # Server-side binding for these large array parameters: Django's client-side binding
        # would quote every element in Python, a third of the whole write.
        with psycopg.Cursor(connection.connection) as cursor:
            if new:
                cursor.execute(
                    f"INSERT INTO search_document ({', '.join(targets)}) SELECT {', '.join(expressions)} "
                    f"FROM unnest({arrays}) AS r({', '.join(names)})",
                    [list(column) for column in zip(*new)],
                )
            if changed:
                assignments = ", ".join(f"{name} = {expression}" for name, expression in zip(targets, expressions))
                cursor.execute(
                    f"UPDATE search_document AS d SET {assignments} "
                    f"FROM unnest(%b::bigint[], {arrays}) AS r(row_id, {', '.join(names)}) WHERE d.id = r.row_id",
                    [[pk for pk, _row in changed], *[list(column) for column in zip(*(row for _pk, row in changed))]],
                )

    def remove_rows(self, positions):
        """The text lives on the document row, which the caller updates or deletes."""

    def clear(self):
        """As ``remove_rows``: deleting the document rows removes everything."""

    def stream(self, expression, tag_groups, *, title_only=False, limit, below=None):
        """Matches in (priority, id) descending order: the catalogue's, then the records'.

        The planner estimates "tags match AND words match" as if the two were independent, and
        so walks the (priority, id) index expecting an early stop that never comes when the
        caller's records hold none of the words (measured: 370 ms for 有限公司 as a citizen on
        200,000 records); asked for every match instead, it fetches them all from the table, some
        25 µs each (有限公司 for a supervisor: 137,000 matches, 1.9 s). Walking the newest rows
        costs about 1.5 µs a row. So, in each band, newest first: ``WALK`` rows are searched row
        by row, and the walk stops at the ``limit``-th match; if the matches it met are common
        enough (``DENSE``) it goes on as far as they promise to fill the limit (at most
        ``WALK_MAX`` rows in all); otherwise, or past that, the GIN indexes find the older
        matches, which are then few, and cheap to sort. The catalogue (priority above 1:
        guides, bundles, policies) is a band of its own with partial GIN indexes (migration
        0002): a word it lacks — 有限公司 — neither holds up the search of the records nor
        makes the GIN indexes read the whole table's matches for it.
        """
        clause, params = where(expression, tag_groups, title_only)
        found = []
        with connection.cursor() as cursor:
            for band in (CATALOGUE, RECORDS):
                if below is not None and below[0] <= 1 and band == CATALOGUE:
                    continue
                upper = ("<", tuple(below)) if below is not None else None
                rows, walked = WALK, 0
                while True:
                    hits, unwalked = self._walk(cursor, band, upper, rows, clause, params, limit - len(found))
                    found.extend(hits)
                    walked += rows
                    if len(found) >= limit:
                        return found[:limit]
                    if unwalked is None:
                        break  # the walk saw every row of the band
                    upper = ("<=", unwalked)
                    density = len(hits) / rows
                    if density < DENSE or walked >= WALK_MAX:
                        found.extend(self._indexed(cursor, band, unwalked, clause, params, limit - len(found)))
                        break
                    rows = min(WALK_MAX - walked, max(WALK, int(1.5 * (limit - len(found)) / density)))
                if len(found) >= limit:
                    return found[:limit]
        return found

    @staticmethod
    def _walk(cursor, band, upper, rows, clause, params, need):
        """The matches among the band's next ``rows`` rows (below ``upper``: (operator, position)),
        at most ``need``, and the position of the first row not walked (None: the band's end)."""
        bound, bound_params = (f"AND (priority, id) {upper[0]} (%s, %s)", list(upper[1])) if upper else ("", [])
        cursor.execute(
            f"(SELECT priority, id, false FROM (SELECT priority, id, tsv, tsv_title FROM search_document "
            f"WHERE {band} {bound} ORDER BY priority DESC, id DESC LIMIT %s) AS recent "
            f"WHERE {clause} ORDER BY priority DESC, id DESC LIMIT %s) "
            f"UNION ALL (SELECT priority, id, true FROM search_document WHERE {band} {bound} "
            f"ORDER BY priority DESC, id DESC OFFSET %s LIMIT 1)",
            [*bound_params, rows, *params, need, *bound_params, rows],
        )
        found = cursor.fetchall()
        hits = sorted(((priority, pk) for priority, pk, unwalked in found if not unwalked), reverse=True)
        unwalked = next(((priority, pk) for priority, pk, flag in found if flag), None)
        return hits, unwalked

    @staticmethod
    def _indexed(cursor, band, start, clause, params, need):
        """The band's matches from ``start`` on, found by the GIN indexes, the first ``need`` in order."""
        cursor.execute(
            f"WITH found AS MATERIALIZED (SELECT priority, id FROM search_document "
            f"WHERE {band} AND (priority, id) <= (%s, %s) AND {clause}) "
            f"SELECT priority, id FROM found ORDER BY priority DESC, id DESC LIMIT %s",
            [*start, *params, need],
        )
        return [tuple(row) for row in cursor.fetchall()]

    @staticmethod
    def _estimate(cursor, sql, params) -> int:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        return int(plan[0]["Plan"]["Plan Rows"])

    def count(self, expression, tag_groups, cap):
        clause, params = where(expression, tag_groups)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM search_document WHERE {clause} LIMIT %s) AS found",
                           [*params, cap + 1])
            return cursor.fetchone()[0]

    def texts(self, positions, body_chars):
        if not positions:
            return {}
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT priority, id, seg_code, seg_title, left(seg_body, %s) FROM search_document WHERE id = ANY(%s)",
                [int(body_chars), [pk for _priority, pk in positions]],
            )
            return {(priority, pk): (code or "", title or "", body or "") for priority, pk, code, title, body in cursor}

    def document_frequency(self, token, cap, tag_groups=()):
        """How many records of the collection (``tag_groups``: its scope) hold ``token``.

        On a large table the planner's estimate from the column statistics: counting a common
        word's matches would read most of the table, and ranking only needs its order of
        magnitude. A small or never analysed table is simply counted."""
        clause, params = where(Term(token), tag_groups)
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'search_document'::regclass")
            rows = cursor.fetchone()[0]
            if rows < EXACT_BELOW:
                cursor.execute(
                    f"SELECT count(*) FROM (SELECT 1 FROM search_document WHERE {clause} LIMIT %s) AS found",
                    [*params, cap],
                )
                return cursor.fetchone()[0]
            estimate = self._estimate(cursor, f"SELECT 1 FROM search_document WHERE {clause}", params)
        return min(estimate, cap)

    def health(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM (SELECT tsv FROM search_document LIMIT 1) AS probe")
        return {"engine": "postgresql-tsvector"}


_ARRAY_TYPES = {"priority": "integer", "date": "timestamptz", "indexed_at": "timestamptz"}


# The tags of the row being written, as the lexemes the vectors hold (``TAG_PREFIX`` before each).
_TAG_LEXEMES = f"array_remove(string_to_array('{TAG_PREFIX}' || replace(r.tags, ' ', ' {TAG_PREFIX}'), ' '), '{TAG_PREFIX}')"


def _words(*columns) -> str:
    """The tokens of segmented text columns, as the array ``array_to_tsvector`` takes."""
    return f"array_remove(string_to_array(concat_ws(' ', {', '.join(columns)}), ' '), '')"
