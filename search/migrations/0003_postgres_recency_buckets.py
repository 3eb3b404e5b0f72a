# PostgreSQL only (search/backends/postgres_fts.py): beside the words and the tags, each vector
# holds the row's recency bucket, "~b<priority>_<id >> 10>" (postgres_fts.bucket): 1,024 ids of
# one priority per bucket. A GIN scan asked for "these words in these buckets" fetches from the
# table only the matches of those buckets — the newest — instead of every match of the words,
# which it then had to sort (25 µs a row when the table is larger than shared_buffers).
# The rows already indexed are rewritten here, one UPDATE over the table (about a minute per
# million rows); nothing needs rebuilding. SQLite needs nothing: FTS5 streams its matches in
# row-id order by itself.

from django.db import migrations

_BUCKET = "array_to_tsvector(ARRAY['~b' || priority || '_' || (id >> 10)])"
_IS_BUCKET = "left(lexeme, 2) = '~b'"

FORWARD = [
    f"UPDATE search_document SET tsv = coalesce(tsv, ''::tsvector) || {_BUCKET}, "
    f"tsv_title = coalesce(tsv_title, ''::tsvector) || {_BUCKET}",
    "ANALYZE search_document",
]
BACKWARD = [
    f"UPDATE search_document SET tsv = ts_delete(tsv, array(SELECT lexeme FROM unnest(tsv) WHERE {_IS_BUCKET})), "
    f"tsv_title = ts_delete(tsv_title, array(SELECT lexeme FROM unnest(tsv_title) WHERE {_IS_BUCKET}))",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_postgres_tag_lexemes")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
