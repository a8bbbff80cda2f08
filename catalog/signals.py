"""Receivers only: every change to what a page shows reaches catalog.revisions (connected in CatalogConfig.ready)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from .models import Compound, page_children
from .revisions import revisions


def compound_saved(sender, instance: Compound, **kwargs) -> None:
    revisions.compound_saved(instance)


def compound_deleting(sender, instance: Compound, **kwargs) -> None:
    revisions.compound_deleting(instance)


def compound_deleted(sender, instance: Compound, **kwargs) -> None:
    revisions.compound_deleted(instance)


def child_saving(sender, instance, **kwargs) -> None:
    revisions.child_saving(instance)


def child_changed(sender, instance, **kwargs) -> None:
    revisions.child_changed(instance)


def connect() -> None:
    post_save.connect(compound_saved, sender=Compound, dispatch_uid="revision-compound-save")
    pre_delete.connect(compound_deleting, sender=Compound, dispatch_uid="revision-compound-deleting")
    post_delete.connect(compound_deleted, sender=Compound, dispatch_uid="revision-compound-delete")
    for model in page_children():
        pre_save.connect(child_saving, sender=model, dispatch_uid=f"revision-{model.__name__}-saving")
        post_save.connect(child_changed, sender=model, dispatch_uid=f"revision-{model.__name__}-save")
        post_delete.connect(child_changed, sender=model, dispatch_uid=f"revision-{model.__name__}-delete")
