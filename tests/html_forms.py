"""Read an HTML form the way a browser submits it; shared by the admin tests and the load tests."""

from bs4 import BeautifulSoup


def _html(page) -> bytes | str:
    """A test-client response or its HTML."""
    return getattr(page, "content", page)


def form_data(page, form_id: str | None = None) -> dict:
    """The values a browser would submit for the form (the admin's "<model>_form" unless named)."""
    soup = BeautifulSoup(_html(page), "html.parser")
    form = soup.find("form", id=form_id or (lambda v: v and v.endswith("_form")))
    assert form is not None, "no form on the page"
    data = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or field.get("type") in {"submit", "button", "file"}:
            continue
        if field.get("type") == "checkbox":
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        elif field.name == "textarea":
            # The browser drops the one newline right after <textarea>; html.parser keeps it.
            data[name] = field.get_text().removeprefix("\n")
        elif field.name == "select":
            chosen = field.find("option", selected=True)
            data[name] = chosen["value"] if chosen else ""
        else:
            data[name] = field.get("value", "")
    return data


def form_errors(page) -> list[str]:
    """The messages of every error list on the page, in order."""
    return [li.get_text(strip=True) for li in BeautifulSoup(_html(page), "html.parser").select(".errorlist li")]
