from django import template
from django.utils.safestring import SafeString, mark_safe

from catalog import drawings
from catalog.models import Compound

register = template.Library()


@register.filter
def structure_svg(compound: Compound) -> SafeString:
    """The compound's drawing, inline (our own RDKit SVG: the name in its title is escaped)."""
    return mark_safe(drawings.structure_svg(compound))
