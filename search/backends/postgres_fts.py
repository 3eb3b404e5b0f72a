"""The PostgreSQL engine of the database backend: tsvector columns on ``search_document``.

Migrations 0001 to 0003 add, on PostgreSQL only:

- ``tsv`` (code, title and body tokens) and ``tsv_title`` (code and title), each with a GIN
  index — the counterparts of SQLite's two FTS5 tables — and partial GIN indexes of both for
  the catalogue (``CATALOGUE``);
- in both vectors, beside the words, the tags (principals and filter values,
  ``backends.database.tag``) as lexemes of their own, ``~`` before each: trimming and filters
  are part of the one ``@@`` the GIN index answers, so that its scan starts from the rarest of
  the query's lists — a citizen's few records, not a word's hundred thousand — and skips
  through the others (GIN's "fast scan"), as FTS5 does with the tags column;
- in both vectors again, the row's recency bucket (``bucket``): asked for the words in the
  newest buckets, a GIN scan reads from the table only the newest matches;
- ``seg_code``, ``seg_title``, ``seg_body``: the segmented text the ranking reads.

Vectors are built with ``array_to_tsvector`` from tokens rjieba made, and queries are cast
from text the query compiler wrote with every lexeme quoted: PostgreSQL's own parser, whose
idea of a word depends on the server's locale and which keeps a run of Chinese characters
whole, never sees Chinese text. Matches stream in ``(priority, id)`` descending order, in one
statement: the newest rows walked, then the GIN indexes recency bucket by bucket (``stream``).
"""

import json
from contextlib import contextmanager

import psycopg
from django.db import connection

from search.backends.base import COLUMNS
from search.query import All, Any, Term

