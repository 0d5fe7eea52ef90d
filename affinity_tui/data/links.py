"""Web addresses of what is in focus, and what the copy key (``y``) puts on the clipboard.

Affinity's web app lives at ``https://<subdomain>.affinity.co`` (the subdomain comes from
``whoami``): ``/persons/<id>``, ``/companies/<id>``, ``/opportunities/<id>``, ``/lists/<id>``.

The subdomain is data from the server, so it is checked before it becomes part of a URL: only
letters, digits and inner hyphens (one DNS label). Anything else — ``evil.com/x``, ``a@b``,
``x.affinity.co.evil`` — raises ``InvalidSubdomain`` rather than produce a link to another host.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from .note_text import terminal_safe
from .values import clean_text

WEB_DOMAIN = "affinity.co"
LinkKind = Literal["person", "company", "opportunity", "list"]

PATH_SEGMENTS: Mapping[str, str] = {"person": "persons", "company": "companies",
                                    "opportunity": "opportunities", "list": "lists"}
_SUBDOMAIN = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_URL_PATH = re.compile(r"/(persons|companies|opportunities|lists)/([1-9][0-9]{0,18})")


class InvalidSubdomain(ValueError):
    """The tenant's subdomain is not a single DNS label: no link is made from it."""


def is_valid_subdomain(subdomain: object) -> bool:
    """One DNS label: ASCII letters, digits and hyphens, not starting or ending with a hyphen."""
    return (isinstance(subdomain, str) and subdomain.isascii()  # "\u212a".lower() is "k"
            and _SUBDOMAIN.fullmatch(subdomain.lower()) is not None)


def web_base(subdomain: str) -> str:
    """``https://<subdomain>.affinity.co`` (lower case); ``InvalidSubdomain`` otherwise."""
    if not is_valid_subdomain(subdomain):
        raise InvalidSubdomain(f"Not an Affinity subdomain: {clean_text(repr(subdomain))[:80]}")
    return f"https://{subdomain.lower()}.{WEB_DOMAIN}"


def web_url(subdomain: str, kind: LinkKind | str, entity_id: int) -> str:
    """The Affinity web page of a person, company, opportunity or list.

    ``kind`` is a ``LinkKind`` or its path segment (``"companies"``); anything else, a bad id or
    a bad subdomain raises ``ValueError`` (``InvalidSubdomain`` is one).
    """
    segment = PATH_SEGMENTS.get(kind) or (kind if kind in PATH_SEGMENTS.values() else None)
    if segment is None:
        raise ValueError(f"No web page for {kind!r}")
    if isinstance(entity_id, bool) or not isinstance(entity_id, int) or entity_id <= 0:
        raise ValueError(f"Not an Affinity id: {entity_id!r}")
    return f"{web_base(subdomain)}/{segment}/{int(entity_id)}"


def url_for_path(subdomain: str, url_path: str) -> str:
    """The web page for a record path such as ``Row.url_path`` (``/companies/123``). Raises
    ``ValueError`` for any other path and ``InvalidSubdomain`` for a bad subdomain."""
    match = _URL_PATH.fullmatch(url_path)
    if match is None:
        raise ValueError(f"Not an Affinity page path: {clean_text(repr(url_path))[:80]}")
    return f"{web_base(subdomain)}{url_path}"


def copy_text(kind: str, url: str, email: str | None = None, domain: str | None = None) -> str:
    """What ``y`` copies: a person's email, a company's domain, else the web page.

    ``email``/``domain`` are used only for their own kind and only when they are a non-blank
    single line; otherwise the ``url`` is copied.
    """
    if kind == "person":
        chosen = _one_line(email)
    elif kind == "company":
        chosen = _one_line(domain)
    else:
        chosen = ""
    return chosen or url


def _one_line(value: str | None) -> str:
    if not value:
        return ""
    return terminal_safe(value, single_line=True).strip()


# ---- a record's link, and the browser --------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RecordLink:
    """A record's web page and what the copy key puts on the clipboard for it."""

    url: str
    """``https://<subdomain>.affinity.co/companies/123``."""
    copy: str
    """A person's email, a company's domain, else the URL (see ``copy_text``)."""


def record_link(subdomain: str, kind: str, entity_id: int, *, email: str | None = None,
                domain: str | None = None) -> RecordLink | None:
    """The link of a person, company, opportunity or list, or None when no safe URL can be made
    (an unknown kind, a bad id, a subdomain that is not one DNS label)."""
    try:
        url = web_url(subdomain, kind, entity_id)
    except ValueError:
        return None
    return RecordLink(url, copy_text(kind, url, email=email, domain=domain))


GUI_DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY")


def browser_available(environ: Mapping[str, str] | None = None, platform: str | None = None) -> bool:
    """Whether ``open_in_browser`` can show a page without taking over this terminal.

    Python's ``webbrowser`` falls back to text browsers (lynx, w3m, www-browser) when there is
    no graphical session, and runs them in the foreground: they would draw over the app. So a
    browser counts only where there is a desktop (macOS, Windows, an X or Wayland display) or the
    user named one in ``$BROWSER``.
    """
    import os
    import sys

    env = os.environ if environ is None else environ
    system = sys.platform if platform is None else platform
    if env.get("BROWSER"):
        return True
    if system == "darwin" or system.startswith("win"):
        return True
    return any(env.get(name) for name in GUI_DISPLAY_VARIABLES)


def open_in_browser(url: str) -> bool:
    """Open ``url`` in the user's browser; False when there is none (see ``browser_available``).

    Blocking (it may start a process): call it from a worker thread.
    """
    if not browser_available():
        return False
    import webbrowser

    try:
        return bool(webbrowser.open(url))
    except webbrowser.Error:
        return False
