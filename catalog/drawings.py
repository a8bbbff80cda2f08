"""Structure drawings for pages, lists and downloads: the one stored with the compound, or one drawn and cached.

A compound's drawing is stored when it is saved (``Compound.refresh_structure``). Rows written
without ``save()`` (generate_catalog's synthetic compounds store none: a million SVGs would take
gigabytes) get theirs drawn on first view and kept in the cache under the structure's hash, so it is
drawn once, not on every request.
"""

from __future__ import annotations

from django.core.cache import cache

from .depiction import LARGE
from .models import Compound

# A day, not forever: a million synthetic compounds drawn this way would otherwise pin gigabytes in Redis.
DRAWING_SECONDS = 60 * 60 * 24


def structure_svg(compound: Compound) -> str:
    """The compound's drawing as inline SVG, or "" when it has no structure."""
    if not compound.structure_smiles:
        return ""
    if compound.has_current_drawing:
        return compound.structure_svg
    key = f"catalog:structure-svg:{compound.current_structure_hash()}"
    return cache.get_or_set(key, compound.draw_structure, timeout=DRAWING_SECONDS)


def large_structure_svg(compound: Compound) -> str:
    """The larger view with legible stereo labels: drawn on first view and cached under the structure's hash."""
    if not compound.has_structure:
        return ""
    key = f"catalog:structure-svg:{LARGE.version}:{compound.current_structure_hash()}"
    return cache.get_or_set(key, lambda: compound.draw_large_structure(LARGE), timeout=DRAWING_SECONDS)
