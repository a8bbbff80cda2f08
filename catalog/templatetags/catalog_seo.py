from django import template
from django.utils.safestring import SafeString

from catalog.models import Compound
from catalog.seo import compound_structured_data, json_ld_script

register = template.Library()


@register.simple_tag(takes_context=True)
def compound_json_ld(context, compound: Compound) -> SafeString:
    return json_ld_script(compound_structured_data(compound, context["request"]))
