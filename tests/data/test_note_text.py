"""Note HTML (v2) and Markdown-ish text (v1) to plain, terminal-safe text."""

from __future__ import annotations

import unicodedata

import pytest

from affinity_tui.data.note_text import (
    first_line,
    html_to_text,
    markdownish_to_text,
    note_to_text,
    strip_escape_sequences,
    terminal_safe,
)


def _has_controls(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" and ch != "\n" for ch in text)


def test_paragraphs_are_separated_by_one_blank_line() -> None:
    assert html_to_text("<p>One</p><p>Two</p><p></p><p>Three</p>") == "One\n\nTwo\n\nThree"


def test_line_breaks_and_inline_formatting() -> None:
    html = "<p>Met <strong>Jane</strong>, <em>needs</em> a <u>GTM</u> lead<br>next line<br><br>after gap</p>"
    assert html_to_text(html) == "Met Jane, needs a GTM lead\nnext line\n\nafter gap"


def test_whitespace_collapses_like_html() -> None:
    assert html_to_text("<p>  lots   of\n\n spaces\t here </p>") == "lots of spaces here"


def test_bulleted_and_numbered_lists() -> None:
    html = ("<p>Diligence:</p><ol><li>References good</li><li>Churn under 2%</li></ol>"
            "<ul><li>ARR: $100k</li><li>Burn</li></ul><p>End</p>")
    assert html_to_text(html) == ("Diligence:\n\n1. References good\n2. Churn under 2%\n\n"
                                  "• ARR: $100k\n• Burn\n\nEnd")


def test_nested_lists_paragraph_items_and_continuation_lines() -> None:
    html = "<ul><li><p>one</p></li><li>two<ol><li>a</li><li>b</li></ol></li><li>three<br>more</li></ul>"
    assert html_to_text(html) == "• one\n• two\n  1. a\n  2. b\n• three\n  more"


def test_links_show_their_target_unless_the_text_already_does() -> None:
    html = ('<p><a href="https://acme.co/deck">acme.co/deck</a> · <a href="https://x.io/a">the deck</a>'
            ' · <a href="mailto:jane@acme.co">jane@acme.co</a> · <a href="https://y.io"></a></p>')
    assert html_to_text(html) == "acme.co/deck · the deck (https://x.io/a) · jane@acme.co · https://y.io"


def test_mentions_become_at_names() -> None:
    html = ('<p>Sync with <span data-type="note-mention" data-note-mention-type="person" '
            'data-note-mention-person-id="50006">Lea Hoffmann</span> and <span>plain span</span>.</p>')
    assert html_to_text(html) == "Sync with @Lea Hoffmann and plain span."


def test_entities_are_unescaped_once_and_markup_stays_literal() -> None:
    html = "<p>[bold]Not markup[/bold] &lt;script&gt;alert(1)&lt;/script&gt; &amp;lt; caf&eacute;</p>"
    assert html_to_text(html) == "[bold]Not markup[/bold] <script>alert(1)</script> &lt; café"


def test_other_tags_are_stripped_and_scripts_lose_their_content() -> None:
    html = ('<div><h1>Title</h1><img src="x.png"><table><tr><td>cell</td></tr></table>'
            "<script>steal()</script><style>p{}</style><blockquote>quoted</blockquote></div>")
    assert html_to_text(html) == "Title\n\ncell\n\nquoted"


def test_escape_sequences_and_control_characters_cannot_reach_the_terminal() -> None:
    html = ("<p>\x1b[31mred\x1b[0m \x1b]0;pwned\x07title \x1b]8;;https://evil.example\x1b\\link"
            "\x1b]8;;\x1b\\ \x1bc reset \x9b2J erase &#27;[2J &#x1b;]0;t&#7; bell\x00nul \u202eevil</p>")
    text = html_to_text(html)
    assert not _has_controls(text)
    assert "\x1b" not in text and "\x9b" not in text and "\u202e" not in text
    assert text.startswith("red title link reset erase ")
    assert "nul" in text and "evil" in text
    assert "\N{REPLACEMENT CHARACTER}" in text  # NUL and the bidi override are shown, not hidden


def test_unclosed_and_broken_html_still_gives_all_the_text() -> None:
    assert html_to_text('<p>start <a href="https://a.io">link text <strong>bold') == \
        "start link text bold"
    assert html_to_text("<p>a</span></li></ul></a>b") == "ab"
    assert html_to_text("") == "" and html_to_text(None) == ""


def test_markdownish_v1_content() -> None:
    content = ("Had a **lunch meeting** with *Jane* today.\r\n\r\n* first\n* second\n  - nested\n\n\n\n"
               "Test ***html*** and [deck](https://a.co/deck) and [a.co](https://a.co); 5 * 3 = 15")
    assert markdownish_to_text(content) == (
        "Had a lunch meeting with Jane today.\n\n• first\n• second\n  • nested\n\n"
        "Test html and deck (https://a.co/deck) and a.co; 5 * 3 = 15")


def test_markdownish_is_terminal_safe_and_keeps_markup_literal() -> None:
    text = markdownish_to_text("[bold]x[/bold] \x1b[2Jcleared\x07 <b>not html</b>")
    assert text == "[bold]x[/bold] cleared\N{REPLACEMENT CHARACTER} <b>not html</b>"


@pytest.mark.parametrize(("content", "expected"), [
    ("<p>html <strong>note</strong></p>", "html note"),
    ("Plain v1 **note** with a < b", "Plain v1 note with a < b"),
    (None, ""),
])
def test_note_to_text_sniffs_html(content: str | None, expected: str) -> None:
    assert note_to_text(content) == expected


def test_helpers() -> None:
    assert strip_escape_sequences("a\x1b[1;31mb") == "ab"
    assert terminal_safe("a\tb\nc", single_line=True) == "a b c"
    assert first_line("\n\n  first line here \nsecond") == "first line here"
    assert first_line("x" * 200, width=10) == "x" * 9 + "…"
