# PostgreSQL only (search/backends/postgres_fts.py): the tags — principals and filter values —
# move from their own text-array column into the two vectors, as lexemes with "~" before them,
# so that one GIN scan answers "these words, and one of these principals" starting from the
# rarest list; and the catalogue (priority above 1) gets partial GIN indexes of its own.
# The vectors of the rows already indexed are rewritten here, one UPDATE over the table (about
# a minute per million rows and index); nothing needs rebuilding. SQLite needs nothing: FTS5
# holds the tags in a column of its own and streams every match in row-id order.

from django.db import migrations

_TAG = "left(lexeme, 1) = '~'"
_LEXEMES = "array_to_tsvector(array(SELECT '~' || tag FROM unnest(tags) AS tag))"

FORWARD = [
    "DROP INDEX IF EXISTS search_document_tags",
    "DROP INDEX IF EXISTS search_document_tsv",
    "DROP INDEX IF EXISTS search_document_tsv_title",
    f"UPDATE search_document SET tsv = coalesce(tsv, ''::tsvector) || {_LEXEMES}, "
    f"tsv_title = coalesce(tsv_title, ''::tsvector) || {_LEXEMES}",
    "ALTER TABLE search_document DROP COLUMN tags",
    "CREATE INDEX search_document_tsv ON search_document USING gin (tsv)",
    "CREATE INDEX search_document_tsv_title ON search_document USING gin (tsv_title)",
    # The predicate reads exactly as postgres_fts.CATALOGUE, or the planner will not use them.
    "CREATE INDEX search_document_catalogue_tsv ON search_document USING gin (tsv) WHERE priority > 1",
    "CREATE INDEX search_document_catalogue_tsv_title ON search_document USING gin (tsv_title) WHERE priority > 1",
    "ANALYZE search_document",
]
BACKWARD = [
    "DROP INDEX IF EXISTS search_document_catalogue_tsv_title",
    "DROP INDEX IF EXISTS search_document_catalogue_tsv",
    "ALTER TABLE search_document ADD COLUMN tags text[] NOT NULL DEFAULT '{}'",
    f"UPDATE search_document SET tags = array(SELECT substr(lexeme, 2) FROM unnest(tsv) WHERE {_TAG}), "
    f"tsv = ts_delete(tsv, array(SELECT lexeme FROM unnest(tsv) WHERE {_TAG})), "
    f"tsv_title = ts_delete(tsv_title, array(SELECT lexeme FROM unnest(tsv_title) WHERE {_TAG}))",
    "DROP INDEX IF EXISTS search_document_tsv",
    "DROP INDEX IF EXISTS search_document_tsv_title",
    "CREATE INDEX search_document_tsv ON search_document USING gin (tsv)",
    "CREATE INDEX search_document_tsv_title ON search_document USING gin (tsv_title)",
    "CREATE INDEX search_document_tags ON search_document USING gin (tags)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
