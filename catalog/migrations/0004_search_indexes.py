"""Indexes for the list order and for search.

Portable ones are model indexes. The search ones depend on the database, so they are raw SQL run
only on their own backend: PostgreSQL gets trigram (pg_trgm) GIN indexes on UPPER(name) for the
case-insensitive "contains" search (Django's icontains compares UPPER(col) LIKE UPPER(%s)) and
expression indexes for the case-insensitive exact lookups; SQLite gets NOCASE indexes, which its LIKE
optimisation uses for prefix and case-insensitive exact lookups (it has no index for "contains").
"""

from django.db import migrations, models

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


def create(apps, schema_editor):
    statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    for name in INDEX_NAMES.get(schema_editor.connection.vendor, []):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_revisions"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="compound",
            index=models.Index(fields=["name", "id"], name="compound_name_id"),
        ),
        migrations.AddIndex(
            model_name="compound",
            index=models.Index(fields=["is_synthetic", "name", "id"], name="compound_synthetic_name_id"),
        ),
        migrations.RunPython(create, drop, elidable=False),
    ]
