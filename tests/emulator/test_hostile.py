"""The hostile tenant: the demo tenant's shape with text that attacks terminals, spreadsheets and
HTML renderers, deterministic from the seed, served intact through the SDK."""

from __future__ import annotations

import argparse
import dataclasses
import re
import unicodedata
from collections.abc import AsyncIterator, Iterable

import pytest
from affinity import AsyncAffinity
from affinity.types import ListId, NoteId, PersonId

from affinity_tui.emulator import Emulator, EmulatorConfig
from affinity_tui.emulator.hostile import LONG
from affinity_tui.emulator.serve import add_arguments, banner, config_from
from affinity_tui.emulator.store import TenantStore
from affinity_tui.emulator.tenant import DEAL_PIPELINE_ID, build_demo_tenant

from .conftest import NOW, sdk_client
from .test_tenant import _digest

SMALL = {"companies": 200, "persons": 300}
SIGNS = {
    "markup": lambda t: "[bold]" in t or "[/]" in t,
    "ansi": lambda t: "\x1b[2J" in t,
    "osc52": lambda t: "\x1b]52;c;" in t,
    "osc8": lambda t: "\x1b]8;;" in t,
    "c0": lambda t: "\x00" in t and "\x07" in t,
    "c1": lambda t: "\x85" in t and "\x9b" in t,
    "rlo": lambda t: "\u202e" in t,
    "zero-width": lambda t: "\u200b" in t and "\ufeff" in t,
    "emoji": lambda t: "\U0001f469\u200d" in t,
    "combining": lambda t: any(unicodedata.combining(ch) for ch in t),
    "long": lambda t: len(t) >= LONG,
    "formula": lambda t: t[:1] in ("=", "+", "-", "@"),
    "html": lambda t: "<script>" in t,
}


def _hostile(seed: int = 7, **kw: int) -> TenantStore:
    return build_demo_tenant(seed, 40, NOW, hostile=True, **{**SMALL, **kw})


@pytest.fixture(scope="module")
def store() -> TenantStore:
    return _hostile()


def _missing(texts: Iterable[str]) -> set[str]:
    texts = list(texts)
    return {sign for sign, test in SIGNS.items() if not any(test(t) for t in texts)}


def test_every_kind_of_text_carries_every_payload(store: TenantStore) -> None:
    s = store
    kinds = {
        "person names": [p.first_name for p in s.persons.values()],
        "emails": [p.emails[0] for p in s.persons.values()],
        "company names": [c.name for c in s.companies.values()],
        "domains": [c.domain or "" for c in s.companies.values()],
        "opportunity names": [o.name for o in s.opportunities.values()],
        "dropdown options": [o.text for f in s.fields.values() for o in f.options],
        "text values": [v for e in [*s.persons.values(), *s.companies.values(), *s.entries.values()]
                        for v in e.values.values() if isinstance(v, str)],
        # A paragraph of a note leads with the formula starter (what an export of its text shows).
        "notes": [re.sub(r"^.*?<p>(?=[=+@-])", "", n.html) for n in s.notes.values()],
        "reminders": [r.content or "" for r in s.reminders.values()],
    }
    for kind, texts in kinds.items():
        assert not _missing(texts), f"{kind} lack {_missing(texts)}"
    # Four lists and a dozen saved views: each carries a payload.
    assert all(any(test(lst.name) for test in SIGNS.values()) for lst in s.lists.values())
    assert all(any(test(v.name) for test in SIGNS.values()) for v in s.saved_views.values())
    assert SIGNS["markup"](s.tenant.name)
    notes = [n.html for n in s.notes.values()]
    for sign in ("<script>", "onerror=", 'href="javascript:', "<iframe", "<style>", "<!--", "never closed"):
        assert any(sign in h for h in notes), sign


def test_about_half_of_the_records_stay_ordinary(store: TenantStore) -> None:
    demo = build_demo_tenant(7, 40, NOW, **SMALL)
    same = sum(store.persons[i].first_name == p.first_name for i, p in demo.persons.items())
    assert 0.3 * len(demo.persons) < same < 0.7 * len(demo.persons)


