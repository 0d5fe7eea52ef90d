"""Links to Affinity's web app, read back: ``affinity-tui open URL`` and ``note URL`` take the
address a browser shows and open the same record here.

Accepted (``https://`` may be left out; ``.affinity.co`` and ``.affinity.com``; a trailing slash,
query or fragment is ignored)::

    https://<subdomain>.affinity.co/persons/<id>
    https://<subdomain>.affinity.co/companies/<id>
    https://<subdomain>.affinity.co/opportunities/<id>
    https://<subdomain>.affinity.co/lists/<id>
    https://<subdomain>.affinity.co/lists/<id>/entries/<id>

Anything else raises ``UnreadableLink``, whose message lists these forms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from .links import is_valid_subdomain
from .resume import KIND_MODES, DetailPlace, Place

TargetKind = Literal["person", "company", "opportunity", "list", "entry"]
WEB_HOSTS = ("affinity.co", "affinity.com")
ACCEPTED_FORMS = (
    "https://<subdomain>.affinity.co/persons/<id>",
    "https://<subdomain>.affinity.co/companies/<id>",
    "https://<subdomain>.affinity.co/opportunities/<id>",
    "https://<subdomain>.affinity.co/lists/<id>",
    "https://<subdomain>.affinity.co/lists/<id>/entries/<id>",
)
_ID = r"([1-9][0-9]{0,17})"
_PATHS: tuple[tuple[re.Pattern[str], TargetKind], ...] = (
    (re.compile(rf"/persons/{_ID}"), "person"),
    (re.compile(rf"/companies/{_ID}"), "company"),
    (re.compile(rf"/opportunities/{_ID}"), "opportunity"),
    (re.compile(rf"/lists/{_ID}"), "list"),
    (re.compile(rf"/lists/{_ID}/entries/{_ID}"), "entry"),
)


class UnreadableLink(ValueError):
    """Not a link to a record in Affinity's web app; the message says which forms are."""

    def __init__(self, url: str, why: str) -> None:
        shown = url if len(url) <= 100 else url[:99] + "…"
        forms = "\n".join(f"  {form}" for form in ACCEPTED_FORMS)
        super().__init__(f"Cannot open {shown!r}: {why}.\naffinity-tui opens links of these forms "
                         f"(.affinity.com too):\n{forms}")


@dataclass(frozen=True, slots=True)
class WebTarget:
    """What a link points at."""

    kind: TargetKind
    entity_id: int
    """The person, company, opportunity or list id (for an entry: the list's)."""
    subdomain: str
    entry_id: int | None = None

    def place(self) -> Place:
        """Where ``affinity-tui open`` takes the user for this link."""
        if self.kind == "list":
            return Place(mode="lists", list_id=self.entity_id)
        if self.kind == "entry":
            return Place(mode="lists", list_id=self.entity_id, row_key=self.entry_id, open_entry=True)
        return Place(mode=KIND_MODES[self.kind], detail=DetailPlace(self.kind, self.entity_id))


def parse_web_link(url: str) -> WebTarget:
    """The record ``url`` points at; ``UnreadableLink`` when it is not one of ``ACCEPTED_FORMS``."""
    text = url.strip()
    if not text:
        raise UnreadableLink(url, "the link is empty")
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        raise UnreadableLink(url, "it is not a web address") from None
    if parts.scheme.lower() not in ("https", "http"):
        raise UnreadableLink(url, f"{parts.scheme}: is not a web address")
    if parts.username is not None or parts.password is not None or port not in (None, 443, 80):
        raise UnreadableLink(url, "it is not an Affinity web address")
    domain = next((d for d in WEB_HOSTS if host.endswith("." + d)), None)
    subdomain = host[: -len(domain) - 1] if domain else ""
    if domain is None or not is_valid_subdomain(subdomain):
        raise UnreadableLink(url, f"{host or 'it'} is not <subdomain>.affinity.co")
    path = parts.path.rstrip("/") or "/"
    for pattern, kind in _PATHS:
        match = pattern.fullmatch(path)
        if match:
            if kind == "entry":
                return WebTarget("entry", int(match[1]), subdomain, entry_id=int(match[2]))
            return WebTarget(kind, int(match[1]), subdomain)
    raise UnreadableLink(url, f"{path} is not a person, company, opportunity, list or list entry")
