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
