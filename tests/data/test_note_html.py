"""Markdown → note HTML: the subset Affinity accepts, and nothing of the text lost.

"Text" is defined the same way on both sides: the character data of an HTML document (character
references decoded), where every block boundary (``p br li ul ol h1–h6 blockquote pre hr``) and an
image (counted as its alt text, or its address when it has none) stand for text, and every run of
whitespace counts as one space. The reference is markdown-it's own CommonMark HTML rendering of
the same source (raw HTML off): the note must read exactly like it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from affinity.services._note_html import normalize_html
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from affinity_tui.data.note_html import ALLOWED_TAGS, LINK_SCHEMES, markdown_to_html
from affinity_tui.data.note_text import html_to_text

BLOCKS = {"p", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr"}
REFERENCE = MarkdownIt("commonmark", {"html": False})


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCKS:
            self.parts.append(" ")
        if tag == "img":
            values = dict(attrs)
            self.parts.append(values.get("alt") or values.get("src") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def text_of(document: str) -> str:
    parser = _Text()
    parser.feed(document)
    parser.close()
    return " ".join("".join(parser.parts).split())


class _Structure(HTMLParser):
    """Every tag allowed, every attribute allowed, every element closed in order."""

    VOID = {"br"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if not (tag == "a" and name == "href"):
                self.problems.append(f"{name} on <{tag}>")
            elif (value or "").split(":", 1)[0].lower() not in LINK_SCHEMES:
                self.problems.append(f"href {value}")
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.problems.append(f"<{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.problems.append(f"</{tag}> out of order")


def structure_problems(document: str) -> list[str]:
    checker = _Structure()
    checker.feed(document)
    checker.close()
    return checker.problems + [f"<{tag}> never closed" for tag in checker.open]


# ---- examples --------------------------------------------------------------------------------
@pytest.mark.parametrize(("markdown", "expected"), [
    ("Met **Jane** and *Raj*", "<p>Met <strong>Jane</strong> and <em>Raj</em></p>"),
    ("line one\nline two", "<p>line one<br>line two</p>"),
    ("para\n\nnext", "<p>para</p><p>next</p>"),
    ("- one\n- two", "<ul><li>one</li><li>two</li></ul>"),
    ("3. three\n4. four", "<ol><li>three</li><li>four</li></ol>"),
    ("- a\n  - b", "<ul><li>a<ul><li>b</li></ul></li></ul>"),
    ("# Next steps", "<p><strong>Next steps</strong></p>"),
    ("[deck](https://acme.co/deck)", '<p><a href="https://acme.co/deck">deck</a></p>'),
    ("<https://acme.co>", '<p><a href="https://acme.co">https://acme.co</a></p>'),
    ("[mail](mailto:a@b.co)", '<p><a href="mailto:a@b.co">mail</a></p>'),
    ("[ftp](ftp://x.y/z)", "<p>ftp</p>"),
    ("[js](javascript:alert(1))", "<p>[js](javascript:alert(1))</p>"),
    ("![chart](https://x.y/c.png)", '<p><a href="https://x.y/c.png">chart</a></p>'),
    ("`a < b`", "<p>a &lt; b</p>"),
    ("```\nif a:\n  b()\n```", "<p>if a:<br>  b()</p>"),
    ("> quoted\n> text", "<p>quoted<br>text</p>"),
    ("<b>hi</b> <script>x</script>", "<p>&lt;b&gt;hi&lt;/b&gt; &lt;script&gt;x&lt;/script&gt;</p>"),
    ("[markup] & co", "<p>[markup] &amp; co</p>"),
    ("a\n\n---\n\nb", "<p>a</p><p>b</p>"),
    ("", ""),
    ("   \n\n", ""),
])
def test_examples(markdown: str, expected: str) -> None:
    assert markdown_to_html(markdown) == expected
    assert structure_problems(expected) == []


def test_the_sdk_accepts_what_the_renderer_writes() -> None:
    document = markdown_to_html("# Call\n\n**Bold** *it* [l](https://x.y)\n\n1. a\n2. b\n\n> q\n\n```\nc\n```")
    assert normalize_html(document) == document


def test_the_detail_screen_reads_it_like_the_markdown() -> None:
    document = markdown_to_html("Intro\n\n- first\n- second\n\n1. one\n2. two")
    assert html_to_text(document) == "Intro\n\n• first\n• second\n\n1. one\n2. two"


# ---- properties ------------------------------------------------------------------------------
PIECES = st.sampled_from([
    "**", "*", "_", "__", "`", "```", "~~~", "\n", "\n\n", "- ", "* ", "1. ", "2) ", "  ", "    ", "# ", "## ",
    "> ", "[", "]", "(", ")", "![", "](", "<", ">", "&", "&amp;", "&#x3C;", "\\", "---", "https://x.y/a_b",
    "mailto:a@b.c", "javascript:x", "ftp://h/p", "<b>", "</p>", "<https://auto.link>", "\"", "'", "|", "\t",
])
WORDS = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=6)
MARKDOWN = st.lists(st.one_of(PIECES, WORDS), max_size=40).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MARKDOWN)
def test_random_markdown_gives_allowed_html_with_the_same_text(markdown: str) -> None:
    document = markdown_to_html(markdown)
    assert structure_problems(document) == []
    normalize_html(document)  # the SDK's own check raises on anything Affinity refuses
    assert text_of(document) == text_of(REFERENCE.render(markdown))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_random_text_gives_allowed_html_with_the_same_text(markdown: str) -> None:
    document = markdown_to_html(markdown)
    assert structure_problems(document) == []
    assert text_of(document) == text_of(REFERENCE.render(markdown))


# ---- editing a stored note: HTML back to Markdown --------------------------------------------
@pytest.mark.parametrize("markdown", [
    "Intro\n\n- first\n- second\n\n1. one\n2. two",
    "Met **Jane** and *Raj* at [Acme](https://acme.co/x_y)\nnext line",
    "- a\n  - b\n- c\n\nafter",
    "- loose\n\n  more\n- b",
    "a_b*c [x] \\ & &amp; <b> `code`",
    "1. x\n\n# heading\n\n+ plus",
    "[link (with) parens](https://x.y/a_(b))",
])
def test_a_stored_note_comes_back_as_markdown_that_writes_the_same_html(markdown: str) -> None:
    from affinity_tui.data.note_html import html_to_markdown

    document = markdown_to_html(markdown)
    assert markdown_to_html(html_to_markdown(document)) == document


_INLINE_TAG = r"</?(?:strong|em|u|span|a)(?: [^>]*)?>"
_EDGE = r"(?:</?(?:p|li|ul|ol)>|<br>|^|$)"


def as_shown(document: str) -> str:
    """Note HTML as a browser shows it: whitespace runs count as one space, and whitespace at the
    start or end of a line (next to a paragraph, item or line break, across bold and the like)
    and bold around nothing but whitespace are not shown at all; an item of one paragraph looks
    like an item of plain text."""
    text = re.sub(r"\s+", " ", document)
    text = text.replace("<li><p>", "<li>").replace("</p></li>", "</li>")  # one paragraph in an item
    text = re.sub(rf"<(strong|em|u|span|a)(?: [^>]*)?>( ?)</\1>", r"\2", text)
    previous = None
    while previous != text:
        previous = text
        text = re.sub(rf"({_EDGE})((?:{_INLINE_TAG})*) ", r"\1\2", text)
        text = re.sub(rf" ((?:{_INLINE_TAG})*)(?={_EDGE})", r"\1", text)
    return text


WORD = st.text(alphabet=st.characters(whitelist_categories=("L", "N")), min_size=1, max_size=8)
PHRASE = st.lists(WORD, min_size=1, max_size=4).map(" ".join)
SPAN = st.one_of(
    PHRASE, PHRASE.map(lambda t: f"**{t}**"), PHRASE.map(lambda t: f"*{t}*"), PHRASE.map(lambda t: f"***{t}***"),
    PHRASE.map(lambda t: f"`{t}`"), PHRASE.map(lambda t: f"[{t}](https://acme.co/{t.split()[0]})"),
    st.sampled_from(["a_b", "2 * 3", "[x]", "<b>", "&amp;", "C:\\path", "#tag", "1.5", "e.g.", "--", "@Jane"]),
)
LINE = st.lists(SPAN, min_size=1, max_size=5).map(" ".join)
BLOCK = st.one_of(
    st.lists(LINE, min_size=1, max_size=3).map("\n".join),
    LINE.map(lambda t: f"# {t}"), LINE.map(lambda t: f"> {t}"),
    st.lists(LINE, min_size=1, max_size=3).map(lambda items: "\n".join(f"- {t}" for t in items)),
    st.lists(LINE, min_size=1, max_size=3).map(lambda items: "\n".join(f"{i + 1}. {t}" for i, t in enumerate(items))),
    st.lists(LINE, min_size=1, max_size=3).map(lambda items: "\n".join(f"- {t}\n  - {t}" for t in items)),
    st.lists(LINE, min_size=1, max_size=3).map(lambda items: "```\n" + "\n\n".join(items) + "\n```"),
)
NOTE = st.lists(BLOCK, min_size=1, max_size=5).map("\n\n".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(NOTE)
def test_random_notes_survive_the_trip_back_to_markdown(markdown: str) -> None:
    """Editing a stored note (written the way notes are written) and saving it unchanged stores
    what is shown the same way."""
    from affinity_tui.data.note_html import html_to_markdown

    document = markdown_to_html(markdown)
    assert as_shown(markdown_to_html(html_to_markdown(document))) == as_shown(document)
