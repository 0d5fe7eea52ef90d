"""The demo tenant: a venture firm's Affinity, generated deterministically from a seed.

`build_demo_tenant(seed, scale, now)` returns a `TenantStore` that feels like a real VC team's
CRM: a current user and teammates, ~2,000 companies, ~3,000 people, a Deal Pipeline of
opportunities (``scale`` entries), Portfolio, Founders and Co-investors lists with saved views,
HTML notes, reminders due and overdue, emails and meetings, relationship strengths, and fields
of every value type the API has. Same seed and `now` give byte-identical data.

`now` anchors every relative date (reminders due next week, meetings last month), so tests and
snapshots pass a fixed one and the live demo passes today. With `hostile`, the same tenant's
text is made hostile (`hostile.make_hostile`) before emails and meetings are generated.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from .hostile import make_hostile
from .store import (
    AffinityList,
    Company,
    DropdownOption,
    FieldDef,
    Interaction,
    ListEntry,
    Note,
    Opportunity,
    Person,
    Reminder,
    SavedView,
    Tenant,
    TenantStore,
)

DEFAULT_SEED = 7
DEFAULT_SCALE = 300
DEFAULT_COMPANIES = 2000
DEFAULT_PERSONS = 3000

# Fixed ids so that docs, tests and the CLI session in README can name them.
DEAL_PIPELINE_ID = 12001
PORTFOLIO_ID = 12002
FOUNDERS_ID = 12003
CO_INVESTORS_ID = 12004

STAGES = ["Sourced", "Screening", "Diligence", "IC Review", "Term Sheet", "Closed Won", "Passed"]
STAGE_COLORS = ["gray", "blue", "purple", "orange", "yellow", "green", "red"]
SECTORS = ["Fintech", "Healthcare", "Climate", "AI/ML", "Developer Tools", "Security",
           "Consumer", "Marketplaces", "Biotech", "Enterprise SaaS", "Robotics", "Web3"]
ROUNDS = ["Pre-seed", "Seed", "Series A", "Series B", "Series C", "Growth"]
SOURCES = ["Inbound", "Founder referral", "Co-investor", "Conference", "Cold outbound", "Portfolio CEO"]
HEALTH = ["On track", "Watch", "At risk"]
HEALTH_COLORS = ["green", "yellow", "red"]
TIERS = ["Tier 1", "Tier 2", "Tier 3"]
SENIORITY = ["Founder", "C-level", "VP", "Director", "Manager", "Individual contributor"]

FIRST = ["Ada", "Alan", "Amara", "Ana", "Arjun", "Beatriz", "Ben", "Camille", "Chen", "Chloe",
         "Daniel", "Dara", "David", "Elena", "Emeka", "Emma", "Farah", "Felix", "Grace", "Hana",
         "Hugo", "Ines", "Isaac", "Jade", "James", "Jin", "Julia", "Kai", "Kavya", "Leila",
         "Leo", "Lucas", "Maya", "Mei", "Mateo", "Nadia", "Noah", "Nora", "Olga", "Omar",
         "Priya", "Rafael", "Rosa", "Sam", "Sara", "Sofia", "Tariq", "Theo", "Uma", "Victor",
         "Wen", "Xavier", "Yara", "Yusuf", "Zoe", "Aiko", "Bruno", "Clara", "Diego", "Eva"]
LAST = ["Okafor", "Schmidt", "Nakamura", "Silva", "Kowalski", "Haddad", "Lindqvist", "Moreau",
        "Patel", "Garcia", "Chen", "O'Brien", "Novak", "Rossi", "Ibrahim", "Jensen", "Kim",
        "Martin", "Nguyen", "Petrov", "Quinn", "Reyes", "Sato", "Tanaka", "Usman", "Varga",
        "Wagner", "Xu", "Yilmaz", "Zhang", "Andersen", "Bakker", "Costa", "Dubois", "Evans",
        "Fischer", "Gupta", "Hansen", "Ivanova", "Jovanovic", "Khan", "Laurent", "Müller",
        "Nilsen", "Ortiz", "Park", "Rahman", "Santos", "Torres", "Weber"]
NAME_A = ["Blue", "Bright", "Cedar", "Clear", "Copper", "Deep", "Ever", "Fern", "Granite", "Harbor",
          "Iron", "Juniper", "Keen", "Lumen", "Maple", "North", "Oak", "Pine", "Quartz", "River",
          "Silver", "Stone", "True", "Vast", "Wild", "Zen", "Nova", "Polar", "Solar", "Tidal"]
NAME_B = ["Labs", "Bio", "Pay", "Works", "Grid", "Stack", "Loop", "Forge", "Health", "Mind",
          "Flow", "Scale", "Logic", "Cloud", "Data", "Wave", "Path", "Shift", "Vault", "Signal"]
CO_INVESTOR_NAMES = ["Sequoia Heights Capital", "Lighthouse Partners", "Redwood Ventures",
                     "Granite Peak Capital", "Accel Meadow", "Index Bay Ventures", "Northzone Arc",
                     "Atomico Street", "Balderton Row", "Point Nine Hills", "Kindred Harbor",
                     "Seedcamp Yard", "LocalGlobe Square", "Creandum North", "Speedinvest Lane"]
CITIES = [("San Francisco", "California", "United States", "North America"),
          ("New York", "New York", "United States", "North America"),
          ("London", "England", "United Kingdom", "Europe"),
          ("Berlin", "Berlin", "Germany", "Europe"),
          ("Paris", "Île-de-France", "France", "Europe"),
          ("Stockholm", "Stockholm County", "Sweden", "Europe"),
          ("Toronto", "Ontario", "Canada", "North America"),
          ("Singapore", None, "Singapore", "Asia"),
          ("Bangalore", "Karnataka", "India", "Asia"),
          ("Lagos", "Lagos", "Nigeria", "Africa"),
          ("São Paulo", "São Paulo", "Brazil", "South America"),
          ("Tel Aviv", "Tel Aviv District", "Israel", "Asia")]
TITLES = ["CEO & Co-founder", "CTO & Co-founder", "COO", "VP Engineering", "Head of Product",
          "CFO", "VP Sales", "Head of Growth", "Chief Scientist", "General Partner",
          "Principal", "Partner", "Investment Director", "Head of Platform", "Engineering Manager"]
TEAM = [("Morgan", "Reyes", "Partner"), ("Priya", "Raman", "Partner"),
        ("Jonas", "Berg", "Principal"), ("Ines", "Carvalho", "Associate"),
        ("Tom", "Whitfield", "Analyst"), ("Lea", "Hoffmann", "Head of Platform")]
FIRM_DOMAIN = "harborpeak.vc"


def _iso(dt: datetime) -> str:
    """``2026-11-24T09:30:00Z`` (isoformat is C code: the generator makes ~20,000 of these)."""
    if dt.tzinfo is not None and dt.utcoffset():
        dt = dt.astimezone(UTC)
    return dt.replace(tzinfo=None, microsecond=0).isoformat() + "Z"


def _today(now: datetime | None) -> datetime:
    base = now or datetime.now(UTC)
    return base.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


class _Random(random.Random):
    """`random.Random` whose `randint` and `choice` skip two layers of Python calls.

    They draw exactly as CPython's own do (``_randbelow_with_getrandbits``), so a seed gives the
    same tenant, three times faster: the generator makes ~100,000 such draws, and `randint`'s
    three nested calls would be a third of building the demo tenant, which is on the cold start."""

    def randint(self, a: int, b: int) -> int:
        n = b - a + 1
        k = n.bit_length()
        r = self.getrandbits(k)
        while r >= n:
            r = self.getrandbits(k)
        return a + r

    def choice(self, seq: Any) -> Any:
        n = len(seq)
        k = n.bit_length()
        r = self.getrandbits(k)
        while r >= n:
            r = self.getrandbits(k)
        return seq[r]


class _Ids:
    """Sequential ids per record kind, starting at realistic-looking offsets."""

    def __init__(self) -> None:
        self._next = {"person": 50001, "company": 70001, "opportunity": 90001, "entry": 300001,
                      "field": 3001, "option": 8001, "note": 400001, "reminder": 500001,
                      "interaction": 600001, "view": 901}

    def __call__(self, kind: str) -> int:
        value = self._next[kind]
        self._next[kind] = value + 1
        return value


class _Builder:
    def __init__(self, seed: int, scale: int, now: datetime | None,
                 n_companies: int, n_persons: int) -> None:
        self.seed = seed
        self.rng = _Random(seed)
        self.scale = scale
        self.today = _today(now)
        self.n_companies = n_companies
        self.n_persons = n_persons
        self.ids = _Ids()
        self.store = TenantStore(Tenant(id=4242, name="Harbor Peak Ventures", subdomain="harborpeak"),
                                 current_user_id=50001)

    # ---- helpers -----------------------------------------------------------------------------
    def days_ago(self, lo: int, hi: int) -> datetime:
        return self.today - timedelta(days=self.rng.randint(lo, hi),
                                      minutes=self.rng.randint(0, 24 * 60 - 1))

    def field(self, name: str, kind: str, value_type: str, entity_type: str, *,
              list_id: int | None = None, field_id: str | None = None,
              source: str | None = None, options: list[str] | None = None,
              colors: list[str] | None = None, ranked: bool = False) -> FieldDef:
        opts = []
        for i, text in enumerate(options or []):
            opts.append(DropdownOption(id=self.ids("option"), text=text,
                                       rank=i + 1 if ranked else None,
                                       color=(colors[i] if colors else None) if ranked else None))
        f = FieldDef(id=field_id or f"field-{self.ids('field')}", name=name, kind=kind,  # type: ignore[arg-type]
                     value_type=value_type, entity_type=entity_type, list_id=list_id,  # type: ignore[arg-type]
                     enrichment_source=source, options=opts)
        return self.store.add_field(f)

    # ---- the tenant --------------------------------------------------------------------------
    def build(self, defer_activity: bool, hostile: bool = False) -> TenantStore:
        self.team()
        self.schema()
        self.companies()
        self.persons()
        self.lists()
        self.notes()
        self.reminders()
        if hostile:
            # Its own generator: the draws below, and so the tenant's shape, stay the same.
            make_hostile(self.store, self.seed)
        # Emails and meetings come last and draw from the generator only after everything else,
        # so deferring them (`TenantStore.defer`) yields the very same tenant.
        if defer_activity:
            self.store.defer(self.interactions)
        else:
            self.interactions()
        return self.store

    def team(self) -> None:
        s = self.store
        for first, last, _title in TEAM:
            pid = self.ids("person")
            email = f"{first.lower()}.{last.lower()}@{FIRM_DOMAIN}"
            s.persons[pid] = Person(id=pid, first_name=first, last_name=last, emails=[email],
                                    type="internal", created_at="2021-03-01T09:00:00Z")
        self.team_ids = list(s.persons)

    def schema(self) -> None:
        f = self.field
        # Company: enriched (affinity-data), global and relationship intelligence.
        self.c_desc = f("Description", "enriched", "text", "company",
                        field_id="affinity-data-description", source="affinity-data")
        self.c_loc = f("Location", "enriched", "location", "company",
                       field_id="affinity-data-location", source="affinity-data")
        self.c_ind = f("Industry", "enriched", "filterable-text-multi", "company",
                       field_id="affinity-data-industry", source="affinity-data")
        self.c_emp = f("Number of Employees", "enriched", "number", "company",
                       field_id="affinity-data-number-of-employees", source="affinity-data")
        self.c_funding = f("Total Funding Amount (USD)", "enriched", "number", "company",
                           field_id="affinity-data-total-funding-amount", source="affinity-data")
        self.c_last_funding = f("Last Funding Date", "enriched", "datetime", "company",
                                field_id="affinity-data-last-funding-date", source="affinity-data")
        self.c_year = f("Year Founded", "enriched", "number", "company",
                        field_id="affinity-data-year-founded", source="affinity-data")
        self.c_dr_emp = f("Employees (Dealroom)", "enriched", "number", "company",
                          field_id="dealroom-number-of-employees", source="dealroom")
        self.c_source = f("Source", "global", "dropdown", "company", options=SOURCES)
        self.c_tags = f("Tags", "global", "dropdown-multi", "company",
                        options=["Hot", "Follow-on", "Female founder", "Repeat founder", "Stealth"])
        self.c_rel_owner = f("Relationship Owner", "global", "person", "company")
        self.c_offices = f("Office Locations", "global", "location-multi", "company")
        self.c_checks = f("Typical Check Sizes (USD)", "global", "number-multi", "company")
        self.c_keywords = f("Keywords", "global", "filterable-text-multi", "company")
        self.c_first_email = f("First Email", "relationship-intelligence", "interaction", "company",
                               field_id="first-email")
        self.c_last_email = f("Last Email", "relationship-intelligence", "interaction", "company",
                              field_id="last-email")
        self.c_last_event = f("Last Meeting", "relationship-intelligence", "interaction", "company",
                              field_id="last-event")
        self.c_next_event = f("Next Meeting", "relationship-intelligence", "interaction", "company",
                              field_id="next-event")
        self.c_last_contact = f("Last Contact", "relationship-intelligence", "interaction", "company",
                                field_id="last-contact")
        # Person.
        self.p_title = f("Current Job Title", "enriched", "filterable-text", "person",
                         field_id="affinity-data-current-job-title", source="affinity-data")
        self.p_loc = f("Location", "enriched", "location", "person",
                       field_id="affinity-data-location", source="affinity-data")
        self.p_phone = f("Phone", "global", "text", "person")
        self.p_seniority = f("Seniority", "global", "dropdown", "person", options=SENIORITY)
        self.p_employer = f("Current Employer", "global", "company", "person")
        self.p_intro = f("Source of Introduction", "relationship-intelligence", "person", "person",
                         field_id="source-of-introduction")
        self.p_first_email = f("First Email", "relationship-intelligence", "interaction", "person",
                               field_id="first-email")
        self.p_last_email = f("Last Email", "relationship-intelligence", "interaction", "person",
                              field_id="last-email")
        self.p_last_event = f("Last Meeting", "relationship-intelligence", "interaction", "person",
                              field_id="last-event")
        self.p_next_event = f("Next Meeting", "relationship-intelligence", "interaction", "person",
                              field_id="next-event")
        self.p_last_contact = f("Last Contact", "relationship-intelligence", "interaction", "person",
                                field_id="last-contact")

    # ---- entities ----------------------------------------------------------------------------
    def companies(self) -> None:
        rng, s = self.rng, self.store
        used: set[str] = set()
        self.company_ids: list[int] = []
        self.coinvestor_ids: list[int] = []
        for name in CO_INVESTOR_NAMES:
            self.coinvestor_ids.append(self._company(name, investor=True))
        while len(self.company_ids) < self.n_companies:
            name = f"{rng.choice(NAME_A)}{rng.choice(NAME_B).lower()}"
            if name in used:
                name = f"{name} {rng.choice(['AI', 'Health', 'Systems', 'Robotics', 'Energy', 'HQ'])}"
            if name in used:
                name = f"{name} {len(used)}"
            used.add(name)
            self.company_ids.append(self._company(name))
        self.firm_id = self._company("Harbor Peak Ventures", investor=True, domain=FIRM_DOMAIN)
        s.companies[self.firm_id].person_ids = list(self.team_ids)
        for pid in self.team_ids:
            s.persons[pid].company_ids = [self.firm_id]

    def _company(self, name: str, *, investor: bool = False, domain: str | None = None) -> int:
        rng = self.rng
        cid = self.ids("company")
        slug = "".join(ch for ch in name.lower() if ch.isalnum())
        domain = domain or f"{slug}.{rng.choice(['com', 'io', 'ai', 'co', 'vc' if investor else 'dev'])}"
        domains = [domain] + ([f"{slug}.com"] if not domain.endswith(".com") and rng.random() < 0.3 else [])
        city, state, country, continent = rng.choice(CITIES)
        values: dict[str, Any] = {
            self.c_desc.id: (f"{name} is an investment firm backing founders in "
                             f"{', '.join(rng.sample(SECTORS, 2))}." if investor else
                             f"{name} builds {rng.choice(['software', 'infrastructure', 'tools', 'a platform'])} "
                             f"for {rng.choice(SECTORS).lower()} teams."),
            self.c_loc.id: {"streetAddress": f"{rng.randint(1, 999)} {rng.choice(LAST)} Street",
                            "city": city, "state": state, "country": country, "continent": continent},
            self.c_ind.id: rng.sample(SECTORS, rng.randint(1, 3)),
            self.c_emp.id: rng.choice([4, 8, 12, 25, 40, 75, 120, 300, 850]),
            self.c_year.id: rng.randint(2008, 2025),
        }
        if rng.random() < 0.7:
            values[self.c_funding.id] = rng.choice([500_000, 2_000_000, 6_500_000, 18_000_000, 45_000_000])
            values[self.c_last_funding.id] = _iso(self.days_ago(30, 900).replace(hour=0, minute=0))
        if rng.random() < 0.4:
            values[self.c_dr_emp.id] = values[self.c_emp.id] + rng.randint(-3, 10)
        if rng.random() < 0.6:
            values[self.c_source.id] = rng.choice(self.c_source.options).id
        if rng.random() < 0.35:
            values[self.c_tags.id] = [o.id for o in rng.sample(self.c_tags.options, rng.randint(1, 2))]
        if rng.random() < 0.5:
            values[self.c_rel_owner.id] = rng.choice(self.team_ids)
        if investor:
            values[self.c_checks.id] = sorted(rng.sample([250_000, 500_000, 1_000_000, 3_000_000,
                                                          5_000_000, 10_000_000], 2))
            values[self.c_offices.id] = [{"streetAddress": None, "city": c, "state": st,
                                          "country": co, "continent": ct}
                                         for c, st, co, ct in rng.sample(CITIES, 2)]
        if rng.random() < 0.3:
            values[self.c_keywords.id] = rng.sample(["b2b", "api-first", "plg", "regulated",
                                                     "hardware", "open-source", "vertical-saas"], 2)
        self.store.companies[cid] = Company(id=cid, name=name, domain=domain, domains=domains,
                                            is_global=rng.random() < 0.2, values=values,
                                            created_at=_iso(self.days_ago(60, 1500)))
        return cid

    def persons(self) -> None:
        rng, s = self.rng, self.store
        self.external_ids: list[int] = []
        self.founder_ids: list[int] = []
        n_team = len(self.team_ids)
        for i in range(self.n_persons - n_team):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            cid = self.company_ids[i % len(self.company_ids)] if i < len(self.company_ids) * 2 \
                else rng.choice(self.company_ids)
            company = s.companies[cid]
            pid = self.ids("person")
            local = f"{first.lower()}.{''.join(ch for ch in last.lower() if ch.isalpha())}"
            emails = [f"{local}@{company.domain}"]
            if rng.random() < 0.25:
                emails.append(f"{local}{rng.randint(1, 99)}@gmail.com")
            title = TITLES[0] if i < len(self.company_ids) else rng.choice(TITLES)
            city, state, country, continent = rng.choice(CITIES)
            values: dict[str, Any] = {
                self.p_title.id: title,
                self.p_loc.id: {"streetAddress": None, "city": city, "state": state,
                                "country": country, "continent": continent},
                self.p_employer.id: cid,
            }
            if rng.random() < 0.5:
                values[self.p_phone.id] = f"+1 {rng.randint(200, 989)}-{rng.randint(200, 999)}-{rng.randint(1000, 9999)}"
            values[self.p_seniority.id] = (self.p_seniority.options[0].id if "founder" in title.lower()
                                           else rng.choice(self.p_seniority.options[1:]).id)
            if rng.random() < 0.3:
                values[self.p_intro.id] = rng.choice(self.team_ids)
            s.persons[pid] = Person(id=pid, first_name=first, last_name=last, emails=emails,
                                    company_ids=[cid], values=values,
                                    created_at=_iso(self.days_ago(30, 1400)))
            company.person_ids.append(pid)
            self.external_ids.append(pid)
            if "founder" in title.lower():
                self.founder_ids.append(pid)

    # ---- activity ----------------------------------------------------------------------------
    def interactions(self) -> None:
        """Emails and meetings for the first persons, and the RI fields derived from them."""
        rng, s = self.rng, self.store
        subjects = ["Intro: {c} <> Harbor Peak", "Follow-up on our call", "Deck and data room",
                    "Re: Q3 board pack", "Quick question on the round", "Customer references",
                    "Re: term sheet comments", "Catching up"]
        meetings = ["{c} — intro call", "{c} — partner meeting", "{c} — product demo",
                    "{c} — board meeting", "Coffee with {p}", "{c} — diligence session"]
        self._ri_pending: dict[int, tuple[dict[str, Any], dict[str, Interaction]]] = {}
        self.today_iso = _iso(self.today)
        for pid in self.external_ids[: min(1500, len(self.external_ids))]:
            person = s.persons[pid]
            company = s.companies[person.company_ids[0]]
            owner = rng.choice(self.team_ids)
            timeline: list[Interaction] = []
            for _ in range(rng.randint(1, 5)):
                iid = self.ids("interaction")
                if rng.random() < 0.6:
                    when = self.days_ago(1, 500)
                    direction = rng.choice(["sent", "received"])
                    it = Interaction(id=iid, kind="email", date=_iso(when), person_ids=[owner, pid],
                                     title=rng.choice(subjects).format(c=company.name),
                                     direction=direction,
                                     from_person_id=owner if direction == "sent" else pid,
                                     created_at=_iso(when))
                else:
                    future = rng.random() < 0.12
                    when = (self.today + timedelta(days=rng.randint(1, 21), hours=rng.randint(9, 17))
                            if future else self.days_ago(1, 500))
                    it = Interaction(id=iid, kind="meeting", date=_iso(when), person_ids=[owner, pid],
                                     title=rng.choice(meetings).format(c=company.name, p=person.first_name),
                                     end_time=_iso(when + timedelta(minutes=rng.choice([30, 45, 60]))),
                                     created_at=_iso(min(when, self.today)))
                s.interactions[iid] = it
                timeline.append(it)
            s.relationship_strengths[(owner, pid)] = round(rng.uniform(0.2, 1.0), 2)
            for other in rng.sample(self.team_ids, 2):
                if other != owner:
                    s.relationship_strengths[(other, pid)] = round(rng.uniform(0.0, 0.5), 2)
            self._pick_ri(person.values, timeline)
            self._pick_ri(company.values, timeline)
        self._render_ri()

    def _pick_ri(self, values: dict[str, Any], timeline: list[Interaction]) -> None:
        """Remember which interactions are the first/last email, last/next meeting and last
        contact of a person or company; `_render_ri` turns only the winners into values."""
        _, picks = self._ri_pending.setdefault(id(values), (values, {}))
        today = self.today_iso

        def offer(fid: str, it: Interaction, earliest: bool) -> None:
            cur = picks.get(fid)
            if cur is None or (it.date < cur.date if earliest else it.date > cur.date):
                picks[fid] = it

        for it in timeline:
            if it.kind == "email":
                offer("first-email", it, True)
                offer("last-email", it, False)
            elif it.date < today:
                offer("last-event", it, False)
            else:
                offer("next-event", it, True)
            if it.date < today:
                offer("last-contact", it, False)

    def _render_ri(self) -> None:
        for values, picks in self._ri_pending.values():
            for fid, it in picks.items():
                values[fid] = self.interaction_value(it)
        self._ri_pending.clear()

    def interaction_value(self, it: Interaction) -> dict[str, Any]:
        """The v2 `interaction` field value of one interaction (attendees as PersonData)."""
        s = self.store

        def attendee(pid: int) -> dict[str, Any]:
            p = s.persons[pid]
            return {"emailAddress": p.primary_email,
                    "person": {"id": p.id, "firstName": p.first_name, "lastName": p.last_name,
                               "primaryEmailAddress": p.primary_email, "type": p.type}}

        if it.kind == "email":
            sender = it.from_person_id or it.person_ids[0]
            return {"type": "email", "id": it.id, "subject": it.title, "sentAt": it.date,
                    "from": attendee(sender),
                    "to": [attendee(p) for p in it.person_ids if p != sender], "cc": []}
        return {"type": "meeting", "id": it.id, "title": it.title, "allDay": False,
                "startTime": it.date, "endTime": it.end_time,
                "attendees": [attendee(p) for p in it.person_ids]}

    # ---- lists -------------------------------------------------------------------------------
    def lists(self) -> None:
        s = self.store
        me = s.current_user_id
        s.lists[DEAL_PIPELINE_ID] = AffinityList(DEAL_PIPELINE_ID, "Deal Pipeline", "opportunity",
                                                 owner_id=me, creator_id=me, created_at="2021-03-02T10:00:00Z")
        s.lists[PORTFOLIO_ID] = AffinityList(PORTFOLIO_ID, "Portfolio", "company", owner_id=self.team_ids[1],
                                             creator_id=me, created_at="2021-03-02T10:05:00Z")
        s.lists[FOUNDERS_ID] = AffinityList(FOUNDERS_ID, "Founders", "person", owner_id=self.team_ids[2],
                                            creator_id=me, created_at="2021-06-11T14:00:00Z")
        s.lists[CO_INVESTORS_ID] = AffinityList(CO_INVESTORS_ID, "Co-investors", "company",
                                                owner_id=me, creator_id=self.team_ids[1], is_public=False,
                                                created_at="2022-01-20T08:30:00Z")
        self._deal_pipeline()
        self._portfolio()
        self._founders()
        self._coinvestors()

    def _view(self, list_id: int, name: str, filters: dict[str, Any] | None, columns: list[str],
              vtype: str = "sheet") -> None:
        vid = self.ids("view")
        self.store.saved_views[vid] = SavedView(id=vid, list_id=list_id, name=name, type=vtype,  # type: ignore[arg-type]
                                                created_at="2024-02-01T12:00:00Z", filters=filters,
                                                field_ids=columns)

    def _deal_pipeline(self) -> None:
        s, rng, f = self.store, self.rng, self.field
        L = DEAL_PIPELINE_ID
        status = f("Status", "list", "ranked-dropdown", "opportunity", list_id=L, options=STAGES,
                   colors=STAGE_COLORS, ranked=True)
        owners = f("Owners", "list", "person-multi", "opportunity", list_id=L)
        amount = f("Amount", "list", "number", "opportunity", list_id=L)
        close = f("Close Date", "list", "datetime", "opportunity", list_id=L)
        sector = f("Sector", "list", "dropdown-multi", "opportunity", list_id=L, options=SECTORS)
        rnd = f("Round", "list", "dropdown", "opportunity", list_id=L, options=ROUNDS)
        lead = f("Lead Investor", "list", "company", "opportunity", list_id=L)
        memo = f("Memo", "list", "text", "opportunity", list_id=L)
        moic = f("Target MOIC", "list", "formula-number", "opportunity", list_id=L)
        orgs = f("Organizations", "list", "company-multi", "opportunity", list_id=L, field_id="companies")
        people = f("People", "list", "person-multi", "opportunity", list_id=L, field_id="persons")
        self.status_field = status
        weights = [22, 18, 12, 6, 4, 10, 28]
        for i in range(self.scale):
            cid = self.company_ids[i % len(self.company_ids)]
            company = s.companies[cid]
            rnd_opt = rng.choice(rnd.options)
            suffix = f" ({i // len(self.company_ids) + 1})" if i >= len(self.company_ids) else ""
            oid = self.ids("opportunity")
            founders = company.person_ids[:2]
            opp = Opportunity(id=oid, name=f"{company.name} — {rnd_opt.text}{suffix}", list_id=L,
                              person_ids=list(founders), company_ids=[cid],
                              created_at=_iso(self.days_ago(1, 700)))
            s.opportunities[oid] = opp
            stage = rng.choices(status.options, weights=weights)[0]
            values: dict[str, Any] = {status.id: stage.id, rnd.id: rnd_opt.id,
                                      orgs.id: [cid], people.id: list(founders)}
            if rng.random() < 0.9:
                values[owners.id] = rng.sample(self.team_ids, rng.choice([1, 1, 2]))
            if rng.random() < 0.85:
                values[amount.id] = rng.choice([250_000, 500_000, 750_000, 1_000_000, 1_500_000,
                                                2_000_000, 3_000_000, 5_000_000, 8_000_000, 12_000_000])
                values[moic.id] = round(rng.uniform(2.0, 12.0), 1)
            if rng.random() < 0.7:
                values[close.id] = _iso((self.today + timedelta(days=rng.randint(-200, 180))).replace(hour=12))
            values[sector.id] = [o.id for o in rng.sample(sector.options, rng.choice([1, 1, 2]))]
            if rng.random() < 0.4:
                values[lead.id] = rng.choice(self.coinvestor_ids)
            if rng.random() < 0.3:
                values[memo.id] = rng.choice([
                    "Strong founder-market fit; needs GTM hire.",
                    "Waiting on Q3 numbers before IC.",
                    "Competitive round, <Tier 1> leading.",
                    "Ask: intro to [their] design partner & pricing review.",
                ])
            s.add_entry(ListEntry(id=self.ids("entry"), list_id=L, entity_type="opportunity",
                                  entity_id=oid, creator_id=rng.choice(self.team_ids),
                                  created_at=opp.created_at, values=values))
        closed = [o.id for o in status.options if o.text in ("Closed Won", "Passed")]
        cols = [status.id, owners.id, amount.id, close.id, sector.id]
        self._view(L, "Active deals", {"operator": "and", "filters": [
            {"fieldId": status.id, "valueType": "ranked-dropdown", "operator": "is-none-of",
             "value": [{"dropdownOptionId": c} for c in closed]}]}, cols)
        self._view(L, "My deals", {"operator": "and", "filters": [
            {"fieldId": owners.id, "valueType": "person-multi", "operator": "has-any-of",
             "value": [{"id": s.current_user_id}]}]}, cols)
        diligence = [o.id for o in status.options if o.text in ("Diligence", "IC Review")]
        self._view(L, "Diligence & IC, $1M+", {"operator": "and", "filters": [
            {"fieldId": status.id, "valueType": "ranked-dropdown", "operator": "is-any-of",
             "value": [{"dropdownOptionId": d} for d in diligence]},
            {"fieldId": amount.id, "valueType": "number", "operator": "is-greater-than-or-equal-to",
             "value": 1_000_000}]}, cols + [rnd.id])
        self._view(L, "Pipeline board", None, [status.id], vtype="board")

    def _portfolio(self) -> None:
        s, rng, f = self.store, self.rng, self.field
        L = PORTFOLIO_ID
        health = f("Health", "list", "ranked-dropdown", "company", list_id=L, options=HEALTH,
                   colors=HEALTH_COLORS, ranked=True)
        invested = f("Invested (USD)", "list", "number", "company", list_id=L)
        ownership = f("Ownership %", "list", "formula-number", "company", list_id=L)
        board = f("Board Member", "list", "person", "company", list_id=L)
        first_check = f("First Check", "list", "datetime", "company", list_id=L)
        fund = f("Fund", "list", "dropdown", "company", list_id=L, options=["Fund I", "Fund II", "Fund III"])
        for cid in self.company_ids[: max(40, min(120, self.n_companies // 16))]:
            values: dict[str, Any] = {health.id: rng.choices(health.options, weights=[6, 3, 1])[0].id,
                                      invested.id: rng.choice([500_000, 1_000_000, 2_500_000, 4_000_000]),
                                      ownership.id: round(rng.uniform(2.0, 18.0), 1),
                                      first_check.id: _iso(self.days_ago(120, 1600).replace(hour=12, minute=0)),
                                      fund.id: rng.choice(fund.options).id}
            if rng.random() < 0.6:
                values[board.id] = rng.choice(self.team_ids[:3])
            s.add_entry(ListEntry(id=self.ids("entry"), list_id=L, entity_type="company", entity_id=cid,
                                  creator_id=rng.choice(self.team_ids),
                                  created_at=_iso(self.days_ago(100, 1500)), values=values))
        at_risk = [o.id for o in health.options if o.text != "On track"]
        self._view(L, "Needs attention", {"operator": "and", "filters": [
            {"fieldId": health.id, "valueType": "ranked-dropdown", "operator": "is-any-of",
             "value": [{"dropdownOptionId": o} for o in at_risk]}]}, [health.id, invested.id, board.id])
        self._view(L, "All portfolio", None, [health.id, invested.id, ownership.id, fund.id])

    def _founders(self) -> None:
        s, rng, f = self.store, self.rng, self.field
        L = FOUNDERS_ID
        rating = f("Founder Rating", "list", "ranked-dropdown", "person", list_id=L,
                   options=["Exceptional", "Strong", "Promising", "Unclear"],
                   colors=["green", "blue", "yellow", "gray"], ranked=True)
        met = f("Met On", "list", "datetime", "person", list_id=L)
        orgs = f("Organizations", "list", "company-multi", "person", list_id=L, field_id="companies")
        for pid in self.founder_ids[: min(400, len(self.founder_ids))]:
            values: dict[str, Any] = {rating.id: rng.choice(rating.options).id,
                                      orgs.id: list(s.persons[pid].company_ids)}
            if rng.random() < 0.7:
                values[met.id] = _iso(self.days_ago(10, 900).replace(hour=12, minute=0))
            s.add_entry(ListEntry(id=self.ids("entry"), list_id=L, entity_type="person", entity_id=pid,
                                  creator_id=rng.choice(self.team_ids),
                                  created_at=_iso(self.days_ago(10, 900)), values=values))
        top = [rating.options[0].id, rating.options[1].id]
        self._view(L, "Top founders", {"operator": "and", "filters": [
            {"fieldId": rating.id, "valueType": "ranked-dropdown", "operator": "is-any-of",
             "value": [{"dropdownOptionId": o} for o in top]}]}, [rating.id, met.id])
        self._view(L, "Everyone", None, [rating.id, met.id, orgs.id])

    def _coinvestors(self) -> None:
        s, rng, f = self.store, self.rng, self.field
        L = CO_INVESTORS_ID
        tier = f("Tier", "list", "dropdown", "company", list_id=L, options=TIERS)
        partner = f("Partner Contact", "list", "person", "company", list_id=L)
        deals = f("Deals Together", "list", "number", "company", list_id=L)
        for cid in self.coinvestor_ids:
            values: dict[str, Any] = {tier.id: rng.choice(tier.options).id,
                                      deals.id: rng.randint(0, 9)}
            if rng.random() < 0.7:
                values[partner.id] = rng.choice(self.team_ids)
            s.add_entry(ListEntry(id=self.ids("entry"), list_id=L, entity_type="company", entity_id=cid,
                                  creator_id=s.current_user_id,
                                  created_at=_iso(self.days_ago(200, 1200)), values=values))
        self._view(L, "Tier 1", {"operator": "and", "filters": [
            {"fieldId": tier.id, "valueType": "dropdown", "operator": "is-any-of",
             "value": [{"dropdownOptionId": tier.options[0].id}]}]}, [tier.id, partner.id, deals.id])
        self._view(L, "All co-investors", None, [tier.id, partner.id, deals.id])

    # ---- notes and reminders -----------------------------------------------------------------
    def notes(self) -> None:
        s, rng = self.store, self.rng
        pipeline = s.list_entries(DEAL_PIPELINE_ID)[:300]
        templates = [
            "<p>Met <strong>{p}</strong> from {c}. Strong technical founder; "
            "<em>needs</em> a GTM lead.</p><ul><li>ARR: ${arr}k</li><li>Burn: ${burn}k/month</li>"
            "<li>Runway: {rw} months</li></ul>",
            "<p>Diligence call notes:</p><ol><li>Customer references look good</li>"
            "<li>Churn under 2%</li><li>Open question: pricing power</li></ol>"
            "<p>Deck: <a href=\"https://{d}/deck\">{d}/deck</a></p>",
            "<p>Quick sync with {mention} about {c}: we should move to IC next week.</p>",
            "<p>Intro from a portfolio CEO. Mentioned <u>three</u> design partners. "
            "Follow up in two weeks.</p>",
            "<p>Board prep for {c}: hiring plan, Q3 numbers, <strong>bridge</strong> discussion.</p>",
        ]
        for entry in pipeline:
            opp = s.opportunities[entry.entity_id]
            for _ in range(rng.randint(0, 3)):
                self._note(rng.choice(templates), opp.company_ids[0], opp.person_ids, [opp.id])
        for cid in self.company_ids[:400]:
            if rng.random() < 0.5:
                self._note(rng.choice(templates), cid, s.companies[cid].person_ids[:1], [])
        # A note whose text looks like markup: the app must show it literally.
        cid = self.company_ids[0]
        self._note("<p>[bold]Not markup[/bold] &lt;script&gt;alert(1)&lt;/script&gt; "
                   "\x1b[31m and [link=https://evil.example]click[/link]</p>", cid,
                   s.companies[cid].person_ids[:1], [])

    def _note(self, template: str, cid: int, pids: list[int], oids: list[int]) -> None:
        s, rng = self.store, self.rng
        company = s.companies[cid]
        person = s.persons[pids[0]] if pids else None
        creator = rng.choice(self.team_ids)
        mention_ids: list[int] = []
        mention = ""
        if "{mention}" in template:
            mate = rng.choice([t for t in self.team_ids if t != creator])
            mp = s.persons[mate]
            mention = (f'<span data-type="note-mention" data-note-mention-type="person" '
                       f'data-note-mention-person-id="{mate}">{mp.full_name}</span>')
            mention_ids = [mate]
        html = template.format(p=person.full_name if person else company.name, c=company.name,
                               d=company.domain, arr=rng.randint(80, 4000), burn=rng.randint(40, 600),
                               rw=rng.randint(6, 30), mention=mention)
        nid = self.ids("note")
        when = _iso(self.days_ago(1, 400))
        s.notes[nid] = Note(id=nid, type="entities", html=html, creator_id=creator, created_at=when,
                            updated_at=None, person_ids=list(pids), company_ids=[cid],
                            opportunity_ids=list(oids), mention_ids=mention_ids)

    def reminders(self) -> None:
        s, rng = self.store, self.rng
        texts = ["Follow up on the data room", "Send the term sheet draft", "Check in after the board meeting",
                 "Ask for updated financials", "Intro to our legal counsel", "Schedule partner meeting",
                 "Reference calls with two customers"]
        pipeline = s.list_entries(DEAL_PIPELINE_ID)[:120]
        for i, entry in enumerate(pipeline):
            if rng.random() > 0.6:
                continue
            rid = self.ids("reminder")
            due = self.today + timedelta(days=rng.randint(-20, 30), hours=9)
            completed = rng.random() < 0.2 and due < self.today
            owner = s.current_user_id if i % 2 == 0 else rng.choice(self.team_ids)
            s.reminders[rid] = Reminder(id=rid, type="one-time", owner_id=owner, creator_id=owner,
                                        content=rng.choice(texts), due_date=_iso(due),
                                        created_at=_iso(due - timedelta(days=rng.randint(5, 40))),
                                        opportunity_id=entry.entity_id,
                                        completed_at=_iso(due) if completed else None,
                                        completer_id=owner if completed else None)
        for pid in self.founder_ids[:25]:
            rid = self.ids("reminder")
            due = self.today + timedelta(days=rng.randint(-5, 60), hours=10)
            s.reminders[rid] = Reminder(id=rid, type="recurring", owner_id=rng.choice(self.team_ids),
                                        creator_id=s.current_user_id, content="Keep warm: quarterly check-in",
                                        due_date=_iso(due), created_at=_iso(self.days_ago(30, 200)),
                                        person_id=pid, period_days=90, reset_trigger="interaction")


def build_demo_tenant(seed: int = DEFAULT_SEED, scale: int = DEFAULT_SCALE, now: datetime | None = None,
                      *, companies: int = DEFAULT_COMPANIES, persons: int = DEFAULT_PERSONS,
                      defer_activity: bool = False, hostile: bool = False) -> TenantStore:
    """Generate the demo tenant. `scale` is the number of Deal Pipeline entries.

    With `defer_activity`, emails, meetings, relationship strengths and the relationship-
    intelligence fields derived from them (about half the work) are generated on the store's
    first `settle()` instead. With `hostile`, its text attacks terminals, spreadsheets and
    HTML renderers (`hostile` module); its shape is the same."""
    return _Builder(seed, scale, now, companies, persons).build(defer_activity, hostile)
