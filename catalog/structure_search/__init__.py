from .fingerprints import FINGERPRINT_VERSION, fingerprint_bytes
from .query import Query, QueryError, parse_query

__all__ = ["FINGERPRINT_VERSION", "Query", "QueryError", "fingerprint_bytes", "parse_query"]
