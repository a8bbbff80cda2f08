"""The structure index (catalog.structure_search.index) against RDKit itself, on 50 approved drugs.

Substructure results must be exactly the compounds where ``mol.HasSubstructMatch(query)`` holds (with the
same chirality setting), in index order, with RDKit's first match as the atoms; similarity results exactly
the compounds whose brute-force ``BulkTanimotoSimilarity`` reaches the threshold, highest first.
"""

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from rdkit import Chem, DataStructs
from rdkit.Chem import rdFingerprintGenerator

from catalog.structure_search import (
    FINGERPRINT_VERSION,
    QueryError,
    SimilarityHit,
    StructureIndex,
    SubstructureResult,
    fingerprint_bytes,
    parse_query,
)
from catalog.structure_search import index as structure_index

ROOT = Path(__file__).resolve().parents[2]
DRUGS = ROOT / "fixtures" / "chembl_approved_drugs.csv"
MORGAN = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)


def _drugs(count: int) -> list[tuple[int, str]]:
    with DRUGS.open(newline="") as handle:
        smiles = [row["smiles"] for row, _ in zip(csv.DictReader(handle), range(count), strict=False)]
    # Ids out of step with row numbers, so that a row number passed off as an id shows.
    return [(7 * number + 100, Chem.MolToSmiles(Chem.MolFromSmiles(text))) for number, text in enumerate(smiles)]


ROWS = _drugs(50)
SMILES = dict(ROWS)


@pytest.fixture(scope="module")
def index() -> StructureIndex:
    return StructureIndex.build((i, smiles, fingerprint_bytes(Chem.MolFromSmiles(smiles))) for i, smiles in ROWS)


def expected_substructure(text: str, *, use_chirality: bool = False, rows=ROWS) -> list[int]:
    query = parse_query(text, "substructure").mol
    return [i for i, smiles in rows if Chem.MolFromSmiles(smiles).HasSubstructMatch(query, useChirality=use_chirality)]


def expected_similarity(text: str, threshold: float, rows=ROWS) -> list[tuple[int, float]]:
    query = MORGAN.GetFingerprint(parse_query(text, "similarity").mol)
    scores = DataStructs.BulkTanimotoSimilarity(query, [MORGAN.GetFingerprint(Chem.MolFromSmiles(s)) for _, s in rows])
    found = [(i, score) for (i, _), score in zip(rows, scores, strict=True) if score >= threshold]
    return sorted(found, key=lambda hit: (-hit[1], hit[0]))


def found_ids(index: StructureIndex, text: str, **options) -> list[int]:
    result = index.substructure(parse_query(text, "substructure"), limit=50, count_limit=1000, **options)
    return [hit.id for hit in result.hits]


SUBSTRUCTURE_QUERIES = [
    "c1ccccc1",  # benzene: most of them
    "C(=O)N",
    "c1ccncc1",
    "Cl",
    "[#7;R]",  # SMARTS
    "[R2]",  # ring-membership counts need ring perception on the unsanitised library molecules
    "[r5]",
    "[x3]",
    "[$(C(=O)[OH])]",  # recursive SMARTS
    "[N;H2]c",  # SMARTS H count
    "CN",  # a SMILES query has no H-count constraints: matches N(C)C too
    "S(=O)(=O)N",
]


@pytest.mark.parametrize("text", SUBSTRUCTURE_QUERIES)
def test_substructure_matches_are_rdkits(index, text):
    assert found_ids(index, text) == expected_substructure(text)


def test_every_substructure_query_finds_something_and_not_everything():
    counts = [len(expected_substructure(text)) for text in SUBSTRUCTURE_QUERIES]
    assert all(0 < count < len(ROWS) for count in counts), counts


def test_substructure_in_many_small_chunks_finds_the_same_in_the_same_order(index, monkeypatch):
    monkeypatch.setattr(structure_index, "FIRST_CHUNK", 7)
    monkeypatch.setattr(structure_index, "MIN_CHUNK", 3)
    monkeypatch.setattr(structure_index, "CHUNK_SECONDS", 0.0)  # every later chunk is MIN_CHUNK rows
    assert found_ids(index, "C(=O)N") == expected_substructure("C(=O)N")


