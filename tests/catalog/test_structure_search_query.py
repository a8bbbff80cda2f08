"""Reading structure-search queries (catalog.structure_search.query): each input kind, and each refusal."""

import pytest
from rdkit import Chem

from catalog.structure_search import QueryError, parse_query

MILNACIPRAN = "CCN(CC)C(=O)C1(c2ccccc2)CC1CN"
MILNACIPRAN_INCHI = (
    "InChI=1S/C15H22N2O/c1-3-17(4-2)14(18)15(10-13(15)11-16)12-8-6-5-7-9-12/h5-9,13H,3-4,10-11,16H2,1-2H3"
)
MILNACIPRAN_KEY = "GJJFMKBJSRMPLA-UHFFFAOYSA-N"


def refusal(text: str, mode: str) -> str:
    """The message of the QueryError that reading ``text`` raises."""
    with pytest.raises(QueryError) as error:
        parse_query(text, mode)
    return str(error.value)


def test_smiles_is_read_as_smiles_with_canonical_smiles_and_inchikey():
    query = parse_query("NCC1CC1(C(=O)N(CC)CC)c1ccccc1", "similarity")
    assert (query.kind, query.smiles, query.inchikey) == ("smiles", Chem.CanonSmiles(MILNACIPRAN), MILNACIPRAN_KEY)


def test_text_is_stripped_before_reading():
    assert parse_query(f"  {MILNACIPRAN}\n", "exact").text == MILNACIPRAN


def test_smarts_is_read_as_smarts_in_substructure_mode():
    query = parse_query("c1ccccc1[N,O]", "substructure")
    assert (query.kind, query.smiles, query.inchikey, query.display) == ("smarts", "", "", "c1ccccc1[N,O]")


def test_smiles_that_is_also_smarts_is_read_as_smiles():
    assert parse_query("c1ccccc1O", "substructure").kind == "smiles"


def test_text_rdkit_reads_as_smiles_is_smiles_even_with_smarts_bonds():
    # The rule: SMILES first. RDKit's SMILES reader takes ~ bonds and * atoms.
    assert parse_query("*~*~*", "substructure").kind == "smiles"


def test_smarts_is_refused_in_similarity_mode():
    assert refusal("c1ccccc1[N,O]", "similarity") == (
        "'c1ccccc1[N,O]' is a SMARTS pattern, not a structure: SMARTS can only be used in substructure search."
    )


def test_inchi_is_read_as_its_structure():
    query = parse_query(MILNACIPRAN_INCHI, "similarity")
    assert (query.kind, query.smiles, query.inchikey) == ("inchi", Chem.CanonSmiles(MILNACIPRAN), MILNACIPRAN_KEY)


def test_inchikey_is_read_in_exact_mode_with_its_skeleton():
    query = parse_query(MILNACIPRAN_KEY, "exact")
    assert (query.kind, query.mol, query.inchikey, query.skeleton) == (
        "inchikey",
        None,
        MILNACIPRAN_KEY,
        "GJJFMKBJSRMPLA",
    )


def test_inchikey_is_refused_outside_exact_mode():
    with pytest.raises(QueryError, match="An InChIKey names a compound but does not describe its structure"):
        parse_query(MILNACIPRAN_KEY, "substructure")


def test_molblock_is_read_as_its_structure():
    block = Chem.MolToMolBlock(Chem.MolFromSmiles(MILNACIPRAN))
    query = parse_query(block, "exact")
    assert (query.kind, query.smiles, query.inchikey) == ("molblock", Chem.CanonSmiles(MILNACIPRAN), MILNACIPRAN_KEY)


def test_stereo_smiles_keeps_its_stereo_in_smiles_and_inchikey():
    query = parse_query("CCN(CC)C(=O)[C@@]1(C[C@@H]1CN)C2=CC=CC=C2", "exact")
    assert (query.smiles, query.inchikey) == ("CCN(CC)C(=O)[C@]1(c2ccccc2)C[C@@H]1CN", "GJJFMKBJSRMPLA-HIFRSBDPSA-N")


