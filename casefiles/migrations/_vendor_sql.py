"""SQL a migration runs only on some databases: triggers and their functions, which SQLite and
PostgreSQL write differently. (A module starting with "_" is no migration of its own.)"""

from django.db import migrations


def run_sql_per_vendor(forward: dict[str, list[str]], backward: dict[str, list[str]]) -> migrations.RunPython:
    """A RunPython that executes ``forward[vendor]`` in order (``backward[vendor]`` when
    unapplied); a vendor not named runs nothing."""

    def runner(statements):
        def run(apps, schema_editor):
            for statement in statements.get(schema_editor.connection.vendor, ()):
                schema_editor.execute(statement)

        return run

    return migrations.RunPython(runner(forward), runner(backward))


def append_only(table: str, journal: str) -> migrations.RunPython:
    """The database refuses UPDATE and DELETE on ``table``, a journal's events, saying "the
    ``journal`` is append-only" — the triggers of the journals added after 0015."""
    message = f"the {journal} is append-only"
    return run_sql_per_vendor(
        {
            "sqlite": [
                f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
       BEGIN SELECT RAISE(ABORT, '{message}'); END;""",
                f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
       BEGIN SELECT RAISE(ABORT, '{message}'); END;""",
            ],
            "postgresql": [f"""
CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION '{message}'; END; $$ LANGUAGE plpgsql;
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION {table}_append_only();
"""],
        },
        {
            "sqlite": [f"DROP TRIGGER IF EXISTS {table}_no_update;", f"DROP TRIGGER IF EXISTS {table}_no_delete;"],
            "postgresql": [f"""
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
DROP FUNCTION IF EXISTS {table}_append_only();
"""],
        },
    )
