"""The PostgreSQL engine of the database backend: tsvector and tag columns on ``search_document``.

Migration 0001 adds, on PostgreSQL only:

- ``tsv`` (code, title and body tokens) and ``tsv_title`` (code and title), each with a GIN
  index — the counterparts of SQLite's two FTS5 tables;
- ``tags text[]`` with a GIN index: principals and filter values, matched with ``&&``;
- ``seg_code``, ``seg_title``, ``seg_body``: the segmented text the ranking reads.

Vectors are built with ``array_to_tsvector`` from tokens rjieba made, and queries are cast
from text the query compiler wrote with every lexeme quoted: PostgreSQL's own parser, whose
idea of a word depends on the server's locale and which keeps a run of Chinese characters
whole, never sees Chinese text. Matches stream in ``(priority, id)`` descending order from
the B-tree index on those columns, or from the GIN indexes when few rows match: the planner
chooses.
"""

from django.db import connection

from search.query import All, Any, Term


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


def where(expression, tag_groups, title_only=False):
    clauses, params = [], []
    for group in tag_groups:
        clauses.append("tags && %s::text[]")
        params.append(list(group))
    if expression is not None:
        clauses.append(("tsv_title" if title_only else "tsv") + " @@ %s::tsquery")
        params.append(compile_expression(expression))
    return " AND ".join(clauses), params


class PostgresEngine:
    vendor = "postgresql"
    json_placeholder = "%s::jsonb"

    def index_rows(self, rows):
        with connection.cursor() as cursor:
            cursor.executemany(
                """
                UPDATE search_document SET
                    tsv = array_to_tsvector(%s::text[]),
                    tsv_title = array_to_tsvector(%s::text[]),
                    tags = %s::text[],
                    seg_code = %s, seg_title = %s, seg_body = %s
                WHERE id = %s
                """,
                [
                    (
                        _tokens(code, title, body),
                        _tokens(code, title),
                        tags.split(),
                        code,
                        title,
                        body,
                        pk,
                    )
                    for _priority, pk, code, title, body, tags in rows
                ],
            )

    def remove_rows(self, positions):
        """The text lives on the document row, which the caller updates or deletes."""

    def clear(self):
        """As ``remove_rows``: deleting the document rows removes everything."""

    def stream(self, expression, tag_groups, *, title_only=False, limit, below=None):
        clause, params = where(expression, tag_groups, title_only)
        if below is not None:
            clause += " AND (priority, id) < (%s, %s)"
            params.extend(below)
        sql = f"SELECT priority, id FROM search_document WHERE {clause} ORDER BY priority DESC, id DESC LIMIT %s"
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, limit])
            return [tuple(row) for row in cursor.fetchall()]

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

    def document_frequency(self, token, cap):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM (SELECT 1 FROM search_document WHERE tsv @@ %s::tsquery LIMIT %s) AS found",
                [_lexeme(token), cap],
            )
            return cursor.fetchone()[0]

    def health(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM (SELECT tsv FROM search_document LIMIT 1) AS probe")
        return {"engine": "postgresql-tsvector"}


def _tokens(*texts):
    tokens = []
    for text in texts:
        tokens.extend(text.split())
    return tokens