def test_substructure_ignores_stereo_by_default(index):
    assert found_ids(index, "N[C@@H](C)C(=O)O") == expected_substructure("NC(C)C(=O)O")


def test_substructure_with_chirality_follows_rdkit(index):
    assert found_ids(index, "C[C@@H](N)C", use_chirality=True) == expected_substructure(
        "C[C@@H](N)C", use_chirality=True
    )


def test_substructure_hits_carry_rdkits_first_match_as_atoms(index):
    query = parse_query("C(=O)N", "substructure")
    result = index.substructure(query, limit=50)
    assert [hit.atoms for hit in result.hits] == [
        Chem.MolFromSmiles(SMILES[hit.id]).GetSubstructMatch(query.mol) for hit in result.hits
    ]


def test_substructure_pages_through_matches_in_index_order(index):
    everything = expected_substructure("c1ccccc1")
    result = index.substructure(parse_query("c1ccccc1", "substructure"), limit=5, offset=10)
    assert ([hit.id for hit in result.hits], result.count, result.truncated, result.partial) == (
        everything[10:15],
        len(everything),
        False,
        False,
    )


def test_substructure_count_stops_at_the_count_limit(index):
    everything = expected_substructure("c1ccccc1")
    result = index.substructure(parse_query("c1ccccc1", "substructure"), limit=5, count_limit=10)
    assert ([hit.id for hit in result.hits], result.count, result.truncated, result.partial) == (
        everything[:5],
        10,
        True,
        False,
    )


def test_substructure_page_past_the_count_limit_is_refused(index):
    with pytest.raises(QueryError) as error:
        index.substructure(parse_query("c1ccccc1", "substructure"), limit=20, offset=990)
    assert str(error.value) == "Only the first 1,000 matches can be listed: draw a larger or more specific structure."


def test_substructure_out_of_time_returns_what_it_found_marked_partial(index):
    result = index.substructure(parse_query("c1ccccc1", "substructure"), budget_s=0.0)
    assert result == SubstructureResult(hits=[], count=0, truncated=False, partial=True)


def test_substructure_with_no_match_is_empty_and_complete(index):
    result = index.substructure(parse_query("[Xe]", "substructure"))
    assert result == SubstructureResult(hits=[], count=0, truncated=False, partial=False)


@pytest.mark.parametrize("threshold", [0.2, 0.35, 0.7])
def test_similarity_is_brute_force_tanimoto_at_or_above_the_threshold(index, threshold):
    text = ROWS[3][1]
    result = index.similarity(parse_query(text, "similarity"), threshold=threshold, limit=50)
    expected = expected_similarity(text, threshold)
    assert [hit.id for hit in result.hits] == [i for i, _ in expected]
    assert [hit.score for hit in result.hits] == pytest.approx([score for _, score in expected], abs=1e-6)


def test_similarity_counts_all_hits_and_returns_the_best(index):
    expected = expected_similarity("c1ccccc1CCN", 0.1)
    result = index.similarity(parse_query("c1ccccc1CCN", "similarity"), threshold=0.1, limit=3)
    assert ([hit.id for hit in result.hits], result.count, result.partial) == (
        [i for i, _ in expected[:3]],
        len(expected),
        False,
    )


def test_similarity_out_of_time_is_partial(index):
    result = index.similarity(parse_query(ROWS[3][1], "similarity"), threshold=0.1, budget_s=0.0)
    assert (result.hits, result.count, result.partial) == ([], 0, True)


def test_similarity_threshold_outside_zero_to_one_is_refused(index):
    with pytest.raises(QueryError) as error:
        index.similarity(parse_query("CCO", "similarity"), threshold=1.5)
    assert str(error.value) == "The similarity threshold must be between 0 and 1."


def test_similar_to_leaves_out_the_compound_and_the_excluded_ids(index):
    compound_id, smiles = ROWS[3]
    expected = [i for i, _ in expected_similarity(smiles, 0.2) if i not in {compound_id, ROWS[10][0]}]
    hits = index.similar_to(compound_id, threshold=0.2, limit=6, exclude={ROWS[10][0]})
    assert [hit.id for hit in hits] == expected[:6]


