"""Search indexes that differ per database, created with raw SQL.

PostgreSQL gets trigram (pg_trgm) GIN indexes on UPPER(name) for the case-insensitive "contains" search
(Django's icontains compares UPPER(col) LIKE UPPER(%s)) and expression indexes for the case-insensitive
exact lookups; SQLite gets NOCASE indexes, which its LIKE optimisation uses for prefix and
case-insensitive exact lookups (it has no index for "contains").

Django does not know these indexes, so a migration that rebuilds a table (SQLite does that for many
schema changes) drops them; ``ensure_search_indexes`` therefore runs after every ``migrate``
(catalog/apps.py) as well as in migration 0004. Every statement is idempotent.
"""

from django.db import connections

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS compound_name_upper_trgm ON catalog_compound USING gin (UPPER(name) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS synonym_name_upper_trgm ON catalog_synonym USING gin (UPPER(name) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS compound_name_upper_prefix ON catalog_compound (UPPER(name) varchar_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS synonym_name_upper_prefix ON catalog_synonym (UPPER(name) varchar_pattern_ops)",
    "CREATE INDEX IF NOT EXISTS compound_catalog_number_upper ON catalog_compound (UPPER(catalog_number))",
    "CREATE INDEX IF NOT EXISTS compound_formula_upper ON catalog_compound (UPPER(molecular_formula))",
    "CREATE INDEX IF NOT EXISTS compound_inchikey_prefix ON catalog_compound (inchikey varchar_pattern_ops)",
]
SQLITE = [
    "CREATE INDEX IF NOT EXISTS compound_name_nocase ON catalog_compound (name COLLATE NOCASE)",
    "CREATE INDEX IF NOT EXISTS synonym_name_nocase ON catalog_synonym (name COLLATE NOCASE)",
    "CREATE INDEX IF NOT EXISTS compound_catalog_number_nocase ON catalog_compound (catalog_number COLLATE NOCASE)",
    "CREATE INDEX IF NOT EXISTS compound_formula_nocase ON catalog_compound (molecular_formula COLLATE NOCASE)",
]
INDEX_NAMES = {
    "postgresql": [
        "compound_name_upper_trgm",
        "synonym_name_upper_trgm",
        "compound_name_upper_prefix",
        "synonym_name_upper_prefix",
        "compound_catalog_number_upper",
        "compound_formula_upper",
        "compound_inchikey_prefix",
    ],
    "sqlite": [
        "compound_name_nocase",
        "synonym_name_nocase",
        "compound_catalog_number_nocase",
        "compound_formula_nocase",
    ],
}


def ensure_search_indexes(connection) -> None:
    statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def drop_search_indexes(connection) -> None:
    with connection.cursor() as cursor:
        for name in INDEX_NAMES.get(connection.vendor, []):
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


def recreate_search_indexes(sender, using: str, **kwargs) -> None:
    """post_migrate receiver: a table rebuild (SQLite) drops the raw-SQL indexes Django does not know."""
    ensure_search_indexes(connections[using])