# The two bands matches stream from (``PostgresEngine.stream``): the catalogue, small, with partial
# GIN indexes of its own (the predicate must read exactly as migration 0002 wrote it), and the records.
CATALOGUE = "priority > 1"
RECORDS = "priority <= 1"
# Rows of a band walked one by one before the GIN indexes are asked (about 1.5 µs a row).
WALK = 300
# A prefix query's walk, when its first WALK rows held enough matches, goes on through this many more.
FURTHER = 10_000
# Recency buckets: ids of one priority, 2 ** BUCKET_BITS to a bucket, each a lexeme of both
# vectors (``bucket``). Migration 0003 wrote them with 10: a change needs a migration that
# rewrites them.
BUCKET_BITS = 10
# Below the walk, the buckets are searched in groups, nearest first: 1, 1, 2, 4, 8 and 16
# buckets (32 in all), each group one GIN scan; then what is older still, in one scan more.
BUCKET_GROUPS = ((0, 0), (1, 1), (2, 3), (4, 7), (8, 15), (16, 31))
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
            "tsv": f"array_to_tsvector({_words('r.seg_code', 'r.seg_title', 'r.seg_body')} || {_TAG_LEXEMES} "
                   f"|| {_bucket_lexeme()})",
            "tsv_title": f"array_to_tsvector({_words('r.seg_code', 'r.seg_title')} || {_TAG_LEXEMES} || {_bucket_lexeme()})",
        }
        targets = [name for name in names if name != "tags"] + ["tsv", "tsv_title"]
        expressions = [computed.get(name, f"r.{name}") for name in targets]
        connection.ensure_connection()
        # Server-side binding for these large array parameters: Django's client-side binding
        # would quote every element in Python, a third of the whole write.
        with psycopg.Cursor(connection.connection) as cursor:
            if new:
                # The ids are drawn first: the recency bucket in the vectors is made from them.
                cursor.execute(
                    f"INSERT INTO search_document (id, {', '.join(targets)}) SELECT r.id, {', '.join(expressions)} "
                    f"FROM (SELECT nextval(pg_get_serial_sequence('search_document', 'id')) AS id, u.* "
                    f"FROM unnest({arrays}) AS u({', '.join(names)})) AS r",
                    [list(column) for column in zip(*new)],
                )
            if changed:
                assignments = ", ".join(f"{name} = {expression}" for name, expression in zip(targets, expressions))
                cursor.execute(
                    f"UPDATE search_document AS d SET {assignments} "
                    f"FROM unnest(%b::bigint[], {arrays}) AS r(id, {', '.join(names)}) WHERE d.id = r.id",
                    [[pk for pk, _row in changed], *[list(column) for column in zip(*(row for _pk, row in changed))]],
                )

    def remove_rows(self, positions):
        """The text lives on the document row, which the caller updates or deletes."""

    def clear(self):
        """As ``remove_rows``: deleting the document rows removes everything."""

    def stream(self, expression, tag_groups, *, title_only=False, limit, below=None):
        """Matches in (priority, id) descending order, the catalogue's then the records', in one statement.

        The planner cannot know that "these words AND one of these principals" is rare when both
        are common apart, so asked for the newest matches it either walks the (priority, id)
        index waiting for an early stop that never comes (370 ms for 有限公司 as a citizen on
        200,000 records), or fetches every match from the table to sort them, some 25 µs a row
        (有限公司 for a supervisor: 137,000 matches, 1.9 s). So the order is spelled out, as the
        branches of a ``UNION ALL`` under the limit, band by band (``_band``):

        1. the band's newest ``WALK`` rows, checked one by one: enough for a common word;
        2. if the walk met enough matches, the GIN index asked for the words in the nearest
           recency buckets below it, then in the next ones (``BUCKET_GROUPS``): the table is
           read only for the matches of those buckets, which are the newest;
        3. whatever is older — or, when the walk met few, everything below it — from the GIN
           index at once: by then the matches are few.

        PostgreSQL runs a branch only while the limit is not reached. The catalogue (priority
        above 1: guides, bundles, policies) comes first, with partial GIN indexes (migration
        0002). The statement is prepared on the connection (``_prepared``): planning its
        branches costs about what running them does.
        """
        clause, params = where(expression, tag_groups, title_only)
        if clause == "FALSE" or limit <= 0:
            return []
        bound, bound_params = ("AND (priority, id) < (%s, %s)", list(below)) if below is not None else ("", [])
        if clause == "TRUE":
            sql = f"SELECT priority, id FROM search_document WHERE TRUE {bound} ORDER BY priority DESC, id DESC LIMIT %s"
            arguments = [*bound_params, limit]
        else:
            bands = [RECORDS] if below is not None and below[0] <= 1 else [CATALOGUE, RECORDS]
            vector = "tsv_title" if title_only else "tsv"
            ctes, cte_arguments, branches, branch_arguments = [], [], [], []
            for number, band in enumerate(bands):
                band_ctes, band_cte_arguments, band_branches, band_branch_arguments = _band(
                    number, band, vector, bound, bound_params, params[0], limit, below_walk=_below_walk(expression, band))
                ctes.append(band_ctes)
                cte_arguments += band_cte_arguments
                branches.append(band_branches)
                branch_arguments += band_branch_arguments
            sql = f"WITH {', '.join(ctes)} SELECT priority, id FROM ({' UNION ALL '.join(branches)}) AS found LIMIT %s"
            arguments = [*cte_arguments, *branch_arguments, limit]
        with connection.cursor() as cursor, _prepared():
            cursor.execute(sql, arguments)
            return [tuple(row) for row in cursor.fetchall()]

    @staticmethod
    def _estimate(cursor, sql, params) -> int:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        return int(plan[0]["Plan"]["Plan Rows"])

    def count(self, expression, tag_groups, cap):
        """How many records match, up to ``cap + 1``: from the GIN index (migration 0004's
        ``search_count``), never by reading the table from the start."""
        clause, params = where(expression, tag_groups)
        if clause == "FALSE":
            return 0
        with connection.cursor() as cursor:
            if clause == "TRUE":
                cursor.execute("SELECT count(*) FROM (SELECT FROM search_document LIMIT %s) AS found", [cap + 1])
            else:
                cursor.execute("SELECT search_count(%s::tsquery, %s)", [*params, cap + 1])
            return cursor.fetchone()[0]

    def texts(self, positions, body_chars, *, facets=False, holding=None):
        """As ``SqliteEngine.texts``, in one statement: the text lives on the document row."""
        if not positions:
            return {}
        condition, parameters = "", []
        if holding:
            conditions, values = holding
            condition = "AND (" + " OR ".join(c for c in conditions for _v in values) + ")"
            parameters = [v for _c in conditions for v in values]
        columns = "seg_code, seg_title, left(seg_body, %s)" + (", facets" if facets else "")
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT priority, id, {columns} FROM search_document WHERE id = ANY(%s) {condition}",
                [int(body_chars), [pk for _priority, pk in positions], *parameters],
            )
            return {(priority, pk): (code or "", title or "", body or "", *rest)
                    for priority, pk, code, title, body, *rest in cursor}

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


