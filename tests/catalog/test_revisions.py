"""Every change to what a compound page shows gives the compound a new revision (its cache key)."""

import pytest

from catalog.models import CatalogState, Compound, RelatedForm, Synonym, TrialRow, TrialTable
from tests.factories import make_compound


def revision_of(compound: Compound) -> int:
    return Compound.objects.values_list("revision", flat=True).get(pk=compound.pk)


@pytest.fixture
def compound(db):
    return make_compound()


def test_a_new_compound_starts_at_revision_one(compound):
    assert revision_of(compound) == 1


def test_saving_the_compound_gives_a_new_revision(compound):
    compound.name = "Renamed"
    compound.save()
    assert (compound.revision, revision_of(compound)) == (2, 2)


def test_saving_a_stale_copy_never_goes_back(compound):
    stale = Compound.objects.get(pk=compound.pk)
    compound.save()
    compound.save()
    stale.save()
    assert revision_of(compound) == 4


def test_adding_a_synonym_gives_a_new_revision(compound):
    Synonym.objects.create(compound=compound, name="Alias")
    assert revision_of(compound) == 2


def test_deleting_a_synonym_gives_a_new_revision(compound):
    synonym = Synonym.objects.create(compound=compound, name="Alias")
    synonym.delete()
    assert revision_of(compound) == 3


def test_editing_a_trial_row_gives_the_compound_a_new_revision(compound):
    table = TrialTable.objects.create(compound=compound, heading="Trials", caption="Table 1")
    row = TrialRow.objects.create(
        table=table, study="Phase II", dose_mg_per_day=100, responders_percent=37, placebo_percent=5, p_value=0.001
    )
    before = revision_of(compound)
    row.responders_percent = 38
    row.save()
    assert revision_of(compound) == before + 1


def test_linking_a_salt_form_gives_both_compounds_a_new_revision(compound):
    salt = make_compound(name="Salt")
    RelatedForm.objects.create(compound=compound, related=salt, relation="salt_form")
    assert (revision_of(compound), revision_of(salt)) == (2, 2)


def test_renaming_the_salt_gives_the_free_base_a_new_revision(compound):
    salt = make_compound(name="Salt")
    RelatedForm.objects.create(compound=compound, related=salt, relation="salt_form")
    salt.name = "Salt, renamed"
    salt.save()
    assert revision_of(compound) == 3


def test_any_compound_change_bumps_the_catalog_state(compound):
    before = CatalogState.current()
    compound.save()
    Compound.objects.get(pk=compound.pk).delete()
    assert CatalogState.current() == before + 2


def test_deleting_a_compound_gives_the_one_that_borrowed_its_melting_point_a_new_revision(compound):
    salt = make_compound(name="Salt")
    compound.melting_point_form = salt
    compound.save()
    before = revision_of(compound)
    salt.delete()
    assert revision_of(compound) == before + 1
