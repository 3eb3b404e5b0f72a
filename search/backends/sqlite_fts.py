"""The SQLite engine of the database backend: two FTS5 tables beside ``search_document``.

- ``search_fts(code, title, body, tags)``: every token of a document.
- ``search_fts_title(code, title, tags)``: only the short fields, so that "matches in title
  or code" is a walk over short document lists, and autocomplete's prefix index stays small.

Rows are keyed by ``priority << 40 | document id``: FTS5 streams matches in row-id order, so
``ORDER BY rowid DESC LIMIT n`` yields the best-prior, newest matches first and stops after
n. ``tags`` holds the principals of the access list and the filter values as opaque tokens
(``backends.database.tag``), so trimming and filtering happen inside the MATCH itself —
cheap, where a join to an access table after matching would touch every match.
"""

from django.db import connection

from search.query import All, Any, Term

ID_BITS = 40
ID_MASK = (1 << ID_BITS) - 1
ANY_COLUMNS = "{code title body}"
TITLE_COLUMNS = "{code title}"


def rowid(priority: int, document_id: int) -> int:
    return (priority << ID_BITS) | document_id


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def compile_expression(expression) -> str:
    if isinstance(expression, Term):
        return _quote(expression.token) + ("*" if expression.prefix else "")
    if isinstance(expression, All):
        return "(" + " AND ".join(compile_expression(item) for item in expression.items) + ")"
    if isinstance(expression, Any):
        return "(" + " OR ".join(compile_expression(item) for item in expression.items) + ")"
    raise TypeError(f"not a query expression: {expression!r}")


def match(expression, tag_groups, columns=ANY_COLUMNS) -> str:
    """The MATCH string: every tag group (one of its tags) and, if any, the text expression."""
    parts = ["tags : (" + " OR ".join(_quote(tag) for tag in group) + ")" for group in tag_groups]
    if expression is not None:
        parts.append(f"{columns} : {compile_expression(expression)}")
    return " AND ".join(parts)


class SqliteEngine:
    vendor = "sqlite"
    writes_with_rows = False  # the text lives in the FTS5 tables, keyed by the document's id

    def index_rows(self, rows):
        """rows: (priority, document id, code, title, body, tags), each text already segmented."""
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_fts(rowid, code, title, body, tags) VALUES (%s, %s, %s, %s, %s)",
                [(rowid(p, i), code, title, body, tags) for p, i, code, title, body, tags in rows],
            )
            cursor.executemany(
                "INSERT INTO search_fts_title(rowid, code, title, tags) VALUES (%s, %s, %s, %s)",
                [(rowid(p, i), code, title, tags) for p, i, code, title, _body, tags in rows],
            )

    def remove_rows(self, positions):
        """positions: (priority, document id) of rows to drop."""
        keys = [(rowid(p, i),) for p, i in positions]
        with connection.cursor() as cursor:
            cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", keys)
            cursor.executemany("DELETE FROM search_fts_title WHERE rowid = %s", keys)

    def clear(self):
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts")
            cursor.execute("DELETE FROM search_fts_title")

    def stream(self, expression, tag_groups, *, title_only=False, limit, below=None):
        """Document ids of matches, best prior and newest first; ``below`` continues a stream."""
        table, columns = ("search_fts_title", TITLE_COLUMNS) if title_only else ("search_fts", ANY_COLUMNS)
        sql = f"SELECT rowid FROM {table} WHERE {table} MATCH %s"
        params = [match(expression, tag_groups, columns)]
        if below is not None:
            sql += " AND rowid < %s"
            params.append(rowid(*below))
        sql += " ORDER BY rowid DESC LIMIT %s"
        params.append(limit)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [(value >> ID_BITS, value & ID_MASK) for (value,) in cursor.fetchall()]

    def count(self, expression, tag_groups, cap):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM (SELECT 1 FROM search_fts WHERE search_fts MATCH %s LIMIT %s)",
                [match(expression, tag_groups), cap + 1],
            )
            return cursor.fetchone()[0]

    def texts(self, positions, body_chars, *, facets=False, holding=None):
        """The segmented code, title and (the opening of the) body of the given rows, for ranking;
        with ``facets``, each row's facets too (JSON text). ``holding``: (conditions, values) on
        ``search_document``'s columns ("title LIKE %s"), only the rows meeting one of them for one
        of the values — chosen by the database, not read into Python to be looked at."""
        ids = [pk for _priority, pk in positions]
        if ids and holding:
            ids = _ids_where(ids, " OR ".join(c for c in holding[0] for _v in holding[1]),
                             [v for _c in holding[0] for v in holding[1]])
        if not ids:
            return {}
        wanted = set(ids)
        keys = [rowid(p, i) for p, i in positions if i in wanted]
        placeholders = ", ".join(["%s"] * len(keys))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, code, title, substr(body, 1, {int(body_chars)}) FROM search_fts "
                f"WHERE rowid IN ({placeholders})",
                keys,
            )
            found = {(value >> ID_BITS, value & ID_MASK): tuple(row) for value, *row in cursor.fetchall()}
            if facets:
                cursor.execute(f"SELECT id, facets FROM search_document WHERE id IN ({placeholders})", ids)
                by_id = dict(cursor.fetchall())
                found = {position: (*row, by_id.get(position[1])) for position, row in found.items()}
        return found

    def document_frequency(self, token, cap, tag_groups=()):
        """How many records of the collection (``tag_groups``: its scope) hold ``token``, up to ``cap``."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM (SELECT 1 FROM search_fts WHERE search_fts MATCH %s LIMIT %s)",
                [match(Term(token), tag_groups), cap],
            )
            return cursor.fetchone()[0]

    def health(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT sqlite_compileoption_used('ENABLE_FTS5')")
            if not cursor.fetchone()[0]:
                raise RuntimeError("this SQLite was built without FTS5")
            cursor.execute("SELECT count(*) FROM (SELECT 1 FROM search_fts LIMIT 1)")
        return {"engine": "sqlite-fts5"}


def _ids_where(ids, condition, parameters):
    """The ``ids`` of ``search_document`` rows meeting ``condition``."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM search_document WHERE id IN ({', '.join(['%s'] * len(ids))}) AND ({condition})",
            [*ids, *parameters],
        )
        return [row[0] for row in cursor.fetchall()]
