"""Storage: the SQLite database of traces, the review queue and the audit log, and its migrations."""

from workflows.storage.database import close_database, open_database, transaction, utc_iso
from workflows.storage.migrations import applied_migrations, migrate, migration

__all__ = ["applied_migrations", "close_database", "migrate", "migration", "open_database",
           "transaction", "utc_iso"]
