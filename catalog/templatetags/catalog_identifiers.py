"""Identifiers as a reader sees them: formulas with subscripts, long strings with sensible line breaks.

Both only add markup that carries no text (``<sub>`` around digits already there, ``<wbr>``), so the
element's text, which the copy buttons (static/js/copy.js) and a reader's own selection copy, is
exactly the stored string.
"""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# A count after an element symbol or a closing bracket; a coefficient after a "." or "·" stays full size.
_COUNT = re.compile(r"(?<=[A-Za-z)\]])([0-9]+)")
_CHARGE = re.compile(r"([+-][0-9]*)$")
# After a layer separator (/), a list comma, a closing bracket or a component dot: where a chemist would break.
_BREAK_AFTER = re.compile(r"([/,)\].])(?=.)")


@register.filter
def formula(value: str) -> SafeString:
    """C15H22N2O → C<sub>15</sub>H<sub>22</sub>N<sub>2</sub>O; a trailing charge (+, 2-) is a superscript."""
    value = value or ""
    charge = _CHARGE.search(value)
    body, charge_text = (value[: charge.start()], charge.group(1)) if charge else (value, "")
    # Every other piece of the split is a count; each piece is escaped on its own, before any markup.
    pieces = _COUNT.split(body)
    html = "".join(f"<sub>{escape(p)}</sub>" if i % 2 else escape(p) for i, p in enumerate(pieces))
    return mark_safe(html + (f"<sup>{escape(charge_text)}</sup>" if charge_text else ""))


@register.filter
def breakable(value: str) -> SafeString:
    """A long InChI, SMILES or name with line-break opportunities (<wbr>) at sensible points only."""
    # Escaping first is safe: none of / , ) ] . occurs inside the entities escape() writes.
    return mark_safe(_BREAK_AFTER.sub(r"\1<wbr>", escape(value or "")))
