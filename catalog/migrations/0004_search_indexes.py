"""Indexes for the list order (model indexes) and for search (per database: catalog/db_indexes.py)."""

from django.db import migrations, models

from catalog.db_indexes import drop_search_indexes, ensure_search_indexes



def create(apps, schema_editor):
    ensure_search_indexes(schema_editor.connection)


def drop(apps, schema_editor):
    drop_search_indexes(schema_editor.connection)


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
