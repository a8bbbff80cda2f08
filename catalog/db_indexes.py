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


# Word search (catalog/full_text.py) over the mechanism, descriptions and sections. PostgreSQL indexes
# the very expression the query computes (Django's SearchVector with the "english" configuration),
# so the index is always in step with the rows and there is nothing to update. SQLite has no expression
# index for words: an FTS5 table holds a copy of the texts, kept in step by triggers on the three
# tables. Its rowid says which row a text is a copy of: id * 4 + the kind (1 mechanism, 2 description,
# 3 section), so a trigger replaces exactly that copy.
FULL_TEXT_CONFIG = "english"
FULL_TEXT_POSTGRESQL = [
    "CREATE INDEX IF NOT EXISTS compound_mechanism_fts ON catalog_compound"
    " USING gin (to_tsvector('english'::regconfig, COALESCE(mechanism_of_action, '')))",
    "CREATE INDEX IF NOT EXISTS description_text_fts ON catalog_description"
    " USING gin (to_tsvector('english'::regconfig, COALESCE(text, '')))",
    "CREATE INDEX IF NOT EXISTS section_text_fts ON catalog_section"
    " USING gin (to_tsvector('english'::regconfig, COALESCE(title, '') || ' ' || COALESCE(body, '')))",
]
FULL_TEXT_TABLE = "catalog_fulltext"
# (kind, table, text expression, compound id column, condition that the row has text)
FULL_TEXT_SOURCES = [
    (1, "catalog_compound", "{row}.mechanism_of_action", "{row}.id", "{row}.mechanism_of_action != ''"),
    (2, "catalog_description", "{row}.text", "{row}.compound_id", "1"),
    (3, "catalog_section", "{row}.title || ' ' || {row}.body", "{row}.compound_id", "1"),
]


def _copy(kind: int, expression: str, compound: str, condition: str, row: str, source: str = "") -> str:
    """INSERT of the copy of ``row``'s text: the trigger's NEW row, or every row of ``source``."""
    values = ", ".join(part.format(row=row) for part in (f"{{row}}.id * 4 + {kind}", expression, compound))
    return (
        f"INSERT INTO {FULL_TEXT_TABLE}(rowid, body, compound_id)"
        f" SELECT {values} {source} WHERE {condition.format(row=row)}"
    )


def _full_text_triggers() -> list[str]:
    statements = []
    for kind, table, expression, compound, condition in FULL_TEXT_SOURCES:
        copy = _copy(kind, expression, compound, condition, "new")
        forget = f"DELETE FROM {FULL_TEXT_TABLE} WHERE rowid = old.id * 4 + {kind}"
        statements += [
            f"CREATE TRIGGER IF NOT EXISTS {table}_fts_insert AFTER INSERT ON {table} BEGIN {copy}; END",
            f"CREATE TRIGGER IF NOT EXISTS {table}_fts_update AFTER UPDATE ON {table} BEGIN {forget}; {copy}; END",
            f"CREATE TRIGGER IF NOT EXISTS {table}_fts_delete AFTER DELETE ON {table} BEGIN {forget}; END",
        ]
    return statements


def _full_text_rows_expected(cursor) -> int:
    total = 0
    for _, table, _, _, condition in FULL_TEXT_SOURCES:
        cursor.execute(f"SELECT COUNT(*) FROM {table} AS row WHERE {condition.format(row='row')}")
        total += cursor.fetchone()[0]
    return total


def ensure_full_text(connection) -> None:
    """The word-search index of this database, created if missing; on SQLite refilled if it lost count.

    A migration that rebuilds one of the tables (SQLite does that for many schema changes) drops its
    triggers, and rows written meanwhile would be missed: this runs after every ``migrate`` too.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for statement in FULL_TEXT_POSTGRESQL:
                cursor.execute(statement)
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {FULL_TEXT_TABLE}"
                " USING fts5(body, compound_id UNINDEXED, tokenize = 'porter unicode61')"
            )
            for statement in _full_text_triggers():
                cursor.execute(statement)
            cursor.execute(f"SELECT COUNT(*) FROM {FULL_TEXT_TABLE}")
            if cursor.fetchone()[0] != _full_text_rows_expected(cursor):
                rebuild_full_text(cursor)


def rebuild_full_text(cursor) -> None:
    """Refill SQLite's word-search table from the rows it copies."""
    cursor.execute(f"DELETE FROM {FULL_TEXT_TABLE}")
    for kind, table, expression, compound, condition in FULL_TEXT_SOURCES:
        cursor.execute(_copy(kind, expression, compound, condition, "row", source=f"FROM {table} AS row"))


def drop_full_text(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for name in ("compound_mechanism_fts", "description_text_fts", "section_text_fts"):
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
        elif connection.vendor == "sqlite":
            for _, table, *_ in FULL_TEXT_SOURCES:
                for event in ("insert", "update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{event}")
            cursor.execute(f"DROP TABLE IF EXISTS {FULL_TEXT_TABLE}")


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
    if full_text_installed(connections[using]):
        ensure_full_text(connections[using])


def full_text_installed(connection) -> bool:
    """Whether migration 0009 has run (before it, or after it is unapplied, nothing is recreated)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [FULL_TEXT_TABLE])
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", ["description_text_fts"])
        else:
            return False
        return cursor.fetchone() is not None
