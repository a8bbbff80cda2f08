"""MOL and SDF downloads: linked from the page, and they parse back to the same InChIKey."""

import pytest
from bs4 import BeautifulSoup
from rdkit import Chem

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
