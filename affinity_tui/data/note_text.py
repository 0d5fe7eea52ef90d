"""Note bodies as plain terminal text: Affinity's note HTML (v2) and Markdown-ish text (v1).

v2 notes carry ``content.html`` built from ``<p> <br> <strong> <em> <u> <ol> <ul> <li> <span>
<a href>`` plus mention spans (``<span data-type="note-mention" ...>Jane Doe</span>``). The
detail screen shows them as text a person reads in a terminal:

* paragraphs separated by one blank line, ``<br>`` as a line break;
* list items as ``• item`` / ``1. item``, nested lists indented by two spaces per level;
* links as ``text (url)``, or just the text when it already says the url;
* mentions as ``@Jane Doe``;
* character references unescaped (``&lt;`` is ``<``); every other tag dropped, keeping its
  text (``<script>``/``<style>`` lose their content too).

v1 ``GET /notes`` returns the same notes rendered as Markdown-ish text (``**bold**``,
``* item``, ``[text](url)``); ``markdownish_to_text`` tidies that into the same style.

**The result is plain text, never markup**: the UI must show it literally (``rich.text.Text``),
so ``[bold]`` stays ``[bold]``. Because a note is typed by anyone (or pasted from a terminal),
ANSI/VT escape sequences are removed whole, and every other control character becomes a
visible ``\N{REPLACEMENT CHARACTER}``: a note can't move the cursor, recolour, retitle or
reset the terminal. This module uses only the standard library's ``html.parser``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from .values import clean_text

BULLET = "\N{BULLET}"
INDENT = "  "
"""Per nesting level of a list."""

# ---- terminal hygiene ------------------------------------------------------------------------
_ESCAPE_SEQUENCE = re.compile(
    r"""
      \x1b\[[0-?]*[ -/]*[@-~]              # CSI: colours, cursor moves, erase (ESC [ ... m)
    | \x9b[0-?]*[ -/]*[@-~]                # the same with the 8-bit CSI
    | \x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)  # OSC: window title, hyperlinks, clipboard
    | \x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)  # DCS / SOS / PM / APC strings
    | \x1b[ -/]*[0-~]                      # any other escape (ESC c resets the terminal)
    """,
    re.VERBOSE,
)


def strip_escape_sequences(text: str) -> str:
    """``text`` without ANSI/VT escape sequences (an unterminated one keeps its visible tail)."""
    return _ESCAPE_SEQUENCE.sub("", text) if ("\x1b" in text or "\x9b" in text) else text


def terminal_safe(text: str, *, single_line: bool = False) -> str:
    """Escape sequences removed, other control characters shown as ``�`` (see ``values.clean_text``)."""
    return clean_text(strip_escape_sequences(text), single_line=single_line)


# ---- HTML ------------------------------------------------------------------------------------
_HTML_SPACE = re.compile(r"[ \t\n\r\f\u2028\u2029]+")
_BLOCKS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table",
                     "tr", "section", "article", "header", "footer", "hr", "figure", "dl"})
"""Tags that start and end a paragraph (only ``<p>`` is allowed in Affinity notes; the others
come from pasted or imported content and read better as paragraphs than run together)."""
_SKIP_CONTENT = frozenset({"script", "style", "template", "head", "title", "noscript"})
_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "col", "area", "base",
                   "embed", "source", "track", "param"})
_SCHEMES = re.compile(r"^(?:https?://|mailto:)", re.IGNORECASE)


def _same_link(text: str, href: str) -> bool:
    """Whether a link's text already shows its target (``acme.co/deck`` for ``https://acme.co/deck``)."""
    def norm(value: str) -> str:
        return _SCHEMES.sub("", value.strip()).rstrip("/").casefold()
    return norm(text) == norm(href)


@dataclass
class _ListState:
    ordered: bool
    next_number: int = 1


