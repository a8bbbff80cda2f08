"""The structure drawing: well-formed, accessible SVG, stored on save and served without redrawing."""

import re
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from rdkit.Chem import rdDepictor

import catalog.models
from catalog.depiction import draw_svg
from tests.factories import make_compound

SVG = "{http://www.w3.org/2000/svg}"
MILNACIPRAN = "CCN(CC)C(=O)[C@@]1(C[C@@H]1CN)C2=CC=CC=C2"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_the_drawing_does_not_depend_on_the_process_wide_coordgen_preference():
    # CoordGen lays milnacipran out differently, and would take minutes on a 40-membered ring.
    before = rdDepictor.GetPreferCoordGen()
    drawings = []
    try:
        for preference in (False, True):
            rdDepictor.SetPreferCoordGen(preference)
            drawings.append(draw_svg(MILNACIPRAN, title="Milnacipran", description="d", id_prefix="s"))
    finally:
        rdDepictor.SetPreferCoordGen(before)
    assert drawings[0] == drawings[1]


def test_svg_is_well_formed_xml_with_svg_root():
    root = parse(draw_svg(MILNACIPRAN, title="Structure of X", description="d", id_prefix="s"))
    assert root.tag == f"{SVG}svg"


def test_svg_has_role_img_and_is_labelled_by_its_title_and_desc():
    root = parse(draw_svg(MILNACIPRAN, title="Structure of X", description="2D structure", id_prefix="s"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "s-title s-desc"
    assert root[0].tag == f"{SVG}title" and root[0].get("id") == "s-title" and root[0].text == "Structure of X"
    assert root[1].tag == f"{SVG}desc" and root[1].get("id") == "s-desc" and root[1].text == "2D structure"


def test_svg_has_no_style_attributes_or_background_rect():
    svg = draw_svg(MILNACIPRAN, title="t", description="d", id_prefix="s")
    root = parse(svg)
    assert [el for el in root.iter() if "style" in el.attrib] == []
    assert root.findall(f".//{SVG}rect") == []
    assert "<?xml" not in svg
    assert "xmlns:rdkit" not in svg  # the HTML validator refuses it on inline SVG


def test_title_is_escaped():
    root = parse(draw_svg("CCO", title="A <b>&</b>", description="d", id_prefix="s"))
    assert root[0].text == "A <b>&</b>"


def test_salt_form_draws_every_component():
    svg = draw_svg("Cl.CCN", title="t", description="d", id_prefix="s")
    # RDKit classes each atom's drawing "atom-N": the chloride (atom 0) is drawn too.
    assert "atom-0" in svg and "atom-3" in svg


@pytest.mark.django_db
def test_compound_stores_its_depiction_naming_compound_and_formula():
    compound = make_compound(name="Milnacipran", slug="milnacipran", isomeric_smiles=MILNACIPRAN)
    root = parse(compound.structure_svg)
    assert root[0].text == "Structure of Milnacipran"
    assert "Milnacipran" in root[1].text and "C15H22N2O" in root[1].text


@pytest.mark.django_db
def test_salt_description_says_all_components_are_drawn():
    compound = make_compound(isomeric_smiles="Cl." + MILNACIPRAN, molecular_formula="C15H23ClN2O")
    assert "all 2 components" in parse(compound.structure_svg)[1].text


@pytest.mark.django_db
def test_page_inlines_the_stored_svg_without_drawing(client, monkeypatch):
    compound = make_compound(name="Milnacipran", isomeric_smiles=MILNACIPRAN)
    monkeypatch.setattr("catalog.models.draw_svg", lambda *a, **k: pytest.fail("drawn on request"))
    response = client.get(compound.get_absolute_url())
    soup = BeautifulSoup(response.content, "html.parser")
    svg = soup.select_one("figure.structure svg[role=img]")
    assert svg is not None
    assert svg.find("title").get_text() == "Structure of Milnacipran"


@pytest.mark.django_db
def test_page_svg_ids_are_unique(client):
    compound = make_compound(isomeric_smiles=MILNACIPRAN)
    soup = BeautifulSoup(client.get(compound.get_absolute_url()).content, "html.parser")
    ids = [el["id"] for el in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))


@pytest.mark.django_db
def test_page_has_no_inline_style_attributes(client):
    compound = make_compound(isomeric_smiles=MILNACIPRAN)
    soup = BeautifulSoup(client.get(compound.get_absolute_url()).content, "html.parser")
    assert soup.select(".structure [style], .identifier-checks [style]") == []


@pytest.mark.django_db
def test_structure_svg_url_serves_the_stored_drawing(client):
    compound = make_compound(slug="milnacipran", isomeric_smiles=MILNACIPRAN)
    response = client.get("/compounds/milnacipran/structure.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response.content.decode() == compound.structure_svg
    assert parse(response.content.decode()).get("role") == "img"


@pytest.mark.django_db
def test_structure_svg_404_without_structure(client):
    make_compound(slug="no-structure")
    assert client.get("/compounds/no-structure/structure.svg").status_code == 404


@pytest.mark.django_db
def test_stale_depiction_is_cached_by_structure_hash(client, monkeypatch):
    """A row updated without save() still gets a current drawing, drawn once, not per request."""
    compound = make_compound(slug="stale", isomeric_smiles=MILNACIPRAN)
    type(compound).objects.filter(pk=compound.pk).update(isomeric_smiles="Cl." + MILNACIPRAN)
    calls = []
    real = catalog.models.draw_svg
    monkeypatch.setattr(catalog.models, "draw_svg", lambda *a, **k: calls.append(1) or real(*a, **k))
    first = client.get("/compounds/stale/structure.svg").content
    second = client.get("/compounds/stale/structure.svg").content
    assert first == second
    assert calls == [1]
    assert b"all 2 components" in first


@pytest.mark.django_db
def test_page_without_structure_says_so(client):
    compound = make_compound()
    response = client.get(compound.get_absolute_url())
    assert b"No structure is on file" in response.content


def stereo_label_heights(svg: str) -> list[float]:
    """The height of each drawn (R)/(S) label, from its glyph outlines' y coordinates, in drawing pixels."""
    heights = []
    for path in parse(svg).iter(f"{SVG}path"):
        if path.get("class") == "CIP_Code":
            ys = [float(y) for y in re.findall(r"[-0-9.]+ ([-0-9.]+)", path.get("d"))]
            heights.append(max(ys) - min(ys))
    return heights


@pytest.mark.django_db
def test_the_larger_drawing_has_stereo_labels_over_20_px_where_the_pages_are_under_12(client):
    compound = make_compound(slug="milnacipran", isomeric_smiles=MILNACIPRAN)
    large = client.get("/compounds/milnacipran/structure-large.svg")
    assert (large.status_code, large["Content-Type"]) == (200, "image/svg+xml; charset=utf-8")
    small_heights, large_heights = stereo_label_heights(compound.structure_svg), stereo_label_heights(large.text)
    assert (len(large_heights), max(small_heights) < 12, min(large_heights) > 20) == (len(small_heights), True, True)


@pytest.mark.django_db
def test_the_larger_drawing_is_accessible_and_names_the_compound(client):
    make_compound(name="Milnacipran", slug="milnacipran", isomeric_smiles=MILNACIPRAN)
    root = parse(client.get("/compounds/milnacipran/structure-large.svg").text)
    assert (root.get("role"), root.get("width"), root[0].text) == ("img", "800", "Structure of Milnacipran")


@pytest.mark.django_db
def test_the_page_links_to_the_larger_drawing(client):
    compound = make_compound(slug="milnacipran", isomeric_smiles=MILNACIPRAN)
    soup = BeautifulSoup(client.get(compound.get_absolute_url()).content, "html.parser")
    link = soup.select_one("figure.structure a[href='/compounds/milnacipran/structure-large.svg']")
    assert link.get_text() == "Larger drawing"


@pytest.mark.django_db
def test_the_larger_drawing_404s_without_a_structure(client):
    make_compound(slug="no-structure")
    assert client.get("/compounds/no-structure/structure-large.svg").status_code == 404