def test_empty_query_is_refused():
    assert refusal("   ", "exact") == "Enter a structure: a SMILES, SMARTS, InChI, InChIKey or MOL block."


def test_unknown_mode_is_refused():
    assert refusal("CCO", "fuzzy") == "Unknown search mode 'fuzzy': choose exact, substructure or similarity."


def test_query_over_2000_characters_is_refused_before_parsing():
    assert refusal("C" * 2_001, "substructure") == "The query is 2,001 characters long; the limit is 2,000."


def test_unreadable_text_is_refused_with_what_was_tried():
    assert refusal("not a molecule", "substructure") == (
        "'not a molecule' is not a SMILES, SMARTS, InChI, InChIKey or MOL block that RDKit can read."
    )


def test_unreadable_text_outside_substructure_mode_does_not_offer_smarts():
    assert refusal("C1CC", "similarity") == "'C1CC' is not a SMILES, InChI, InChIKey or MOL block that RDKit can read."


def test_smiles_over_the_atom_limit_is_refused():
    assert refusal("C" * 301, "similarity") == "The structure has 301 atoms; structures are limited to 300 atoms."


def test_inchi_over_the_atom_limit_is_refused_before_rdkit_builds_it(monkeypatch):
    monkeypatch.setattr(Chem, "MolFromInchi", lambda *args, **kwargs: pytest.fail("RDKit was asked"))
    assert (
        refusal("InChI=1S/C100000H200002/c1-3-5", "similarity")
        == "The structure has 100,000 atoms; structures are limited to 300 atoms."
    )


def test_unreadable_inchi_is_refused():
    assert refusal("InChI=1S/C6H6/c1-2-x", "exact") == "RDKit cannot read the InChI 'InChI=1S/C6H6/c1-2-x'."


def test_molblock_over_the_atom_limit_is_refused():
    block = Chem.MolToMolBlock(Chem.MolFromSmiles("C" * 150 + "." + "C" * 151))
    assert refusal(block, "substructure") == "The structure has 301 atoms; structures are limited to 300 atoms."


def test_molblock_over_its_length_limit_is_refused():
    block = "x" * 32_000 + Chem.MolToMolBlock(Chem.MolFromSmiles("C"))  # a long name line
    with pytest.raises(QueryError, match=r"^The MOL block is 32,\d\d\d characters long; the limit is 32,000\.$"):
        parse_query(block, "substructure")


def test_smarts_with_too_many_atoms_is_refused():
    assert refusal("[C,N]" * 41, "substructure") == "The SMARTS pattern has 41 atoms; patterns are limited to 40 atoms."


def test_smarts_with_too_many_unspecific_atoms_is_refused():
    assert refusal("A1AAAAAAAAAAAA1", "substructure") == (
        "The query has 13 atoms that match almost any atom (such as *, A, a or [!#1]); at most 12 are allowed. "
        "Name the elements of some of them."
    )


def test_smarts_with_twelve_unspecific_atoms_is_accepted():
    assert parse_query("A1AAAAAAAAAAA1", "substructure").mol.GetNumAtoms() == 12


def test_deeply_nested_recursive_smarts_is_refused():
    with pytest.raises(QueryError, match=r"too much recursion"):
        parse_query("[$(C[$(C[$(CO)])])]", "substructure")


def test_many_recursive_smarts_are_refused():
    with pytest.raises(QueryError, match=r"too much recursion"):
        parse_query("[$(CO)][$(CN)][$(CS)][$(CCl)][$(CBr)]", "substructure")


def test_recursive_smarts_within_the_limits_is_marked_recursive():
    assert parse_query("[$(C=O)]N", "substructure").recursive is True


def test_smarts_as_exact_query_is_refused():
    with pytest.raises(QueryError, match=r"SMARTS can only be used in substructure search"):
        parse_query("[#6]~[#7,#8]", "exact")
