"""generate_catalog: synthetic compounds for load testing, valid, labelled, complete, and removable."""

import itertools
import math
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rdkit import Chem
from rdkit.Chem import Descriptors, rdMolDescriptors

from catalog import synthetic
from catalog.models import (
    DEFAULT_RESEARCH_USE_NOTICE,
    CatalogState,
    Compound,
    Description,
    PharmacokineticParameter,
    RelatedForm,
    Synonym,
    TrialRow,
    TrialTable,
)
from tests.factories import make_compound

pytestmark = pytest.mark.django_db

CI_COUNT = 300


def run(*args, **options) -> str:
    out = StringIO()
    call_command("generate_catalog", *args, "--no-progress", stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


@pytest.fixture
def generated() -> list[Compound]:
    run("--count", str(CI_COUNT), "--commit", "--workers", "1", "--batch-size", "128")
    return list(Compound.objects.filter(is_synthetic=True).order_by("catalog_number"))


def test_dry_run_writes_nothing():
    output = run("--count", "50", "--workers", "1")
    assert "Dry run (nothing written; use --commit): would add 50 synthetic compounds, SYN-000001 to SYN-000050" in (
        output
    )
    assert Compound.objects.count() == 0
    assert CatalogState.current() == 0


def test_compounds_are_labelled_synthetic_with_unique_names(generated):
    assert len(generated) == CI_COUNT
    numbers = [int(c.catalog_number[3:]) for c in generated]
    assert numbers == list(range(1, CI_COUNT + 1))
    for compound, number in zip(generated, numbers, strict=True):
        assert compound.is_synthetic
        assert compound.name == f"SYN-{number:06d}"
        assert compound.slug == f"syn-{number:06d}"
        assert compound.catalog_number == f"SYN{number:06d}"
        assert compound.research_use_notice == DEFAULT_RESEARCH_USE_NOTICE
        assert compound.revision == 1
    for field in ("name", "slug", "catalog_number"):
        assert len({getattr(c, field) for c in generated}) == CI_COUNT


def test_identifiers_are_rdkit_computations_from_the_smiles(generated):
    for compound in generated:
        mol = Chem.MolFromSmiles(compound.isomeric_smiles)
        assert mol is not None, compound.isomeric_smiles
        inchikey = Chem.MolToInchiKey(mol)
        formula = rdMolDescriptors.CalcMolFormula(mol)
        weight = Decimal(str(round(Descriptors.MolWt(mol), 3)))
        assert compound.inchikey == compound.computed_inchikey == inchikey
        assert compound.molecular_formula == compound.computed_formula == formula
        assert compound.molecular_weight == compound.computed_molecular_weight == weight
        assert compound.inchi == compound.computed_inchi == Chem.MolToInchi(mol)
        assert compound.canonical_smiles == compound.isomeric_smiles == Chem.MolToSmiles(mol)
        assert compound.undefined_stereocentres == 0  # no stereocentres to leave undefined
    assert len({c.inchikey for c in generated}) == CI_COUNT  # distinct molecules


def test_structure_fields_are_what_refresh_structure_computes(generated):
    """Everything but the depiction (drawn lazily on first view) and so its hash."""
    for compound in generated[::15]:
        fresh = Compound(name=compound.name, slug=compound.slug, isomeric_smiles=compound.isomeric_smiles)
        fresh.refresh_structure(force=True)
        for field in Compound.STRUCTURE_FIELDS:
            if field in {"structure_hash", "structure_svg"}:
                assert getattr(compound, field) == ""
            else:
                assert getattr(compound, field) == getattr(fresh, field), field


def test_every_compound_has_full_page_content_marked_as_placeholder(generated):
    ids = [c.pk for c in generated]
    assert Synonym.objects.filter(compound_id__in=ids).count() == CI_COUNT
    descriptions = Description.objects.filter(compound_id__in=ids)
    assert descriptions.count() == CI_COUNT
    assert set(descriptions.values_list("text", flat=True)) == {
        "Synthetic test compound generated for load testing; not a real substance."
    }
    parameters = PharmacokineticParameter.objects.filter(compound_id__in=ids)
    assert parameters.count() == 3 * CI_COUNT
    assert all(
        v.startswith("Synthetic placeholder (not real data): ") for v in parameters.values_list("value", flat=True)
    )
    tables = TrialTable.objects.filter(compound_id__in=ids)
    assert tables.count() == CI_COUNT
    assert all("Synthetic placeholder (not real data)" in c for c in tables.values_list("caption", flat=True))
    for table in tables.prefetch_related("rows"):
        rows = list(table.rows.all())
        assert 2 <= len(rows) <= 3
        assert all(row.study.startswith("Synthetic placeholder (not real data)") for row in rows)


def test_bulk_insert_writes_no_history_and_bumps_the_catalog_state(generated):
    assert Compound.history.count() == 0
    assert Synonym.history.count() == 0
    assert CatalogState.current() == 1


def test_compound_page_renders_and_says_synthetic(client, generated):
    compound = generated[41]
    response = client.get(compound.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Synthetic test entry: not a real compound." in html
    assert "Synthetic test compound generated for load testing; not a real substance." in html
    assert "Synthetic placeholder (not real data)" in html
    assert compound.inchikey in html
    # No SVG is stored; the model draws it on first view.
    assert '<svg role="img"' in html


def test_repeated_runs_continue_the_numbering_with_new_structures():
    make_compound(name="Taken", catalog_number="SYN000007")  # a SYN number in use, synthetic or not
    run("--count", "3", "--commit", "--workers", "1")
    run("--count", "2", "--commit", "--workers", "1")
    numbers = sorted(Compound.objects.filter(is_synthetic=True).values_list("catalog_number", flat=True))
    assert numbers == ["SYN000008", "SYN000009", "SYN000010", "SYN000011", "SYN000012"]
    assert Compound.objects.filter(is_synthetic=True).values("inchikey").distinct().count() == 5


def test_two_workers_give_the_same_compounds_as_one():
    run("--count", "40", "--commit", "--workers", "2", "--batch-size", "7")
    compounds = Compound.objects.filter(is_synthetic=True).order_by("catalog_number")
    assert [c.isomeric_smiles for c in compounds] == [synthetic.smiles_for(n) for n in range(1, 41)]
    assert TrialTable.objects.count() == 40


def test_delete_removes_only_synthetic_compounds_and_their_rows():
    real = make_compound(name="Real compound")
    Synonym.objects.create(compound=real, name="kept")
    run("--count", "20", "--commit", "--workers", "1", "--batch-size", "8")
    linked = Compound.objects.get(catalog_number="SYN000003")
    RelatedForm.objects.create(compound=real, related=linked, relation=RelatedForm.Relation.SALT_FORM)
    real.melting_point_form = linked
    real.save()
    real.refresh_from_db()
    history_before = Compound.history.count()
    state_before = CatalogState.current()

    output = run("--delete")
    assert "would remove 20 synthetic compounds" in output
    assert Compound.objects.count() == 21

    output = run("--delete", "--commit", "--batch-size", "6")
    assert "Removed 20 synthetic compounds" in output
    assert list(Compound.objects.all()) == [real]
    assert list(Synonym.objects.values_list("name", flat=True)) == ["kept"]
    for model in (Description, PharmacokineticParameter, TrialTable, TrialRow, RelatedForm):
        assert model.objects.count() == 0, model
    fresh = Compound.objects.get(pk=real.pk)
    assert fresh.melting_point_form is None
    assert fresh.revision > real.revision  # its page showed the synthetic form
    assert Compound.history.count() == history_before  # raw deletes write no history
    assert CatalogState.current() > state_before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--count", "0"], "--count must be at least 1"),
        (["--count", "-5"], "--count must be at least 1"),
        (["--count", "10", "--batch-size", "1000000"], "--batch-size must be from 1 to 10,000"),
        (["--count", "10", "--batch-size", "0"], "--batch-size must be from 1 to 10,000"),
        (["--count", "10", "--workers", "0"], "--workers must be from 1 to"),
        (["--count", "10", "--workers", "999"], "--workers must be from 1 to"),
        (["--count", "10", "--seed", "-1"], "--seed must be zero or positive"),
        (["--count", str(synthetic.CAPACITY + 1)], "room for 2,000,000 more"),
        ([], "Give --count N"),
        (["--count", "5", "--delete"], "not both"),
    ],
)
def test_bad_input_is_a_command_error(args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        run(*args, "--commit")
    assert Compound.objects.count() == 0


def test_scaffolds_and_substituents_never_give_the_same_molecule_twice():
    """Symmetric scaffolds, tautomers or a substituent equal to a fixed group would show up here."""
    risky = [synthetic.SUBSTITUENTS.index(s) for s in ("", "O", "N", "C", "OC", "C(N)=O", "c9ccccc9")]
    keys = set()
    for scaffold in range(len(synthetic.SCAFFOLDS)):
        for combo in itertools.product(risky, repeat=3):
            keys.add(Chem.MolToInchiKey(Chem.MolFromSmiles(synthetic.smiles_from(scaffold, *combo))))
    assert len(keys) == len(synthetic.SCAFFOLDS) * len(risky) ** 3


def test_every_substituent_parses_on_every_scaffold():
    for scaffold, group in itertools.product(range(len(synthetic.SCAFFOLDS)), range(len(synthetic.SUBSTITUENTS))):
        assert Chem.MolFromSmiles(synthetic.smiles_from(scaffold, group, group, group)) is not None


@pytest.mark.parametrize("seed", [0, 1, 7, 123456])
def test_numbers_map_to_combinations_one_to_one(seed):
    a, _ = synthetic._permutation(seed)
    assert math.gcd(a, synthetic.CAPACITY) == 1  # so the affine map is a bijection
    combos = {synthetic.combination(n, seed) for n in range(1, 5001)}
    assert len(combos) == 5000


def test_each_deletion_batch_announces_the_change_once_committed(django_capture_on_commit_callbacks):
    run("--count", "20", "--commit", "--workers", "1")
    with django_capture_on_commit_callbacks() as callbacks:
        run("--delete", "--commit", "--batch-size", "6")
    # Four batches, each announced as it commits (other servers stop serving those pages), then the list.
    assert len(callbacks) == 5
