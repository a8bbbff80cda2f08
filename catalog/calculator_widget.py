"""The catalog's side of the calculator widget's interface (calculator/widget.py, calculator/README.md).

The widget is told about a compound through a small ``WidgetSubject``: its slug, name and MW, its
measured aqueous solubility if it has one, and the slugs, names and MWs of its salt forms and of the
compounds it is a salt form of. The compound page
builds it from the compound it has loaded (``subject_for_page``); the widget's own htmx endpoint asks
``widget_subject(slug)``, which the ``CALCULATOR_WIDGET_SUBJECT`` setting names. That one reads only
those columns and caches only the subject, keyed by the compound's current revision, so an edit shows
at once and a calculation after the first costs one indexed revision lookup.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q

from calculator.widget import AqueousSolubility, RelatedCompound, WidgetSubject

from .models import Compound, RelatedForm, SolubilityBasis
from .page_cache import release
from .relations import Relation
from .revisions import revisions

SALT_FORM = Relation.SALT_FORM
COLUMNS = ("slug", "name", "molecular_weight")
SUBJECT_COLUMNS = (*COLUMNS, "solubility_log_s", "solubility_basis")
SOLUBILITY_SOURCE = "Huuskonen 2000"


def subject_for_page(compound: Compound) -> WidgetSubject:
    """The subject of a compound loaded for its page (its links are prefetched, so this costs no query)."""
    return _subject(compound, compound.related_forms.all(), compound.related_to.all())


def widget_subject(slug: str) -> WidgetSubject | None:
    """The subject of the compound with this slug, from the cache while its revision stands; None if none."""
    state = revisions.compound(slug)
    if state is None:
        return None
    pk, number = state.pk, state.revision
    # The release is in the key because the cached object's shape is code: a deploy must not unpickle an old one.
    key = f"widget-subject:{release()}:{pk}:{number}"
    subject = cache.get(key)
    if subject is None:
        subject = _read_subject(pk)
        if subject is not None and settings.CATALOG_PAGE_CACHE_SECONDS:
            cache.set(key, subject, settings.CATALOG_PAGE_CACHE_SECONDS)
    return subject


def _read_subject(pk: int) -> WidgetSubject | None:
    """Two queries: the compound's columns, then its salt-form links in both directions with theirs."""
    compound = Compound.objects.only(*SUBJECT_COLUMNS).filter(pk=pk).first()
    if compound is None:  # deleted since its revision was read
        return None
    linked_columns = [f"{side}__{column}" for side in ("compound", "related") for column in COLUMNS]
    links = list(
        RelatedForm.objects.filter(Q(compound=pk) | Q(related=pk), relation=SALT_FORM)
        .select_related("compound", "related")
        .only("compound", "related", "relation", *linked_columns)
    )
    salts = [link for link in links if link.compound_id == pk]
    bases = [link for link in links if link.related_id == pk]
    return _subject(compound, salts, bases)


def _subject(compound: Compound, links_from: Iterable[RelatedForm], links_to: Iterable[RelatedForm]) -> WidgetSubject:
    """``links_from``: the compound's own links (to its salts); ``links_to``: those pointing at it (from its bases)."""
    return WidgetSubject(
        slug=compound.slug,
        name=compound.name,
        mw=compound.molecular_weight,
        page_url=compound.get_absolute_url(),
        salt_forms=tuple(_related(link.related) for link in links_from if link.relation == SALT_FORM),
        free_bases=tuple(_related(link.compound) for link in links_to if link.relation == SALT_FORM),
        solubility=_solubility(compound),
    )


def _solubility(compound: Compound) -> AqueousSolubility | None:
    """The measured aqueous solubility, saying whose it is (a salt's may be its parent's); None if unmeasured."""
    molar = compound.aqueous_solubility_molar
    if molar is None:
        return None
    of = compound.name
    if compound.solubility_basis == SolubilityBasis.PARENT:
        of = f"the parent (free base or acid) of {compound.name}"
    return AqueousSolubility(molar=molar, of=of, source=SOLUBILITY_SOURCE)


def _related(compound: Compound) -> RelatedCompound:
    return RelatedCompound(slug=compound.slug, name=compound.name, mw=compound.molecular_weight)