@contextmanager
def _prepared():
    """Statements run inside are prepared on the connection, planned a few times and then no more.

    The stream's statement is planned in about as long as it runs (a branch per bucket group and
    band). Django turns psycopg's prepared statements off for every query, and generic plans
    would not suit them all; the stream's branches are spelled out so that its generic plan is
    the one wanted. With client-side binding (``DATABASE_SERVER_SIDE_BINDING=0``, for a pooler
    that cannot keep prepared statements) psycopg prepares nothing, and neither does this."""
    raw = connection.connection
    threshold = raw.prepare_threshold
    raw.prepare_threshold = 0
    try:
        yield
    finally:
        raw.prepare_threshold = threshold


def _bucket_lexeme() -> str:
    """The recency bucket of the row being written (``r``: its id and priority), as ``bucket`` names it."""
    return f"ARRAY['{TAG_PREFIX}b' || r.priority || '_' || (r.id >> {int(BUCKET_BITS)})]"


def bucket(priority: int, pk: int) -> str:
    """The lexeme of a row's recency bucket: its priority, then its id's high bits."""
    return f"{TAG_PREFIX}b{priority}_{pk >> BUCKET_BITS}"


def _prefixed(expression) -> bool:
    """Whether a term of ``expression`` is a prefix (autocomplete's last word)."""
    if isinstance(expression, Term):
        return expression.prefix
    return isinstance(expression, (All, Any)) and any(_prefixed(item) for item in expression.items)


def _below_walk(expression, band) -> str:
    """How a band's stream goes on below its walk (``_band``): by recency buckets, or — for a
    prefix query, where each GIN scan gathers every lexeme the prefix begins (5 ms a scan in the
    whole table's title index) — by walking further through the records, and through the
    catalogue's small partial index at once."""
    if not _prefixed(expression):
        return "buckets"
    return "further" if band == RECORDS else "at once"


