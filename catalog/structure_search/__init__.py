"""Structure search: exact, substructure and similarity, as a pure engine (no Django here).

The web layer reads the query, asks the index, and renders; the database stores what the index is
built from. Measured at a million compounds in bench/structure_search_bench.py (results in
bench/results/structure-search-1000000.md).

Reading a query
    ``parse_query(text, mode) -> Query``; ``mode`` is "exact", "substructure" or "similarity".
    ``QueryError`` (a ValueError) carries a message for the user, as it is: map it to a page message or a
    400. The text is tried as an InChIKey (exact only), an InChI, a MOL block, a SMILES, then (substructure
    only) a SMARTS. Bounds: 2,000 characters (32,000 for a MOL block), catalog.chemistry's atom, ring and
    ring-size limits, and for substructure queries at most 40 SMARTS atoms, 12 atoms that match almost any
    element, and 4 recursive SMARTS nested at most 2 deep (query.py says why).
    ``Query``: ``kind`` ("smiles", "smarts", "inchi", "inchikey", "molblock"), ``mol`` (None for an
    InChIKey), ``smiles`` (canonical, for display), ``inchikey`` (standard, "" for SMARTS), ``skeleton``
    (the InChIKey's first block), ``display``.

Exact search
    The database's job: ``Compound.computed_inchikey == query.inchikey``, or its first block
    (``query.skeleton``) for every stereoisomer, isotopologue and charge form. For salts, compare the
    skeleton with the parent's key too (``parent_inchikey``), since a salt's own key describes all of it.

What the database stores per compound
    ``fingerprint_bytes(mol) -> bytes`` (about 600 bytes: Morgan bits and RDKit's pattern fingerprint;
    fingerprints.py gives the layout) and ``FINGERPRINT_VERSION``: store the version beside it, or test
    ``is_current(blob)``, and recompute blobs of another version. ``fingerprint_of_smiles(smiles)`` is the
    blob of a stored canonical SMILES (None if it does not parse). A row for the index is
    ``(id, smiles, blob_or_None)`` where ``smiles`` is RDKit's canonical SMILES of the structure
    (``Chem.MolToSmiles(mol)``, as Compound.computed_canonical_smiles holds it). A row without a current
    blob costs a parse and fingerprinting (about 0.25 ms); with one, about 10 µs.

The index
    ``StructureIndex.build(rows, threads=-1)``: in memory, per process. Build it once before gunicorn forks
    its workers (``--preload``) so that they share it: everything per compound lives in numpy arrays or
    RDKit's C++ objects, not Python objects, so pages stay shared after the fork.
    ``index.add(id, smiles, blob=None)`` adds or replaces one compound (it goes to a small delta segment),
    ``index.remove(id)`` drops one; the next search sees the change. ``index.pending`` counts rows added
    since the build; rebuild when it grows large (every add copies the delta's arrays), e.g. nightly or
    past a few thousand. ``index.skipped``: ids of rows that could not be indexed.
    Writes take a lock; one writer per process is assumed.

    ``index.substructure(query, limit=20, offset=0, use_chirality=False, budget_s=2.0, count_limit=1000)
    -> SubstructureResult(hits, count, truncated, partial)``: RDKit's ``HasSubstructMatch`` semantics with
    the query as parsed (no H-count constraints from a SMILES; stereo only with ``use_chirality``), through
    RDKit's SubstructLibrary (pattern-fingerprint screen, several threads). Hits come in index order (the
    order of the rows given to ``build``, then additions) with ``atoms``: the query's first match as atom
    indices of the molecule RDKit parses from that row's SMILES (for highlighting). ``count`` is exact
    unless ``truncated`` (more than ``count_limit`` match: say "more than 1,000") or ``partial`` (the
    budget ran out: at least ``count``, and the page may be short). ``offset + limit > count_limit`` is a
    ``QueryError``.

    ``index.similarity(query, threshold=0.7, limit=50, budget_s=2.0, exclude=()) -> SimilarityResult(hits,
    count, partial)``: Tanimoto on Morgan fingerprints (radius 2, 2,048 bits), the scores RDKit's
    ``TanimotoSimilarity`` gives, hits ``(id, score)`` highest first (ties: lower id first).
    ``index.similar_to(id, threshold=0.5, limit=6, exclude=())`` -> list of ``(id, score)``: "similar
    compounds" for a compound page, itself and ``exclude`` (its salt forms and stereoisomers) left out;
    [] if the id is not indexed.

    Similarity runs on numpy (already needed by RDKit): fingerprints sorted by popcount, so that the
    threshold bounds the rows to compare (FPSim2's layout), then AND and popcount in 4,096-row blocks.
    Measured at a million (bench/results/similarity-engines-1000000.md, a busy 2-core machine): p95
    100-390 ms; RDKit's ``BulkTanimotoSimilarity`` 950-1,660 ms (and a million Python fingerprint
    objects, which forked workers cannot keep shared); FPSim2 0.7.4's kernel 43-117 ms, about twice as
    fast, but not taken: its engine only loads from an HDF5 file or a SQLAlchemy table on
    PostgreSQL/MySQL (no SQLite, no in-memory array), so it would be used through the undocumented
    ``FPSim2lib.GenericSearch``, and it brings about 250 MB of packages (PyTables, blosc2, scipy,
    pydantic ...). Should the headroom be needed, ``_Segment.similar`` is the one place to swap.
"""

from .fingerprints import FINGERPRINT_VERSION, fingerprint_bytes, fingerprint_of_smiles, is_current
from .index import SimilarityHit, SimilarityResult, StructureIndex, SubstructureHit, SubstructureResult
from .query import Query, QueryError, parse_query

__all__ = [
    "FINGERPRINT_VERSION",
    "Query",
    "QueryError",
    "SimilarityHit",
    "SimilarityResult",
    "StructureIndex",
    "SubstructureHit",
    "SubstructureResult",
    "fingerprint_bytes",
    "fingerprint_of_smiles",
    "is_current",
    "parse_query",
]
