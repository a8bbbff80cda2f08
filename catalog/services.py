"""Writes that are more than a model's save: each keeps revisions honest itself (no signals are sent)."""

from __future__ import annotations

from django.db import connection

from .models import Compound, page_children
from .naming import inchis_from_names
from .revisions import revisions


def read_iupac_names(compounds: list[Compound]) -> list[Compound]:
    """Read each compound's IUPAC name with OPSIN (one JVM for all) where it changed; save those fields.

    Returns the compounds it updated. Raises naming.NameReaderUnavailable without Java or the jar.
    """
    stale = [c for c in compounds if c.iupac_name and c.iupac_name != c.name_inchi_of]
    for compound, inchi in zip(stale, inchis_from_names([c.iupac_name for c in stale]), strict=True):
        compound.name_inchi, compound.name_inchi_of = inchi, compound.iupac_name
        # A plain UPDATE: bookkeeping, not an edit (no history row, no new revision of its own).
        Compound.objects.filter(pk=compound.pk).update(name_inchi=inchi, name_inchi_of=compound.iupac_name)
    revisions.bump(c.pk for c in stale)  # the page shows the stereo check
    return stale


def delete_compounds_plainly(ids: list[int]) -> int:
    """Plain DELETEs of these compounds and every row their pages show, rows first; how many compounds went.

    For removing synthetic catalogs in bulk: ``QuerySet.delete()`` would load every row to send its
    signals and write a history row for each, ten million of them for a million compounds. So no
    history is written and no signal sent; the caller bumps what must be bumped (``revisions``) and
    runs this in a transaction. The tables come from ``page_children()``: a new child table is deleted
    too without touching this.
    """
    if not ids:
        return 0
    listed = ", ".join(str(int(pk)) for pk in ids)  # row ids from the database, written as numbers
    with connection.cursor() as cursor:
        for model in reversed(page_children()):  # rows before the tables they belong to
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE {_belongs_to(model, listed)}")
        cursor.execute(f"DELETE FROM {Compound._meta.db_table} WHERE id IN ({listed})")
        return cursor.rowcount


def _belongs_to(model, listed: str) -> str:
    """SQL condition: the row belongs to one of the listed compounds (directly, or through its owner)."""
    direct = [f.column for f in model._meta.concrete_fields if f.is_relation and f.related_model is Compound]
    if direct:  # a related form belongs to both compounds it links
        return " OR ".join(f"{column} IN ({listed})" for column in direct)
    owner, column = model.owner_model(), model._meta.get_field(model.owner).column
    return f"{column} IN (SELECT id FROM {owner._meta.db_table} WHERE {_belongs_to(owner, listed)})"
