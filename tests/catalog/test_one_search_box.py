"""One search box per screen: a page with a search box of its own leaves the header's out (issue 16.5)."""

import pytest
from bs4 import BeautifulSoup

from tests.factories import make_compound


@pytest.mark.parametrize(
    ("path", "box"),
    [
        ("/", "home-search"),
        ("/compounds/", "list-search"),
        ("/compounds/?q=milna", "list-search"),
        ("/compounds/milnacipran/", "site-search"),
    ],
)
def test_each_page_has_one_search_box(client, db, path, box):
    make_compound(name="Milnacipran", slug="milnacipran")
    soup = BeautifulSoup(client.get(path).content, "html.parser")
    assert [field["id"] for field in soup.select("input[type=search]")] == [box]
