"""Web links for the focused thing, the copy rule, and subdomain validation."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from affinity import AsyncAffinity
from affinity.policies import Policies, WritePolicy

from affinity_tui.data.links import (
    InvalidSubdomain,
    copy_text,
    is_valid_subdomain,
    url_for_path,
    web_base,
    web_url,
)
from affinity_tui.emulator import Emulator


@pytest.fixture
async def client(emulator: Emulator) -> AsyncIterator[AsyncAffinity]:
    c = AsyncAffinity(emulator.api_key, v1_base_url=emulator.v1_base_url, v2_base_url=emulator.v2_base_url,
                      async_transport=emulator.transport(), policies=Policies(write=WritePolicy.DENY))
    yield c
    await c.close()


async def test_urls_from_the_tenant_subdomain(client: AsyncAffinity, emulator: Emulator) -> None:
    me = await client.whoami()
    sub = me.tenant.subdomain
    assert sub == emulator.store.tenant.subdomain == "harborpeak"
    assert web_url(sub, "person", 50001) == "https://harborpeak.affinity.co/persons/50001"
    assert web_url(sub, "company", 70016) == "https://harborpeak.affinity.co/companies/70016"
    assert web_url(sub, "opportunity", 90001) == "https://harborpeak.affinity.co/opportunities/90001"
    assert web_url(sub, "list", 12001) == "https://harborpeak.affinity.co/lists/12001"
    assert url_for_path(sub, "/companies/70016") == "https://harborpeak.affinity.co/companies/70016"
    assert web_url(sub, "companies", 70016) == web_url(sub, "company", 70016)  # a path segment works too
    assert web_base("HarborPeak") == "https://harborpeak.affinity.co"
    assert emulator.log.writes == []


@pytest.mark.parametrize("hostile", [
    "", "evil.com/x", "evil.com#", "a@b", "harborpeak.affinity.co.evil.com", "x.y", "-lead", "trail-",
    "har bor", "harbor\npeak", "harbor/peak", "harbor:8080", "\u212aelvin", "ｈａｒｂｏｒ", "a" * 64,
    "%2e", "harbor?q=", "\\evil",
])
def test_hostile_subdomains_never_become_links(hostile: str) -> None:
    assert not is_valid_subdomain(hostile)
    with pytest.raises(InvalidSubdomain):
        web_url(hostile, "person", 1)
    with pytest.raises(InvalidSubdomain):
        url_for_path(hostile, "/persons/1")


@pytest.mark.parametrize("good", ["harborpeak", "acme-corp", "a", "x1", "a" * 63, "ACME"])
def test_valid_subdomains(good: str) -> None:
    assert is_valid_subdomain(good)
    assert web_url(good, "list", 5) == f"https://{good.lower()}.affinity.co/lists/5"


def test_ids_and_paths_are_checked() -> None:
    for bad_id in (0, -3, True):
        with pytest.raises(ValueError):
            web_url("harborpeak", "person", bad_id)
    with pytest.raises(ValueError):
        web_url("harborpeak", "notes", 1)
    for bad_path in ("/persons/1/../../x", "//evil.com/persons/1", "/persons/abc", "/notes/1", "persons/1",
                     "/persons/1?x=1", "/persons/0"):
        with pytest.raises(ValueError):
            url_for_path("harborpeak", bad_path)


def test_copy_rule() -> None:
    url = "https://harborpeak.affinity.co/persons/1"
    assert copy_text("person", url, email="ada@acme.co") == "ada@acme.co"
    assert copy_text("person", url) == url
    assert copy_text("person", url, email="  ") == url
    assert copy_text("person", url, domain="acme.co") == url  # a domain is a company's thing
    assert copy_text("company", url, domain="acme.co", email="x@y.z") == "acme.co"
    assert copy_text("company", url) == url
    assert copy_text("opportunity", url, email="a@b.c", domain="b.c") == url
    assert copy_text("list", url) == url
    assert "\n" not in copy_text("person", url, email="ada@acme.co\n\x1b[31m")