def test_same_shape_as_the_demo_tenant(store: TenantStore) -> None:
    """Ids, counts, relations, numbers, dates and option ids are the demo tenant's."""
    demo = build_demo_tenant(7, 40, NOW, **SMALL)
    s = store
    for name in ("persons", "companies", "opportunities", "lists", "entries", "saved_views", "notes",
                 "reminders", "interactions"):
        assert list(getattr(s, name)) == list(getattr(demo, name)), name
    assert list(s.fields) == list(demo.fields)
    assert s.relationship_strengths == demo.relationship_strengths
    for i, p in demo.persons.items():
        assert (s.persons[i].company_ids, s.persons[i].type, len(s.persons[i].emails)) == (
            p.company_ids, p.type, len(p.emails))
    for i, o in demo.opportunities.items():
        assert (s.opportunities[i].person_ids, s.opportunities[i].company_ids) == (o.person_ids, o.company_ids)
    for i, e in demo.entries.items():
        assert set(s.entries[i].values) == set(e.values)
        assert {k: v for k, v in s.entries[i].values.items() if not isinstance(v, str)} == {
            k: v for k, v in e.values.items() if not isinstance(v, str)}
    for key, f in demo.fields.items():
        assert [o.id for o in s.fields[key].options] == [o.id for o in f.options]
    for i, v in demo.saved_views.items():
        assert (s.saved_views[i].filters, s.saved_views[i].field_ids) == (v.filters, v.field_ids)
    for i, r in demo.reminders.items():
        assert dataclasses.replace(s.reminders[i], content=r.content) == r
    for i, n in demo.notes.items():
        assert dataclasses.replace(s.notes[i], html=n.html) == n


def test_deterministic_from_the_seed() -> None:
    seven = _digest(_hostile(7))
    assert seven == _digest(_hostile(7))
    assert seven not in (_digest(_hostile(8)), _digest(build_demo_tenant(7, 40, NOW, **SMALL)))


def test_emails_and_meetings_carry_the_hostile_names(store: TenantStore) -> None:
    titles = [i.title or "" for i in store.interactions.values()]
    assert any(SIGNS["markup"](t) for t in titles) and any(SIGNS["ansi"](t) for t in titles)


def test_the_cli_option() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert config_from(parser.parse_args(["--hostile"])).hostile is True
    assert config_from(parser.parse_args([])).hostile is False


def test_the_servers_banner_prints_hostile_names_escaped() -> None:
    emu = Emulator(EmulatorConfig(now=NOW, hostile=True, scale=40, **SMALL))
    text = banner(emu, "127.0.0.1", 8765, 0.1)
    assert not any(unicodedata.category(ch)[0] == "C" for ch in text.replace("\n", ""))
    assert "\\x1b[2J" in text and len(text) < 2000


# ---- served through the SDK ------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_emu() -> Emulator:
    return Emulator(EmulatorConfig(now=NOW, hostile=True, scale=40, **SMALL))


@pytest.fixture
async def sdk(hostile_emu: Emulator) -> AsyncIterator[AsyncAffinity]:
    client = sdk_client(hostile_emu, read_only=True)
    yield client
    await client.close()


async def test_the_sdk_reads_hostile_text_exactly(sdk: AsyncAffinity, hostile_emu: Emulator) -> None:
    s = hostile_emu.store
    persons = {int(p.id): p async for p in sdk.persons.all()}
    assert len(persons) == len(s.persons)
    for pid, p in s.persons.items():
        assert (persons[pid].first_name, persons[pid].primary_email) == (p.first_name, p.primary_email)
    companies = {int(c.id): c async for c in sdk.companies.all()}
    assert all(companies[i].name == c.name and companies[i].domain == c.domain for i, c in s.companies.items())
    lists = {int(lst.id): lst.name async for lst in sdk.lists.all()}
    assert lists == {i: lst.name for i, lst in s.lists.items()}
    status = next(f for f in s.list_fields(DEAL_PIPELINE_ID) if f.name == "Status")
    entries = [e async for e in sdk.lists.entries(ListId(DEAL_PIPELINE_ID)).all(field_ids=[status.id])]
    for e in entries:
        option = e.entity.fields.get_value(status.id)  # type: ignore[union-attr]
        stored = s.entries[int(e.id)].values[status.id]
        assert option.text == status.option(stored).text  # type: ignore[union-attr]
    note = next(n for n in s.notes.values() if "<script>" in n.html)
    assert (await sdk.notes.get(NoteId(note.id))).content.html == note.html  # type: ignore[union-attr]
    pid = next(p.id for p in s.persons.values() if len(p.first_name) >= LONG)
    assert (await sdk.persons.get(PersonId(pid))).first_name == s.persons[pid].first_name
    views = await sdk.lists.get_saved_views(ListId(DEAL_PIPELINE_ID))
    assert {v.name for v in views.data} == {v.name for v in s.saved_views.values() if v.list_id == DEAL_PIPELINE_ID}


async def test_searching_a_hostile_name_finds_it(sdk: AsyncAffinity, hostile_emu: Emulator) -> None:
    s = hostile_emu.store
    company = next(c for c in s.companies.values() if c.name.startswith("\x1b[2J"))
    found = await sdk.companies.search(company.name[len("\x1b[2J\x1b[H\x1b[31m"):][:6])
    assert company.id in {int(c.id) for c in found.data}