def test_similar_to_an_unindexed_id_is_empty(index):
    assert index.similar_to(999_999) == []


def test_build_computes_missing_and_outdated_fingerprints():
    stale = bytes([FINGERPRINT_VERSION + 1]) + bytes(300)
    rows = [(i, smiles, None if n % 2 else stale) for n, (i, smiles) in enumerate(ROWS[:20])]
    index = StructureIndex.build(rows)
    assert found_ids(index, "C(=O)N") == expected_substructure("C(=O)N", rows=ROWS[:20])


def test_build_skips_unparsable_rows_and_names_them():
    index = StructureIndex.build([(1, "CCO", None), (2, "C1CC", None), (3, "C" * 400, None)])
    assert (index.skipped, len(index), 1 in index) == ((2, 3), 1, True)


def test_added_compound_is_found_by_both_searches():
    index = StructureIndex.build((i, smiles, None) for i, smiles in ROWS[:10])
    index.add(5000, "CCCCCCCCCC[Se]CC")
    substructure = index.substructure(parse_query("C[Se]C", "substructure"))
    similarity = index.similarity(parse_query("CCCCCCCCCC[Se]CC", "similarity"), threshold=0.99)
    assert ([hit.id for hit in substructure.hits], similarity.hits) == ([5000], [SimilarityHit(5000, 1.0)])


def test_replaced_structure_is_found_under_the_new_and_not_the_old():
    index = StructureIndex.build([(1, "CCO", None), (2, "c1ccccc1O", None)])
    index.add(2, "CC[Se]C")
    assert (found_ids(index, "c1ccccc1"), found_ids(index, "C[Se]C"), len(index)) == ([], [2], 2)


def test_compounds_added_together_are_found_and_an_unparsable_one_is_removed():
    index = StructureIndex.build([(1, "CCO", None), (2, "c1ccccc1O", None)])
    skipped = index.add_many([(3, "CC[Se]C", None), (2, "C1CC", None)])
    assert (skipped, found_ids(index, "C[Se]C"), 2 in index, len(index)) == ([2], [3], False, 2)


def test_an_id_added_twice_together_keeps_its_last_structure():
    index = StructureIndex.build([(1, "CCO", None)])
    index.add_many([(5, "CC[Se]C", None), (5, "c1ccccc1O", None)])
    assert (found_ids(index, "C[Se]C"), found_ids(index, "c1ccccc1"), len(index)) == ([], [5], 2)


def test_removed_compound_is_found_by_neither_search():
    index = StructureIndex.build((i, smiles, None) for i, smiles in ROWS[:10])
    removed = ROWS[4][0]
    assert index.remove(removed) is True
    similarity = index.similarity(parse_query(ROWS[4][1], "similarity"), threshold=0.99)
    assert (removed in found_ids(index, ROWS[4][1]), similarity.hits, removed in index) == (False, [], False)


def test_removing_an_unknown_id_says_so():
    assert StructureIndex.build([(1, "CCO", None)]).remove(2) is False


def test_added_then_removed_compound_is_gone():
    index = StructureIndex.build([(1, "CCO", None)])
    index.add(2, "CC[Se]C")
    index.remove(2)
    assert (found_ids(index, "C[Se]C"), len(index), index.pending) == ([], 1, 1)


def test_fingerprint_blob_holds_version_morgan_bits_and_pattern_fingerprint():
    mol = Chem.MolFromSmiles("CCN(CC)C(=O)C1(c2ccccc2)CC1CN")
    blob = fingerprint_bytes(mol)
    morgan = MORGAN.GetFingerprint(mol)
    bits = [n for n in range(2048) if blob[1 + n // 8] >> (n % 8) & 1]
    pattern = DataStructs.ExplicitBitVect(blob[257:])
    assert (blob[0], bits, pattern.ToBitString()) == (
        FINGERPRINT_VERSION,
        list(morgan.GetOnBits()),
        Chem.PatternFingerprint(mol).ToBitString(),
    )


def test_engine_imports_no_django():
    # The engine is pure (an import contract checks it too); a fresh interpreter shows what it pulls in.
    code = "import sys, catalog.structure_search; print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout == "[]\n"
