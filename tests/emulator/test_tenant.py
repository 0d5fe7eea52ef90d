"""The demo tenant: deterministic for a seed, shaped like a venture firm's Affinity."""

from __future__ import annotations

import dataclasses
import hashlib
import json

from affinity_tui.emulator.serialize import V2
from affinity_tui.emulator.store import TenantStore
from affinity_tui.emulator.tenant import DEAL_PIPELINE_ID, STAGES, build_demo_tenant

from .conftest import NOW


def _fingerprint(seed: int, scale: int = 300) -> str:
    store = build_demo_tenant(seed, scale, NOW)
    ser = V2(store, now_iso="2026-11-24T12:00:00Z")
    entries = store.list_entries(DEAL_PIPELINE_ID)
    data = {"entries": [ser.entry(e, store.list_fields(DEAL_PIPELINE_ID)) for e in entries[:50]],
            "people": [ser.person(p, store.entity_fields("person")) for p in list(store.persons.values())[:50]],
            "notes": [ser.note(n) for n in list(store.notes.values())[:50]],
            "reminders": [ser.reminder(r) for r in store.reminders.values()]}
    return json.dumps(data, sort_keys=True)


def test_same_seed_same_tenant_other_seed_other_tenant() -> None:
    assert _fingerprint(7) == _fingerprint(7)
    assert _fingerprint(7) != _fingerprint(8)


def test_a_venture_firm() -> None:
    store = build_demo_tenant(now=NOW)
    assert {lst.name for lst in store.lists.values()} == {"Deal Pipeline", "Portfolio", "Founders", "Co-investors"}
    assert 1900 <= len(store.companies) <= 2100 and len(store.persons) == 3000
    assert store.list_size(DEAL_PIPELINE_ID) == 300
    status = next(f for f in store.list_fields(DEAL_PIPELINE_ID) if f.name == "Status")
    assert [o.text for o in status.options] == STAGES and status.value_type == "ranked-dropdown"
    names = {f.name for f in store.list_fields(DEAL_PIPELINE_ID)}
    assert {"Owners", "Amount", "Close Date", "Sector"} <= names
    kinds = {f.value_type for f in store.fields.values()}
    assert kinds >= {"text", "filterable-text", "filterable-text-multi", "number", "number-multi", "datetime",
                     "dropdown", "dropdown-multi", "ranked-dropdown", "person", "person-multi", "company",
                     "company-multi", "location", "location-multi", "formula-number", "interaction"}
    assert {f.kind for f in store.fields.values()} == {"enriched", "global", "list", "relationship-intelligence"}
    statuses = {"overdue" if r.due_date < "2026-11-24" and not r.completed_at else "other"
                for r in store.reminders.values()}
    assert statuses == {"overdue", "other"}, "reminders both due and overdue"
    assert {i.kind for i in store.interactions.values()} == {"email", "meeting"}
    assert any("<a href=" in n.html for n in store.notes.values())
    assert any("<ul>" in n.html or "<ol>" in n.html for n in store.notes.values())
    assert any(n.mention_ids for n in store.notes.values())
    assert store.relationship_strengths
    assert sum(1 for v in store.saved_views.values() if v.list_id == DEAL_PIPELINE_ID) >= 2


def test_scale_grows_the_deal_pipeline() -> None:
    store = build_demo_tenant(scale=2500, now=NOW, companies=300, persons=600)
    assert store.list_size(DEAL_PIPELINE_ID) == 2500
    assert len({e.entity_id for e in store.list_entries(DEAL_PIPELINE_ID)}) == 2500


def test_faster_draws_match_cpython_random() -> None:
    """The generator's own randint/choice draw exactly what random.Random's would."""
    import random

    from affinity_tui.emulator.tenant import _Random

    ours, theirs = _Random(11), random.Random(11)
    for n in (1, 2, 3, 7, 12, 100, 1000, 2**20 + 3):
        assert [ours.randint(-5, n) for _ in range(50)] == [theirs.randint(-5, n) for _ in range(50)]
        seq = list(range(n if n < 5000 else 5000))
        assert [ours.choice(seq) for _ in range(50)] == [theirs.choice(seq) for _ in range(50)]
    assert ours.random() == theirs.random()  # still in step


def test_deferred_activity_is_the_same_tenant_once_settled() -> None:
    """The demo defers emails and meetings (cold start); settled, nothing differs."""
    import pickle

    eager = build_demo_tenant(5, 300, NOW)
    lazy = build_demo_tenant(5, 300, NOW, defer_activity=True)
    assert not lazy.settled and not lazy.interactions and not lazy.relationship_strengths
    assert eager.settled and eager.interactions
    lazy.settle()
    assert lazy.settled
    assert pickle.dumps(lazy) == pickle.dumps(eager)


def _digest(store: TenantStore) -> str:
    """sha256 of every record of a tenant, serialized canonically."""
    s = store
    records = {
        "tenant": dataclasses.asdict(s.tenant), "me": s.current_user_id,
        **{name: [dataclasses.asdict(r) for r in getattr(s, name).values()]
           for name in ("persons", "companies", "opportunities", "lists", "entries", "saved_views",
                        "notes", "reminders", "interactions")},
        "fields": [dataclasses.asdict(f) for f in s.fields.values()],
        "strengths": sorted([*k, v] for k, v in s.relationship_strengths.items()),
    }
    return hashlib.sha256(json.dumps(records, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def test_demo_tenant_is_pinned() -> None:
    """The demo tenant is exactly what it was: docs, screenshots and benchmarks rely on it.
    (Change these digests only for an intended change to the demo data.)"""
    assert _digest(build_demo_tenant(now=NOW)) == "90492f8924e4496ea058bedac836d6b73e2975e286d6dd2004dd50d5d3a2322e"
    assert _digest(build_demo_tenant(3, 50, NOW, companies=200, persons=300)) == \
        "b76f9083b6b71689aae131789161e0218ad5121e013beac6c3081e46e4fdf43d"
