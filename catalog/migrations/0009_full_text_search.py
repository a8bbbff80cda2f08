"""Word search over the mechanism, descriptions and sections: expression GIN indexes on PostgreSQL, an
FTS5 table kept by triggers on SQLite (catalog/db_indexes.py)."""

from django.db import migrations

from catalog.db_indexes import drop_full_text, ensure_full_text


def create(apps, schema_editor):
    ensure_full_text(schema_editor.connection)


def drop(apps, schema_editor):
    drop_full_text(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0008_reference_import_reports"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
