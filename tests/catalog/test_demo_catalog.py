"""The demo catalog loader: idempotent, seed values kept, other compounds' identifiers computed by RDKit."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from catalog.chemistry import identifiers_from_smiles
from catalog.models import Compound, RelatedForm, TrialRow


def test_loads_milnacipran_with_the_seeds_numbers(demo_catalog):
    milnacipran = Compound.objects.get(catalog_number="VC0006221")
    assert (milnacipran.molecular_weight, milnacipran.melting_point_celsius, milnacipran.cas_number) == (
        Decimal("246.35"),
        Decimal("179"),
        "96847-55-1",
    )


def test_trial_numbers_are_stored_as_numbers(demo_catalog):
    rows = TrialRow.objects.filter(table__compound__slug="milnacipran").order_by("position")
    assert [(r.dose_mg_per_day, r.responders_percent, r.p_value_relation, r.p_value) for r in rows] == [
        (Decimal("100"), Decimal("37"), "<", Decimal("0.001")),
        (Decimal("100"), Decimal("25.4"), "=", Decimal("0.01")),
        (Decimal("200"), Decimal("26.9"), "=", Decimal("0.02")),
    ]


def test_loading_twice_changes_nothing(demo_catalog):
    before = (Compound.objects.count(), RelatedForm.objects.count(), TrialRow.objects.count())
    call_command("load_demo_catalog", verbosity=0)
    assert (Compound.objects.count(), RelatedForm.objects.count(), TrialRow.objects.count()) == before


def test_has_at_least_ten_real_compounds(demo_catalog):
    assert Compound.objects.filter(is_synthetic=False).count() >= 10


@pytest.mark.parametrize("catalog_number", [f"CC00000{n:02d}" for n in range(1, 11)])
def test_structure_values_are_computed_from_smiles(demo_catalog, demo_entries, catalog_number):
    compound = Compound.objects.get(catalog_number=catalog_number)
    computed = identifiers_from_smiles(demo_entries[catalog_number]["isomeric_smiles"])
    assert (compound.molecular_formula, compound.molecular_weight, compound.inchikey, compound.inchi) == (
        computed.molecular_formula,
        computed.molecular_weight,
        computed.inchikey,
        computed.inchi,
    )


def test_fixture_types_no_structure_values_for_computed_compounds(demo_entries):
    typed = {
        number: sorted({"molecular_formula", "molecular_weight", "inchi", "inchikey"} & entry.keys())
        for number, entry in demo_entries.items()
        if entry.get("structure_derived_from_smiles")
    }
    assert all(fields == [] for fields in typed.values())


def test_milnacipran_hydrochloride_is_its_own_compound_linked_as_salt_form(demo_catalog):
    link = RelatedForm.objects.get(compound__slug="milnacipran", relation="salt_form")
    assert (link.related.slug, link.related.molecular_formula) == ("milnacipran-hydrochloride", "C15H23ClN2O")


def test_milnacipran_melting_point_is_marked_as_the_hydrochlorides(demo_catalog):
    milnacipran = Compound.objects.get(slug="milnacipran")
    assert (milnacipran.melting_point_celsius, milnacipran.melting_point_form.slug) == (
        Decimal("179"),
        "milnacipran-hydrochloride",
    )


def test_milnacipran_page_says_whose_melting_point_it_is(client, demo_catalog):
    text = " ".join(client.get("/compounds/milnacipran/").content.decode().split())
    assert '179 °C</span> <span class="muted">(reported for <a href="/compounds/milnacipran-hydrochloride/">' in text
