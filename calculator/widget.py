"""Context for the calculator widget on a compound page. (Filled in by the calculator issue.)"""

from django.http import HttpRequest


def widget_context(request: HttpRequest, compound) -> dict:
    return {}
