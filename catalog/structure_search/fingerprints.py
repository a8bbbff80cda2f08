"""The fingerprints a compound's search entry is built from, as one stored blob per compound.

A blob holds both fingerprints the index needs, so that building the index at start-up parses no
molecule at all (parsing and fingerprinting cost about 0.25 ms a compound: four minutes at a million):

    byte 0          FINGERPRINT_VERSION
    bytes 1..256    Morgan fingerprint, radius 2, 2,048 bits (RDKit's rdFingerprintGenerator), the raw
                    bits packed little-endian (bit i is bit i % 8 of byte i // 8): Tanimoto similarity
    bytes 257..     RDKit's pattern fingerprint (Chem.PatternFingerprint, 2,048 bits) in RDKit's own
                    serialisation (ExplicitBitVect.ToBinary, compressed, about 100-400 bytes): the
                    substructure screen of RDKit's SubstructLibrary

Raise FINGERPRINT_VERSION whenever either definition changes (or an RDKit upgrade changes them); stored
blobs of another version are recomputed by the index (``StructureIndex.build``) and should be refreshed
by whoever stores them (``is_current``).
"""

from __future__ import annotations

import numpy as np
from rdkit import Chem, DataStructs
from rdkit.Chem import rdFingerprintGenerator

FINGERPRINT_VERSION = 1
MORGAN_RADIUS = 2
MORGAN_BITS = 2048
MORGAN_BYTES = MORGAN_BITS // 8
MORGAN_WORDS = MORGAN_BITS // 64
_MORGAN = rdFingerprintGenerator.GetMorganGenerator(radius=MORGAN_RADIUS, fpSize=MORGAN_BITS)
_HEADER = bytes([FINGERPRINT_VERSION])


def morgan_bits(mol: Chem.Mol) -> bytes:
    """The Morgan fingerprint (radius 2, 2,048 bits) as 256 raw bytes, bit i in byte i // 8."""
    return np.packbits(_MORGAN.GetFingerprintAsNumPy(mol), bitorder="little").tobytes()


def fingerprint_bytes(mol: Chem.Mol) -> bytes:
    """The blob to store with a compound's structure (layout in the module docstring)."""
    return _HEADER + morgan_bits(mol) + Chem.PatternFingerprint(mol).ToBinary()


def fingerprint_of_smiles(smiles: str) -> bytes | None:
    """The blob of a stored canonical SMILES (parsed as the index parses it), or None when there is none."""
    mol = Chem.MolFromSmiles(smiles) if smiles else None
    return fingerprint_bytes(mol) if mol is not None else None


def is_current(blob: bytes | None) -> bool:
    """Whether a stored blob was made by this definition (else it must be recomputed)."""
    return bool(blob) and len(blob) > 1 + MORGAN_BYTES and blob[0] == FINGERPRINT_VERSION


def split(blob: bytes) -> tuple[bytes, DataStructs.ExplicitBitVect]:
    """(Morgan bits, pattern fingerprint) of a current blob."""
    return blob[1 : 1 + MORGAN_BYTES], DataStructs.ExplicitBitVect(blob[1 + MORGAN_BYTES :])
