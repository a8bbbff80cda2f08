from .fingerprints import FINGERPRINT_VERSION, fingerprint_bytes
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
    "parse_query",
]
