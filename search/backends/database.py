from django.db import connection

from .base import SearchBackend


class DatabaseBackend(SearchBackend):
    """Full text in the site's own database: SQLite FTS5, or PostgreSQL tsvector."""

    name = "database"

    def health(self) -> dict:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("SELECT sqlite_compileoption_used('ENABLE_FTS5')")
                if not cursor.fetchone()[0]:
                    raise RuntimeError("this SQLite was built without FTS5")
                return {"engine": "sqlite-fts5"}
            if connection.vendor == "postgresql":
                cursor.execute("SELECT to_tsvector('simple', 'yiwang')")
                cursor.fetchone()
                return {"engine": "postgresql-tsvector"}
        raise RuntimeError(f"no full-text engine for database vendor {connection.vendor}")
