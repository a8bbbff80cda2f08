"""MOL and SDF downloads: linked from the page, and they parse back to the same InChIKey."""

import pytest
from bs4 import BeautifulSoup
from rdkit import Chem

from catalog import chemistry
from catalog.chemistry import add_coordinates
from catalog.models import Compound
from tests.factories import make_compound

MILNACIPRAN = "CCN(CC)C(=O)[C@@]1(C[C@@H]1CN)C2=CC=CC=C2"
INCHIKEY = "GJJFMKBJSRMPLA-HIFRSBDPSA-N"


@pytest.fixture
def milnacipran(db):
    return make_compound(
        name="Milnacipran",
        slug="milnacipran",
        catalog_number="VC0006221",
        cas_number="96847-55-1",
        isomeric_smiles=MILNACIPRAN,
        inchikey=INCHIKEY,
    )


def test_mol_download_parses_back_to_the_same_inchikey(client, milnacipran):
    response = client.get("/compounds/milnacipran.mol")
    assert response.status_code == 200
    assert response["Content-Type"] == "chemical/x-mdl-molfile; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="milnacipran.mol"'
    mol = Chem.MolFromMolBlock(response.content.decode())
    assert Chem.MolToInchiKey(mol) == INCHIKEY
    assert mol.GetProp("_Name") == "Milnacipran"


def test_sdf_download_parses_back_with_its_properties(client, milnacipran):
    response = client.get("/compounds/milnacipran.sdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "chemical/x-mdl-sdfile; charset=utf-8"
    supplier = Chem.SDMolSupplier()
    supplier.SetData(response.content.decode())
    mols = list(supplier)
    assert len(mols) == 1
    mol = mols[0]
    assert Chem.MolToInchiKey(mol) == INCHIKEY
    assert mol.GetProp("name") == "Milnacipran"
    assert mol.GetProp("catalog_number") == "VC0006221"
    assert mol.GetProp("cas") == "96847-55-1"
    assert mol.GetProp("molecular_formula") == "C15H22N2O"
    assert mol.GetProp("molecular_weight") == "246.35"
    assert mol.GetProp("inchikey") == INCHIKEY


def test_sdf_of_a_salt_keeps_every_component(client, db):
    make_compound(slug="salt", isomeric_smiles="Cl." + MILNACIPRAN, molecular_formula="C15H23ClN2O")
    mol = Chem.MolFromMolBlock(client.get("/compounds/salt.mol").content.decode())
    assert len(Chem.GetMolFrags(mol)) == 2
    assert Chem.MolToInchiKey(mol) == "XNCDYJFPRPDERF-PBCQUBLHSA-N"


def test_downloads_404_without_structure(client, db):
    make_compound(slug="bare")
    assert client.get("/compounds/bare.mol").status_code == 404
    assert client.get("/compounds/bare.sdf").status_code == 404
    assert client.get("/compounds/missing.sdf").status_code == 404


def test_page_links_to_the_downloads(client, milnacipran):
    soup = BeautifulSoup(client.get("/compounds/milnacipran/").content, "html.parser")
    hrefs = {a["href"] for a in soup.select("figure.structure a")}
    assert {"/compounds/milnacipran.mol", "/compounds/milnacipran.sdf", "/compounds/milnacipran/structure.svg"} <= hrefs


def test_detail_route_still_works_beside_the_downloads(client, milnacipran):
    assert client.get("/compounds/milnacipran/").status_code == 200


def ring(size: int) -> str:
    return "C1" + "C" * (size - 1) + "1"


def test_a_40_membered_ring_downloads_through_rdkits_own_layout(client, db, monkeypatch):
    layouts = []

    def recording(mol):
        layouts.append(add_coordinates(mol))
        return layouts[-1]

    monkeypatch.setattr(chemistry, "add_coordinates", recording)
    make_compound(slug="macrocycle", smiles=ring(40), molecular_formula="C40H80")
    response = client.get("/compounds/macrocycle.mol")
    assert (response.status_code, layouts) == (200, ["rdkit"])
    mol = Chem.MolFromMolBlock(response.content.decode())
    assert [len(r) for r in mol.GetRingInfo().AtomRings()] == [40]


def test_a_structure_saved_before_the_size_limits_is_not_processed(client, db):
    compound = make_compound(slug="huge", smiles="CCO", molecular_formula="C2H6O")
    # Written past save(), as rows imported before the limits existed were.
    Compound.objects.filter(pk=compound.pk).update(smiles=ring(1024))
    statuses = [client.get(f"/compounds/huge{suffix}").status_code for suffix in (".mol", ".sdf", "/structure.svg")]
    assert statuses == [404, 404, 404]


FORGING_NAME = "Evil\n$$$$\nforged"


def sdf_records(text: str) -> list:
    supplier = Chem.SDMolSupplier()
    supplier.SetData(text)
    return list(supplier)


def test_a_name_cannot_forge_a_record_in_the_sdf_download(client, db):
    make_compound(name=FORGING_NAME, slug="forger", isomeric_smiles=MILNACIPRAN)
    records = sdf_records(client.get("/compounds/forger.sdf").content.decode())
    assert [(m.GetProp("_Name"), m.GetProp("name")) for m in records] == [("Evil $$$$ forged", "Evil $$$$ forged")]


def test_a_name_cannot_forge_a_record_in_the_mol_download(client, db):
    make_compound(name=FORGING_NAME, slug="forger", isomeric_smiles=MILNACIPRAN)
    lines = client.get("/compounds/forger.mol").content.decode().splitlines()
    assert lines[0] == "Evil $$$$ forged"
    assert [line for line in lines if line.startswith("$$$$")] == []


def test_a_name_that_is_a_record_separator_stays_one_record(client, db):
    make_compound(name="$$$$", slug="separator", isomeric_smiles=MILNACIPRAN)
    records = sdf_records(client.get("/compounds/separator.sdf").content.decode())
    # Written with a leading space, so no line of the record begins with the separator.
    assert [(m.GetProp("_Name"), m.GetProp("name")) for m in records] == [(" $$$$", " $$$$")]
