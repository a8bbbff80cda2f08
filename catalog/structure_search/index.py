"""The in-memory structure index: substructure search (RDKit's SubstructLibrary) and Tanimoto similarity.

Layout. The index is two segments, searched in order: the *main* segment made by ``build`` and a small
*delta* segment that ``add`` appends to. ``remove`` (and the removal half of a replace) only marks a row
dead. A segment keeps per-compound data in C++ (RDKit) or numpy arrays, never as Python objects, so that
workers forked after a preloaded build share it page for page (copy-on-write).

Threads: ``add`` and ``remove`` take a lock, and so does every read of the delta segment (the only part
changed in place, apart from the main segment's liveness flags), so searches may run in several threads
beside a writer.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from array import array
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from rdkit import Chem
from rdkit.Chem import rdSubstructLibrary

from ..chemistry import StructureError, mol_from_smiles
from .fingerprints import MORGAN_WORDS, fingerprint_bytes, is_current, morgan_bits, split
from .query import Query, QueryError

logger = logging.getLogger(__name__)

# Substructure search goes through the rows in chunks and looks at the clock between them. The first
# chunk is small (a slow query shows itself there, and a common one fills a page); later ones are sized
# from the time per row measured so far so that each takes about CHUNK_SECONDS, so the budget is overrun
# by about that (at a million compounds: 2.01 s for a 2 s budget with the slowest query allowed).
FIRST_CHUNK = 500
MIN_CHUNK = 50
CHUNK_SECONDS = 0.05
MAX_CHUNK = 200_000
# Matches counted beyond the page before the count is reported as "more than N".
COUNT_LIMIT = 1_000
# Similarity search compares the popcount-sorted fingerprints in blocks of this many rows (1 MB of
# fingerprints: fastest here, measured from 4,096 to 65,536) and looks at the clock between blocks.
SIMILARITY_BLOCK = 4_096

Row = tuple[int, str, bytes | memoryview | None]


class SubstructureHit(NamedTuple):
    id: int
    atoms: tuple[int, ...]  # the query's first match, as atom indices of the molecule parsed from the row's SMILES


class SimilarityHit(NamedTuple):
    id: int
    score: float  # Tanimoto coefficient, 0..1


@dataclass(frozen=True)
class SubstructureResult:
    hits: list[SubstructureHit]  # the page asked for, in index order
    count: int  # matches found
    truncated: bool  # counting stopped at the count limit: there are more than ``count`` matches
    partial: bool  # the time budget ran out first: the page may be short, and there are at least ``count``


@dataclass(frozen=True)
class SimilarityResult:
    hits: list[SimilarityHit]  # the best ``limit``, highest score first (then lowest id)
    count: int  # compounds at or above the threshold (a lower bound when partial)
    partial: bool  # the time budget ran out before every candidate was compared


class _Segment:
    """Rows of one build (or the delta): ids, liveness, a SubstructLibrary and Morgan fingerprints."""

    def __init__(self, rows: Iterable[tuple[int, str, bytes]] = ()) -> None:
        """``rows``: (id, canonical SMILES, current blob), read once (so a database cursor can stream them)."""
        # Trusted SMILES: RDKit-written canonical SMILES, parsed without sanitising at match time; kept as
        # strings in C++ (about 80 bytes a compound), not as molecules (kilobytes each).
        self._molecules = rdSubstructLibrary.CachedTrustedSmilesMolHolder()
        self._patterns = rdSubstructLibrary.PatternHolder()
        self.library = rdSubstructLibrary.SubstructLibrary(self._molecules, self._patterns)
        ids, morgan = array("q"), bytearray()
        for compound_id, text, blob in rows:
            bits, pattern = split(blob)
            self._molecules.AddSmiles(text)
            self._patterns.AddFingerprint(pattern)
            morgan += bits
            ids.append(compound_id)
        self.ids = np.array(ids, dtype=np.int64)  # row -> compound id
        self.alive = np.ones(len(ids), dtype=bool)
        self._index_rows(np.frombuffer(morgan, dtype=np.uint8))

    def _index_rows(self, morgan: np.ndarray) -> None:
        self.by_id = np.argsort(self.ids, kind="stable")  # rows ordered by id, to find a row by its id
        # Fingerprints sorted by popcount (the layout FPSim2 uses), so that a threshold bounds the rows to read.
        words = morgan.view(np.uint64).reshape(-1, MORGAN_WORDS)
        popcounts = np.bitwise_count(words).sum(axis=1, dtype=np.int32)
        self.sorted_rows = np.argsort(popcounts, kind="stable")  # place -> row
        self.words = words[self.sorted_rows]
        self.popcounts = popcounts[self.sorted_rows]
        self.place = np.empty(len(self), dtype=np.int64)  # row -> place
        self.place[self.sorted_rows] = np.arange(len(self))

    def morgan_words(self, row: int) -> np.ndarray:
        """The row's Morgan fingerprint as 32 uint64 words."""
        return self.words[self.place[row]]

    def __len__(self) -> int:
        return len(self.ids)

    def extend(self, rows: list[tuple[int, str, bytes]]) -> None:
        """Add rows (the delta segment only): the segment's arrays are copied once per call, so a catch-up
        adds its rows together (one at a time, 5,000 rows cost 4 s, the copies growing with each)."""
        if not rows:
            return
        morgan = np.empty((len(self) + len(rows), MORGAN_WORDS), dtype=np.uint64)
        morgan[self.sorted_rows] = self.words
        for at, (_, smiles, blob) in enumerate(rows, start=len(self)):
            bits, pattern = split(blob)
            self._molecules.AddSmiles(smiles)
            self._patterns.AddFingerprint(pattern)
            morgan[at] = np.frombuffer(bits, dtype=np.uint64)
        self.ids = np.append(self.ids, [compound_id for compound_id, _, _ in rows])
        self.alive = np.append(self.alive, np.ones(len(rows), dtype=bool))
        self._index_rows(morgan.view(np.uint8))

    def row_of(self, compound_id: int) -> int | None:
        """The live row holding ``compound_id``, if any."""
        at = int(np.searchsorted(self.ids, compound_id, sorter=self.by_id))
        while at < len(self.by_id) and self.ids[self.by_id[at]] == compound_id:
            row = int(self.by_id[at])
            if self.alive[row]:
                return row
            at += 1
        return None

    def match_atoms(self, row: int, query: Chem.Mol, params: Chem.SubstructMatchParameters) -> tuple[int, ...]:
        """The query's first match in this row's molecule, as RDKit parses the row's SMILES."""
        mol = self.library.GetMol(row)
        Chem.SanitizeMol(mol)  # the holder's molecules come unsanitised, without ring information
        return tuple(mol.GetSubstructMatch(query, params))

    def scan(self, query: Query, params, *, found: list, want: int, deadline: float, threads: int) -> bool:
        """Append ``(self, row)`` for matching live rows, in row order, until ``want`` are found, the rows
        run out, or the clock passes ``deadline``; True if it was the clock."""
        start, chunk = 0, FIRST_CHUNK
        while start < len(self) and len(found) < want:
            began = time.monotonic()
            if began >= deadline:
                return True
            end = min(len(self), start + chunk)
            rows = self.library.GetMatches(query.mol, start, end, params, threads, end - start)
            found.extend((self, row) for row in sorted(rows) if self.alive[row])
            per_row = max(time.monotonic() - began, 1e-6) / (end - start)
            target = min(CHUNK_SECONDS, max(deadline - time.monotonic(), 0.0))
            chunk = int(min(MAX_CHUNK, max(MIN_CHUNK, target / per_row)))
            start = end
        return False

    def similar(self, words: np.ndarray, threshold: float, *, deadline: float) -> tuple[np.ndarray, np.ndarray, bool]:
        """(rows, scores) of live rows with Tanimoto ≥ threshold to the query bits, and whether the clock ran out.

        Scores are RDKit's (``DataStructs.TanimotoSimilarity``: common bits / bits in either, in double precision).
        """
        query_count = int(np.bitwise_count(words).sum())
        if query_count == 0 or len(self) == 0:
            return _NO_ROWS, _NO_SCORES, False
        # Tanimoto ≤ min(a, b) / max(a, b): only popcounts within these bounds can reach the threshold.
        low = int(np.searchsorted(self.popcounts, math.floor(threshold * query_count), "left"))
        high = len(self) if threshold == 0 else int(np.searchsorted(self.popcounts, query_count / threshold, "right"))
        both = np.empty((SIMILARITY_BLOCK, MORGAN_WORDS), dtype=np.uint64)
        bits = np.empty((SIMILARITY_BLOCK, MORGAN_WORDS), dtype=np.uint8)
        places, partial = [], False
        for start in range(low, high, SIMILARITY_BLOCK):
            if time.monotonic() >= deadline:
                partial = True
                break
            size = min(high - start, SIMILARITY_BLOCK)
            np.bitwise_and(self.words[start : start + size], words, out=both[:size])
            np.bitwise_count(both[:size], out=bits[:size])
            common = bits[:size].sum(axis=1, dtype=np.int32)
            # c / (q + p - c) ≥ t  ⇔  c (1 + t) ≥ t (q + p); a little slack here, the exact test below
            near = np.flatnonzero(
                common * (1 + threshold) >= threshold * (query_count + self.popcounts[start : start + size]) - 1e-6
            )
            places.append(near + start)
        found = np.concatenate(places) if places else _NO_ROWS
        common = np.bitwise_count(self.words[found] & words).sum(axis=1, dtype=np.int64)
        scores = common / (query_count + self.popcounts[found] - common)
        rows = self.sorted_rows[found]
        keep = (scores >= threshold) & self.alive[rows]
        return rows[keep], scores[keep], partial


