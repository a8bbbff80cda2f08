from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import signals  # noqa: F401 (connects the receivers that keep revisions honest)

        post_migrate.connect(recreate_search_indexes, sender=self)


def recreate_search_indexes(sender, using: str, **kwargs) -> None:
    """After every migrate: a table rebuild (SQLite) drops the raw-SQL search indexes Django does not know."""
    from django.db import connections

    from .db_indexes import ensure_search_indexes

    ensure_search_indexes(connections[using])
