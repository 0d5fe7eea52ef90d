"""The composer's preview: note HTML (the subset ``data/note_html`` writes) as styled terminal text.

Laid out the way the detail screen lays out a stored note (``data/note_text.html_to_text``):
paragraphs apart by a blank line, ``•`` and ``1.`` list items indented per level, links as
``text (url)`` unless the text is the address; with the styles the HTML asks for (bold, italic,
underline). Everything is ``rich.text.Text`` built from data, never markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

from rich.text import Text

STYLES = {"strong": "bold", "b": "bold", "em": "italic", "i": "italic", "u": "underline"}
LINK_STYLE = "underline cyan"


@dataclass
class _List:
    ordered: bool
    count: int = 0


class _Preview(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[Text] = [Text()]
        self.styles: list[str] = []
        self.lists: list[_List] = []
        self.href: str | None = None
        self.link_text = ""
        self.gap = False

    @property
    def line(self) -> Text:
        return self.lines[-1]

    def _new_line(self) -> None:
        if self.line.plain.strip():
            self.lines.append(Text())

    def _paragraph(self) -> None:
        self._new_line()
        if len(self.lines) > 1 and not self.lists:
            self.gap = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "p":
            self._paragraph()
        elif tag == "br":
            self.lines.append(Text())
        elif tag in ("ul", "ol"):
            if not self.lists:
                self._paragraph()
            self.lists.append(_List(tag == "ol"))
        elif tag == "li":
            self._new_line()
            self._flush_gap()
            current = self.lists[-1] if self.lists else _List(False)
            current.count += 1
            marker = f"{current.count}. " if current.ordered else "• "
            self.line.append("  " * max(len(self.lists) - 1, 0) + marker)
        elif tag == "a":
            self.href = dict(attrs).get("href") or ""
            self.link_text = ""
            self.styles.append(LINK_STYLE)
        elif tag in STYLES:
            self.styles.append(STYLES[tag])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            if not self.lists:
                self._paragraph()
        elif tag == "a":
            if self.styles:
                self.styles.pop()
            href, self.href = self.href, None
            if href and _strip(href) != _strip(self.link_text):
                self.line.append(f" ({href})", style="dim")
        elif tag in STYLES and self.styles:
            self.styles.pop()

    def _flush_gap(self) -> None:
        if self.gap:
            self.gap = False
            if self.lines[-1].plain.strip() == "" and len(self.lines) > 1:
                self.lines.insert(len(self.lines) - 1, Text())

    def handle_data(self, data: str) -> None:
        if not data:
            return
        self._flush_gap()
        text = " ".join(data.split("\n"))
        if self.href is not None:
            self.link_text += text
        self.line.append(text, style=" ".join(self.styles) or None)


def _strip(url: str) -> str:
    for prefix in ("https://", "http://", "mailto:"):
        if url.lower().startswith(prefix):
            url = url[len(prefix):]
    return url.rstrip("/").casefold()


def render_note(html: str) -> Text:
    """The note as the user will read it, styled."""
    parser = _Preview()
    parser.feed(html)
    parser.close()
    lines = parser.lines
    while lines and not lines[-1].plain.strip():
        lines.pop()
    return Text("\n").join(lines) if lines else Text()
