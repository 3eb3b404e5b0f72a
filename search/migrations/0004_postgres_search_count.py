# PostgreSQL only (search/backends/postgres_fts.py, ``PostgresEngine.count``): the total of a
# search, counted up to a cap, always from the GIN index. Asked for "the first 10,001 rows
# matching these words and one of these principals", the planner takes the words' frequency for
# the whole answer and reads the table from the start, every row's vector checked (137 ms for
# 食品 许可 珠海 as a supervisor on 200,000 records), where the GIN index finds them in 27–54 ms.
# A function's own settings hold only while it runs: nothing else is planned without them.

from django.db import migrations

FORWARD = """
CREATE FUNCTION search_count(query tsquery, cap integer) RETURNS bigint
LANGUAGE sql STABLE
SET enable_seqscan = off
SET enable_indexscan = off
AS $$ SELECT count(*) FROM (SELECT FROM search_document WHERE tsv @@ query LIMIT cap) AS found $$
"""
BACKWARD = "DROP FUNCTION IF EXISTS search_count(tsquery, integer)"


def _run(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0003_postgres_recency_buckets")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
