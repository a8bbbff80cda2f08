"""Keep every compound's ``revision`` honest: anything its page shows bumps it when it changes.

The revision is the compound page's cache key and the admin's edit-conflict token, so it lives in
the database (the one thing all app servers share), not in a per-process cache.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, Q
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.utils import timezone

from .models import (
    CatalogState,
    Compound,
    Description,
    PharmacokineticParameter,
    Reference,
    RelatedForm,
    Section,
    Synonym,
    TrialRow,
    TrialTable,
)
from .page_freshness import catalog_changed

CHILD_MODELS = (Synonym, Description, PharmacokineticParameter, TrialTable, Section, Reference)


def bump_revisions(compound_ids: Iterable[int]) -> None:
    """A new revision for these compounds (their cached pages are then never served again)."""
    ids = {pk for pk in compound_ids if pk is not None}
    if ids:
        Compound.objects.filter(pk__in=ids).update(revision=F("revision") + 1, updated_at=timezone.now())
        catalog_changed()


def linked_compound_ids(compound_id: int) -> set[int]:
    """Compounds whose pages show this one: its related forms (both ways) and forms it lends data to."""
    links = RelatedForm.objects.filter(Q(compound_id=compound_id) | Q(related_id=compound_id))
    ids = {pk for pair in links.values_list("compound_id", "related_id") for pk in pair}
    ids |= set(Compound.objects.filter(melting_point_form_id=compound_id).values_list("pk", flat=True))
    ids.discard(compound_id)
    return ids


@receiver(post_save, sender=Compound)
@receiver(post_delete, sender=Compound)
def compound_changed(sender, instance: Compound, **kwargs) -> None:
    CatalogState.bump()
    if kwargs.get("signal") is post_delete:
        return  # links to it are deleted with it, and each deletion bumps the other side
    # Its own revision went up in Compound.save(); the pages that show it need a new one too.
    bump_revisions(linked_compound_ids(instance.pk))


@receiver(pre_delete, sender=Compound)
def compound_deleting(sender, instance: Compound, **kwargs) -> None:
    # Before the delete: afterwards the compounds that borrowed its melting point no longer point to it
    # (SET_NULL is a plain UPDATE that sends no signal), yet their cached pages still link to it.
    bump_revisions(linked_compound_ids(instance.pk))


def child_changed(sender, instance, **kwargs) -> None:
    bump_revisions([instance.compound_id])


for model in CHILD_MODELS:
    post_save.connect(child_changed, sender=model, dispatch_uid=f"revision-{model.__name__}-save")
    post_delete.connect(child_changed, sender=model, dispatch_uid=f"revision-{model.__name__}-delete")


@receiver(post_save, sender=RelatedForm)
@receiver(post_delete, sender=RelatedForm)
def related_form_changed(sender, instance: RelatedForm, **kwargs) -> None:
    bump_revisions([instance.compound_id, instance.related_id])


@receiver(post_save, sender=TrialRow)
@receiver(post_delete, sender=TrialRow)
def trial_row_changed(sender, instance: TrialRow, **kwargs) -> None:
    bump_revisions(TrialTable.objects.filter(pk=instance.table_id).values_list("compound_id", flat=True))
