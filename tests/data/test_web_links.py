"""Links from Affinity's web app: every accepted form parses; anything else is refused with the
forms that are accepted."""

from __future__ import annotations

import pytest

from affinity_tui.data.resume import DetailPlace, Place
from affinity_tui.data.web_links import ACCEPTED_FORMS, UnreadableLink, WebTarget, parse_web_link


@pytest.mark.parametrize(("url", "target"), [
    ("https://harborpeak.affinity.co/persons/52007", WebTarget("person", 52007, "harborpeak")),
    ("https://harborpeak.affinity.com/companies/70016", WebTarget("company", 70016, "harborpeak")),
    ("https://harborpeak.affinity.co/opportunities/300001", WebTarget("opportunity", 300001, "harborpeak")),
    ("https://harborpeak.affinity.co/lists/12001", WebTarget("list", 12001, "harborpeak")),
    ("https://harborpeak.affinity.co/lists/12001/entries/300005",
     WebTarget("entry", 12001, "harborpeak", entry_id=300005)),
    ("harborpeak.affinity.co/lists/12001/", WebTarget("list", 12001, "harborpeak")),
    ("  HTTPS://HarborPeak.Affinity.Co/persons/1?tab=notes#top  ", WebTarget("person", 1, "harborpeak")),
    ("http://a-b.affinity.co/companies/9", WebTarget("company", 9, "a-b")),
])
def test_every_form_parses(url: str, target: WebTarget) -> None:
    assert parse_web_link(url) == target


def test_each_target_opens_its_place() -> None:
    assert parse_web_link("x.affinity.co/lists/5").place() == Place(mode="lists", list_id=5)
    assert parse_web_link("x.affinity.co/lists/5/entries/7").place() == \
        Place(mode="lists", list_id=5, row_key=7, open_entry=True)
    assert parse_web_link("x.affinity.co/companies/3").place() == \
        Place(mode="companies", detail=DetailPlace("company", 3))


@pytest.mark.parametrize(("url", "why"), [
    ("", "empty"),
    ("https://evil.com/persons/1", "not <subdomain>.affinity.co"),
    ("https://affinity.co/persons/1", "not <subdomain>.affinity.co"),
    ("https://a.b.affinity.co/persons/1", "not <subdomain>.affinity.co"),
    ("https://x.affinity.co.evil.com/persons/1", "not <subdomain>.affinity.co"),
    ("https://user:pw@x.affinity.co/persons/1", "not an Affinity web address"),
    ("https://x.affinity.co:8443/persons/1", "not an Affinity web address"),
    ("ftp://x.affinity.co/persons/1", "not a web address"),
    ("https://x.affinity.co/persons/abc", "is not a person"),
    ("https://x.affinity.co/persons/0", "is not a person"),
    ("https://x.affinity.co/people/1", "is not a person"),
    ("https://x.affinity.co/lists/1/entries", "is not a person"),
    ("https://x.affinity.co/persons/1/notes", "is not a person"),
    ("https://x.affinity.co/", "is not a person"),
    ("https://[::1/persons/1", "not a web address"),
])
def test_anything_else_is_refused_with_the_accepted_forms(url: str, why: str) -> None:
    with pytest.raises(UnreadableLink) as refused:
        parse_web_link(url)
    message = str(refused.value)
    assert why in message
    assert all(form in message for form in ACCEPTED_FORMS)