_NO_ROWS = np.empty(0, dtype=np.int64)
_NO_SCORES = np.empty(0, dtype=np.float64)
_unlocked = nullcontext()


def _current(text: str, blob: bytes | memoryview | None) -> tuple[str, bytes]:
    """The SMILES and a current blob (a missing or outdated one computed); ``StructureError`` if it must be
    computed and the structure cannot be read."""
    blob = bytes(blob) if blob is not None else None  # PostgreSQL drivers may hand a memoryview
    if is_current(blob):
        return text, blob
    mol = mol_from_smiles(text)
    return Chem.MolToSmiles(mol), fingerprint_bytes(mol)


def _prepared(rows: Iterable[Row], skipped: list[int]) -> Iterator[tuple[int, str, bytes]]:
    """The rows with current blobs (missing or outdated ones computed); ids that cannot be indexed go to ``skipped``."""
    for compound_id, text, blob in rows:
        try:
            text, blob = _current(text, blob)
        except StructureError:
            skipped.append(compound_id)
            continue
        yield compound_id, text, blob


def _search_mol(query: Query, mode: str) -> Chem.Mol:
    if query.mol is None:
        raise QueryError(f"This query cannot be used for {mode} search: enter a SMILES, InChI or MOL block.")
    if mode == "similarity" and query.kind == "smarts":
        raise QueryError("A SMARTS pattern cannot be used for similarity search: enter a SMILES, InChI or MOL block.")
    return query.mol


