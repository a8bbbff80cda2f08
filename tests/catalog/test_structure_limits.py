"""Structures over the size limits are refused where staff enter them (admin, import), before RDKit works."""

from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from rdkit import Chem

from catalog.chemistry import MAX_SMILES_LENGTH
from catalog.models import Compound
from tests.factories import make_compound
from tests.html_forms import form_data

MILNACIPRAN = "CCN(CC)C(=O)[C@@]1(C[C@@H]1CN)C2=CC=CC=C2"
PASTE_26000_ATOMS = "C" * 26_000
PASTE_MESSAGE = "The SMILES is 26,000 characters long; structures are limited to 3,000 characters and 300 atoms."


@pytest.fixture
def parsed(monkeypatch):
    """The length of every SMILES RDKit is asked to parse."""
    lengths = []
    original = Chem.MolFromSmiles

    def recording(smiles, *args, **kwargs):
        lengths.append(len(smiles))
        return original(smiles, *args, **kwargs)

    monkeypatch.setattr(Chem, "MolFromSmiles", recording)
    return lengths


def field_errors(response, field: str) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [li.get_text(strip=True) for li in soup.select(f".field-{field} .errorlist li")]


@pytest.mark.parametrize("field", ["isomeric_smiles", "smiles", "canonical_smiles"])
def test_admin_refuses_a_26000_atom_paste_on_its_field_before_rdkit_parses_it(staff_client, parsed, field):
    compound = make_compound(name="Milnacipran", isomeric_smiles=MILNACIPRAN)
    url = f"/admin/catalog/compound/{compound.pk}/change/"
    data = form_data(staff_client.get(url))
    data[field] = PASTE_26000_ATOMS
    parsed.clear()
    response = staff_client.post(url, data)
    assert (response.status_code, field_errors(response, field)) == (200, [PASTE_MESSAGE])
    assert [length for length in parsed if length > MAX_SMILES_LENGTH] == []


def test_admin_saves_nothing_when_a_structure_is_refused(staff_client):
    compound = make_compound(name="Milnacipran", isomeric_smiles=MILNACIPRAN)
    url = f"/admin/catalog/compound/{compound.pk}/change/"
    data = form_data(staff_client.get(url))
    data.update(name="Renamed", isomeric_smiles="C1" + "C" * 1023 + "1")
    staff_client.post(url, data)
    compound.refresh_from_db()
    assert (compound.name, compound.isomeric_smiles) == ("Milnacipran", MILNACIPRAN)


@pytest.mark.django_db
@pytest.mark.parametrize("smiles", ["C" * 20_000, "C1" + "C" * 1023 + "1"], ids=["chain-20000", "ring-1024"])
def test_import_refuses_an_over_limit_record_and_goes_on_to_the_next(tmp_path, parsed, smiles):
    path = tmp_path / "compounds.csv"
    path.write_text(f"catalog_number,name,smiles\nBIG0001,Huge,{smiles}\nOK00002,Milnacipran,{MILNACIPRAN}\n")
    out = StringIO()
    call_command("import_compounds", str(path), "--commit", "--no-progress", stdout=out, stderr=StringIO())
    assert "record 1 (BIG0001)" in out.getvalue()
    assert list(Compound.objects.values_list("catalog_number", flat=True)) == ["OK00002"]
    assert [length for length in parsed if length > 1000] == []
