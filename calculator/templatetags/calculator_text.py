"""Template filters for the calculator's sentences."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# A number and the unit after it ("2.464 mg", "1 mL", "10 mM", "246.35 g/mol", "37 %").
_QUANTITY = re.compile(r"([0-9][0-9.]*) ([A-Za-zµμ%][A-Za-zµμ%/]*)")


@register.filter
def keep_units(text: str) -> SafeString:
    """The text with each number and its unit in a no-wrap span, so a line never splits them.

    A span rather than a no-break space: the text stays the same characters for copying and searching.
    """
    # Escaped first: no entity that escape() writes has a digit followed by a space.
    return mark_safe(_QUANTITY.sub(r'<span class="calc-nowrap">\1 \2</span>', escape(text)))