class StructureIndex:
    """Substructure and similarity search over the catalog's structures, held in memory.

    Rows are ``(id, smiles, blob)``: the compound's id, RDKit's canonical SMILES of its structure (the
    SMILES RDKit writes, e.g. ``Chem.MolToSmiles(mol)``: the index parses it without sanitising) and the
    stored ``fingerprint_bytes`` blob, or None (then it is computed here: about 0.25 ms a compound).
    ``threads`` is how many threads RDKit's substructure search uses (-1: one per CPU).
    """

    def __init__(self, rows: Iterable[Row] = (), *, threads: int = -1) -> None:
        skipped: list[int] = []
        self._main = _Segment(_prepared(rows, skipped))
        self._delta = _Segment()
        self._threads = threads
        self._lock = threading.Lock()  # guards the delta segment, which add() changes in place
        # Ids of rows that could not be indexed (unparsable, or over chemistry's size limits).
        self.skipped: tuple[int, ...] = tuple(skipped)
        if skipped:
            logger.warning("Structure index: %d rows skipped (unparsable or too large).", len(skipped))

    @classmethod
    def build(cls, rows: Iterable[Row], *, threads: int = -1) -> StructureIndex:
        return cls(rows, threads=threads)

    def __len__(self) -> int:
        """Live compounds in the index."""
        return int(self._main.alive.sum()) + int(self._delta.alive.sum())

    @property
    def pending(self) -> int:
        """Rows added or replaced since the build: a rebuild folds them into the main segment."""
        return len(self._delta)

    def __contains__(self, compound_id: int) -> bool:
        return self._locate(compound_id) is not None

    # Changes -----------------------------------------------------------------------------------------

    def add(self, compound_id: int, smiles: str, blob: bytes | None = None) -> None:
        """Index a compound's structure, replacing whatever the index held for that id.

        ``StructureError`` (from catalog.chemistry) if the structure must be parsed and cannot be.
        """
        self._add_prepared([(compound_id, *_current(smiles, blob))])

    def add_many(self, rows: Iterable[Row]) -> list[int]:
        """Index these compounds' structures together, as ``add`` does each; the ids that cannot be indexed
        (unparsable, or over the size limits) are removed instead, and returned."""
        skipped: list[int] = []
        self._add_prepared(list(_prepared(rows, skipped)))
        with self._lock:
            for compound_id in skipped:
                self._remove(compound_id)
        return skipped

    def _add_prepared(self, rows: list[tuple[int, str, bytes]]) -> None:
        latest = list({row[0]: row for row in rows}.values())  # an id given twice: its last structure
        with self._lock:
            for compound_id, _, _ in latest:
                self._remove(compound_id)
            self._delta.extend(latest)

    def remove(self, compound_id: int) -> bool:
        """Drop a compound from the index; False if it was not there."""
        with self._lock:
            return self._remove(compound_id)

    def _remove(self, compound_id: int) -> bool:
        location = self._locate(compound_id)
        if location is None:
            return False
        segment, row = location
        segment.alive[row] = False
        return True

    def _locate(self, compound_id: int) -> tuple[_Segment, int] | None:
        for segment in (self._delta, self._main):  # the delta first: it holds the newest structure
            row = segment.row_of(compound_id)
            if row is not None:
                return segment, row
        return None

    # Searches ----------------------------------------------------------------------------------------

    def substructure(
        self,
        query: Query,
        *,
        limit: int = 20,
        offset: int = 0,
        use_chirality: bool = False,
        budget_s: float = 2.0,
        count_limit: int = COUNT_LIMIT,
    ) -> SubstructureResult:
        """Compounds containing the query (RDKit's HasSubstructMatch, the query as parsed), in index order.

        Scans until ``count_limit`` + 1 matches are found (then ``truncated``), the rows run out, or
        ``budget_s`` seconds have passed (then ``partial``). ``offset + limit`` may not pass ``count_limit``.
        """
        mol = _search_mol(query, "substructure")
        if limit < 1 or offset < 0:
            raise ValueError("limit must be positive and offset not negative")
        if offset + limit > count_limit:
            raise QueryError(
                f"Only the first {count_limit:,} matches can be listed: draw a larger or more specific structure."
            )
        params = Chem.SubstructMatchParameters()
        params.useChirality = use_chirality
        params.recursionPossible = query.recursive
        deadline = time.monotonic() + budget_s
        found: list[tuple[_Segment, int]] = []
        scan = {"found": found, "want": count_limit + 1, "deadline": deadline, "threads": self._threads}
        partial = self._main.scan(query, params, **scan)
        with self._lock:
            if not partial and len(found) <= count_limit:
                partial = self._delta.scan(query, params, **scan)
            page = found[offset : offset + limit]
            hits = [
                SubstructureHit(int(segment.ids[row]), segment.match_atoms(row, mol, params)) for segment, row in page
            ]
        return SubstructureResult(
            hits=hits, count=min(len(found), count_limit), truncated=len(found) > count_limit, partial=partial
        )

    def similarity(
        self,
        query: Query,
        *,
        threshold: float = 0.7,
        limit: int = 50,
        budget_s: float = 2.0,
        exclude: Iterable[int] = (),
    ) -> SimilarityResult:
        """Compounds whose Morgan fingerprint (radius 2, 2,048 bits) has Tanimoto ≥ ``threshold`` with the
        query's, highest first; ``exclude`` ids are left out."""
        mol = _search_mol(query, "similarity")
        words = np.frombuffer(morgan_bits(mol), dtype=np.uint64)
        return self._similar(words, threshold=threshold, limit=limit, budget_s=budget_s, exclude=exclude)

    def similar_to(
        self,
        compound_id: int,
        *,
        threshold: float = 0.5,
        limit: int = 6,
        exclude: Iterable[int] = (),
        budget_s: float = 0.5,
    ) -> list[SimilarityHit]:
        """The compounds most similar to an indexed one (itself and ``exclude`` left out); [] if it is not indexed."""
        with self._lock:
            location = self._locate(compound_id)
            if location is None:
                return []
            segment, row = location
            words = segment.morgan_words(row).copy()
        excluded = {compound_id, *exclude}
        return self._similar(words, threshold=threshold, limit=limit, budget_s=budget_s, exclude=excluded).hits

    def _similar(
        self, words: np.ndarray, *, threshold: float, limit: int, budget_s: float, exclude: Iterable[int]
    ) -> SimilarityResult:
        if not 0.0 <= threshold <= 1.0:  # also refuses NaN
            raise QueryError("The similarity threshold must be between 0 and 1.")
        if limit < 1:
            raise ValueError("limit must be positive")
        deadline = time.monotonic() + budget_s
        ids, scores = [], []
        partial = False
        for segment in (self._main, self._delta):
            with self._lock if segment is self._delta else _unlocked:
                rows, found, ran_out = segment.similar(words, threshold, deadline=deadline)
                ids.append(segment.ids[rows])
            scores.append(found)
            partial = partial or ran_out
        all_ids, all_scores = np.concatenate(ids), np.concatenate(scores)
        excluded = np.fromiter(exclude, dtype=np.int64)
        if len(excluded):
            keep = ~np.isin(all_ids, excluded)
            all_ids, all_scores = all_ids[keep], all_scores[keep]
        best = np.lexsort((all_ids, -all_scores))[:limit]
        hits = [SimilarityHit(int(i), float(s)) for i, s in zip(all_ids[best], all_scores[best], strict=True)]
        return SimilarityResult(hits=hits, count=len(all_ids), partial=partial)