def _band(number, band, vector, bound, bound_params, query, limit, *, below_walk="buckets"):
    """A band's part of the stream: its CTEs and its branches (each with their arguments), which
    yield its matches newest first.

    - ``walk_N``: the matches among the band's ``WALK`` newest rows;
    - ``edge_N``: the first row not walked (none: the walk saw the whole band, and the other
      branches yield nothing);
    - if the walk met enough matches (``dense_N``) for the buckets to promise the limit, the
      recency buckets below the edge, group by group, then whatever is older;
    - otherwise the matches are rare, and everything below the edge comes from one GIN scan: a
      bucket scan costs about what a plain one does, and would find next to nothing.

    Below the walk of a prefix query (``_below_walk``): "further", the walk goes on through the
    next ``FURTHER`` rows when it met enough matches, then the rest comes at once; "at once",
    everything below the walk comes from one GIN scan.

    Each branch names its band: in the catalogue, the partial GIN indexes answer.
    """
    walk, edge, dense = f"walk_{number}", f"edge_{number}", f"dense_{number}"
    ctes = (f"{walk} AS MATERIALIZED (SELECT priority, id FROM (SELECT priority, id, {vector} FROM search_document "
            f"WHERE {band} {bound} ORDER BY priority DESC, id DESC LIMIT {int(WALK)}) AS recent "
            f"WHERE {vector} @@ %s::tsquery ORDER BY priority DESC, id DESC LIMIT %s), "
            f"{edge} AS (SELECT priority, id FROM search_document WHERE {band} {bound} "
            f"ORDER BY priority DESC, id DESC OFFSET {int(WALK)} LIMIT 1)")
    cte_arguments = [*bound_params, query, limit, *bound_params]
    branches = [f"(SELECT priority, id FROM {walk} ORDER BY priority DESC, id DESC)"]
    arguments = []

    def rest(condition, upto):
        """The band's matches at or below ``upto`` (a row of priority and id), from the GIN index
        at once. "+ 0" keeps the (priority, id) index out: walked for its order, it is the walk
        through the whole band this is here to avoid (1 s for 有限公司 as an editor, whose
        records hold none); ANDed as a bitmap of most of the table, it costs more than the scan."""
        branches.append(f"(SELECT priority, id FROM search_document WHERE {condition} {band} "
                        f"AND (priority + 0, id + 0) <= ({upto}) AND {vector} @@ %s::tsquery "
                        f"ORDER BY priority + 0 DESC, id + 0 DESC LIMIT %s)")
        arguments.extend([query, limit])

    if below_walk == "at once":
        rest("", f"SELECT priority, id FROM {edge}")
        return ctes, cte_arguments, " UNION ALL ".join(branches), arguments
    # Below the walk, rows enough that the walk's matches, as common there, promise ``limit`` of them.
    bits, older = int(BUCKET_BITS), BUCKET_GROUPS[-1][1] + 1
    covered = older << bits if below_walk == "buckets" else int(FURTHER)
    ctes += f", {dense} AS (SELECT count(*) >= {-(-int(limit) * int(WALK) // covered)} AS dense FROM {walk})"
    if below_walk == "further":
        # The walk goes on through the next FURTHER rows.
        further = f"further_{number}"
        ctes += (f", {further} AS (SELECT priority, id FROM search_document WHERE {band} {bound} "
                 f"ORDER BY priority DESC, id DESC OFFSET {int(WALK) + int(FURTHER)} LIMIT 1)")
        cte_arguments += bound_params
        branches.append(f"(SELECT priority, id FROM (SELECT priority, id, {vector} FROM search_document "
                        f"WHERE (SELECT dense FROM {dense}) AND {band} AND (priority, id) <= (SELECT priority, id FROM {edge}) "
                        f"ORDER BY priority DESC, id DESC LIMIT {int(FURTHER)}) AS further "
                        f"WHERE {vector} @@ %s::tsquery ORDER BY priority DESC, id DESC LIMIT %s)")
        arguments += [query, limit]
        rest(f"(SELECT dense FROM {dense}) AND", f"SELECT priority, id FROM {further}")
    else:
        # Each group's buckets as one tsquery ("'~b1_194' | '~b1_193'"), made once from the edge.
        groups = ", ".join(f"(string_agg(lexeme, ' | ') FILTER (WHERE k BETWEEN {int(nearest)} AND {int(farthest)}))"
                           f"::tsquery AS group_{position}"
                           for position, (nearest, farthest) in enumerate(BUCKET_GROUPS))
        ctes += (f", buckets_{number} AS (SELECT {groups} FROM (SELECT k, format('''{TAG_PREFIX}b%%s_%%s''', "
                 f"e.priority, (e.id >> {bits}) - k) AS lexeme FROM {edge} AS e, generate_series(0, {older - 1}) AS k "
                 f"WHERE (e.id >> {bits}) - k >= 0) AS b)")
        for position in range(len(BUCKET_GROUPS)):
            branches.append(f"(SELECT priority, id FROM search_document WHERE (SELECT dense FROM {dense}) AND {band} "
                            f"AND id + 0 <= (SELECT id FROM {edge}) AND {vector} @@ "
                            f"(%s::tsquery && (SELECT group_{position} FROM buckets_{number})) "
                            f"ORDER BY priority + 0 DESC, id + 0 DESC LIMIT %s)")
            arguments += [query, limit]
        rest(f"(SELECT dense FROM {dense}) AND",
             f"SELECT priority, (((id >> {bits}) - {older}) << {bits}) + {(1 << bits) - 1} FROM {edge}")
    rest(f"NOT (SELECT dense FROM {dense}) AND", f"SELECT priority, id FROM {edge}")
    return ctes, cte_arguments, " UNION ALL ".join(branches), arguments


def _words(*columns) -> str:
    """The tokens of segmented text columns, as the array ``array_to_tsvector`` takes."""
    return f"array_remove(string_to_array(concat_ws(' ', {', '.join(columns)}), ' '), '')"
