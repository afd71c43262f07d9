"""The reference rows the data migrations create, for tests: which tables hold them, and the migrations' own code to
create them again once a test has emptied the database (``manage.py flush`` in tests/deploy/test_topology.py)."""

from __future__ import annotations

from types import SimpleNamespace

from django.db import connection
from django.db.migrations.loader import MigrationLoader

#: The migrations that create reference data; each has one RunPython operation.
REFERENCE_MIGRATIONS = (("inspections", "0003_reference_data"), ("responses", "0005_checklist_steps"))

#: The tables they fill, children first (a body protects its force).
REFERENCE_TABLES = (
    "responses_checkliststep",
    "inspections_localpolicingbody",
    "inspections_force",
    "inspections_publicationtype",
)


def run_reference_migrations() -> None:
    """Run the forward code of the reference-data migrations again, with the models as each migration sees them."""
    loader = MigrationLoader(connection)
    for node in REFERENCE_MIGRATIONS:
        (operation,) = loader.get_migration(*node).operations
        operation.code(loader.project_state(node).apps, SimpleNamespace(connection=connection))


def clear_reference_tables() -> None:
    """Empty them with plain SQL, so that no audit entry is written."""
    with connection.cursor() as cursor:
        for table in REFERENCE_TABLES:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608 (names from the tuple above)
