from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        # Imported here, not at the top: they need the models, which are ready only now.
        from django.db.models.signals import post_migrate

        from . import signals
        from .db_indexes import recreate_search_indexes

        signals.connect()  # every change to what a page shows gives it a new revision
        post_migrate.connect(recreate_search_indexes, sender=self)