class _NoteHTMLParser(HTMLParser):
    """Collects lines of text; block tags flush lines, ``<li>`` sets a bullet prefix."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._buffer: list[str] = []
        self._prefix = ""
        """Bullet or number waiting for the first text of a list item."""
        self._hanging = ""
        """Indent for the continuation lines of the current list item."""
        self._lists: list[_ListState] = []
        self._captures: list[list[str]] = []
        """Text of the open ``<a>`` and mention ``<span>`` elements, innermost last."""
        self._anchors: list[str | None] = []
        self._spans: list[bool] = []
        """One entry per open ``<span>``: True for a mention."""
        self._skipping = 0

    # -- writing -----------------------------------------------------------------------------
    def _write(self, text: str) -> None:
        (self._captures[-1] if self._captures else self._buffer).append(text)

    def _flush(self, *, force: bool = False) -> None:
        """End the current line; an empty one is kept only when ``force`` (``<br>``)."""
        text = _HTML_SPACE.sub(" ", "".join(self._buffer)).strip()
        self._buffer.clear()
        if text or force:
            prefix = self._prefix or self._hanging
            self.lines.append((prefix + text) if text else prefix.rstrip())
            if self._prefix:
                self._hanging = " " * len(self._prefix)
                self._prefix = ""

    def _paragraph_break(self) -> None:
        self._flush()
        if not self._lists:  # paragraphs inside list items stay tight
            self.lines.append("")

    # -- parser callbacks --------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_CONTENT:
            self._skipping += 1
            return
        if self._skipping:
            return
        if tag == "br":
            if self._captures:
                self._write(" ")
            else:
                self._flush(force=True)
        elif tag in _BLOCKS:
            self._paragraph_break()
        elif tag in ("ul", "ol"):
            if self._lists:
                self._flush()
            else:
                self._paragraph_break()
            self._lists.append(_ListState(ordered=tag == "ol"))
        elif tag == "li":
            self._flush()
            depth = max(len(self._lists), 1)
            state = self._lists[-1] if self._lists else None
            if state is not None and state.ordered:
                marker = f"{state.next_number}. "
                state.next_number += 1
            else:
                marker = f"{BULLET} "
            self._prefix = INDENT * (depth - 1) + marker
            self._hanging = ""
        elif tag == "a":
            self._anchors.append(dict(attrs).get("href"))
            self._captures.append([])
        elif tag == "span":
            mention = dict(attrs).get("data-type") == "note-mention"
            self._spans.append(mention)
            if mention:
                self._captures.append([])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_CONTENT:
            self._skipping = max(0, self._skipping - 1)
            return
        if self._skipping:
            return
        if tag in _BLOCKS:
            self._paragraph_break()
        elif tag in ("ul", "ol", "li") and not self._lists and not (self._prefix or self._hanging):
            return  # a stray closing tag: no structure to end
        elif tag in ("ul", "ol"):
            self._flush()
            if self._lists:
                self._lists.pop()
            self._hanging = ""
            if not self._lists:
                self.lines.append("")
        elif tag == "li":
            self._flush()
            self._prefix = self._hanging = ""
        elif tag == "a" and self._anchors:
            href = self._anchors.pop()
            text = _HTML_SPACE.sub(" ", "".join(self._captures.pop())).strip()
            url = _HTML_SPACE.sub("", href or "")
            if not url or _same_link(text, url):
                self._write(text)
            elif not text:
                self._write(url)
            else:
                self._write(f"{text} ({url})")
        elif tag == "span" and self._spans:
            if self._spans.pop():
                name = _HTML_SPACE.sub(" ", "".join(self._captures.pop())).strip().lstrip("@")
                if name:
                    self._write(f"@{name}")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._write(data)

    def finish(self) -> list[str]:
        self.close()
        while self._captures:  # unclosed <a> or mention: keep its text
            captured = "".join(self._captures.pop())
            self._write(captured)
        self._flush()
        return self.lines


def _tidy(lines: list[str]) -> str:
    """Join lines; no leading/trailing blank lines, never two blank lines in a row."""
    out: list[str] = []
    for line in lines:
        line = line.rstrip()
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def html_to_text(html: str | None) -> str:
    """Readable plain text of a v2 note's ``content.html`` (``""`` for ``None``)."""
    if not html:
        return ""
    parser = _NoteHTMLParser()
    # Raw escape sequences go before parsing; ones spelled as character references (&#27;)
    # only exist after decoding, and are removed when each line is made terminal-safe below.
    parser.feed(strip_escape_sequences(html))
    lines = [terminal_safe(line, single_line=True) for line in parser.finish()]
    return _tidy(lines)


# ---- v1 Markdown-ish text --------------------------------------------------------------------
_MD_BULLET = re.compile(r"^(\s*)[*+-]\s+", re.MULTILINE)
_MD_STRONG = re.compile(r"(\*{2,3}|_{2})(?=\S)(.+?)(?<=\S)\1")
_MD_EM = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])")
_MD_LINK = re.compile(r"\[([^\]\n]*)\]\(([^)\s]+)\)")
_BLANK_RUNS = re.compile(r"\n{3,}")


def _md_link(match: re.Match[str]) -> str:
    text, url = match.group(1).strip(), match.group(2)
    if not text or _same_link(text, url):
        return text or url
    return f"{text} ({url})"


def markdownish_to_text(text: str | None) -> str:
    """Readable plain text of a v1 note's ``content`` (``**bold**``, ``* item``, ``[t](url)``)."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = terminal_safe(text, single_line=False)
    text = _MD_LINK.sub(_md_link, text)
    text = _MD_STRONG.sub(r"\2", text)
    text = _MD_EM.sub(r"\1", text)
    text = _MD_BULLET.sub(lambda m: f"{m.group(1)}{BULLET} ", text)
    lines = [line.rstrip() for line in text.split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n")


_LOOKS_LIKE_HTML = re.compile(r"<(?:p|br|ul|ol|li|strong|em|u|span|a|div|b|i)\b[^>]*>|</[a-z]+>",
                              re.IGNORECASE)


def note_to_text(content: str | None) -> str:
    """Plain text of a note body of either kind: HTML when it contains note tags, else v1 text."""
    if not content:
        return ""
    if _LOOKS_LIKE_HTML.search(content):
        return html_to_text(content)
    return markdownish_to_text(content)


def first_line(text: str, width: int = 120) -> str:
    """The first non-blank line of ``text``, cut to ``width`` characters with ``…``."""
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= width else line[: max(width - 1, 0)].rstrip() + "…"
    return ""
