"""The header's « who » line: name, role and structure, the structure left out when its name
is the role's label (the administration's accounts), so nothing reads twice."""

from __future__ import annotations

import html
import re

from tests.conftest import login


def _who(client) -> str:
    page = client.get("/").get_data(as_text=True)
    if "class=\"who\"" not in page:  # the home page redirects to a role's page
        page = client.get(client.get("/").headers["Location"]).get_data(as_text=True)
    found = re.search(r'<p class="who">(.*?)</p>', page, re.S)
    assert found, page[:500]
    return html.unescape(found.group(1))


def test_the_structure_is_not_repeated_when_it_is_the_role(client, accounts):
    login(client, "admin@demo.example")
    who = _who(client)
    assert who.count("Administration du service") == 1, who


def test_the_structure_follows_the_role(client, accounts):
    login(client, "orienteur@demo.example")
    user = accounts["orienteur@demo.example"]
    assert _who(client).endswith(f" · {user.structure.name}")
