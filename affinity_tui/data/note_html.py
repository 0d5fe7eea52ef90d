"""Markdown typed in the composer → the note HTML Affinity stores.

Affinity's v2 notes accept only ``<p> <br> <strong> <em> <u> <ol> <ul> <li> <span> <a href>``
(links to ``http``, ``https`` or ``mailto`` only; no other attribute anywhere). The Markdown is
parsed by markdown-it-py (CommonMark, raw HTML off, so ``<b>`` typed in a note is text and is
escaped) and every construct is mapped onto that subset by the renderer below:

==========================  ====================================================================
Markdown                    stored as
==========================  ====================================================================
paragraph                   ``<p>…</p>``; a line break inside it (soft or hard) is ``<br>``, so
                            a note typed line by line keeps its lines
``**bold**`` / ``*it*``     ``<strong>`` / ``<em>``
``- item`` / ``1. item``    ``<ul><li>`` / ``<ol><li>`` (a numbered list always counts from 1)
``# Heading``               a bold paragraph ``<p><strong>…</strong></p>``
code (inline, block)        its text, plain (``<pre>``/``<code>`` are refused by Affinity)
``> quote``                 its paragraphs, plain (``<blockquote>`` is refused)
``[text](url)``             ``<a href="url">text</a>`` for http/https/mailto; other schemes keep
                            only the text
``![alt](src)``             a link to the image, its text the alt text (or the address)
``---``                     nothing (``<hr>`` is refused)
==========================  ====================================================================

The visible text of the result is the visible text of the Markdown (what a CommonMark renderer
would show), which the property tests check on random input.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_TAGS = frozenset({"p", "br", "strong", "em", "u", "ol", "ul", "li", "span", "a"})
LINK_SCHEMES = frozenset({"http", "https", "mailto"})

_PARSER = MarkdownIt("commonmark", {"html": False})
_BLOCK_TAGS = {"bullet_list_open": "<ul>", "bullet_list_close": "</ul>",
               "ordered_list_open": "<ol>", "ordered_list_close": "</ol>",
               "list_item_open": "<li>", "list_item_close": "</li>"}
_INLINE_TAGS = {"strong_open": "<strong>", "strong_close": "</strong>",
                "em_open": "<em>", "em_close": "</em>"}


def markdown_to_html(text: str) -> str:
    """The note HTML for ``text`` (Markdown); "" when it holds nothing to show."""
    return _render_blocks(_PARSER.parse(text))


def linkable(url: str) -> bool:
    """Whether Affinity keeps a link to ``url`` (http, https or mailto)."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return False
    return scheme in LINK_SCHEMES


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def _render_blocks(tokens: Sequence[Token]) -> str:
    out: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        kind = token.type
        if kind in _BLOCK_TAGS:
            out.append(_BLOCK_TAGS[kind])
        elif kind in ("paragraph_open", "heading_open"):
            inline = tokens[i + 1] if i + 1 < len(tokens) and tokens[i + 1].type == "inline" else None
            body = _render_inline(inline.children or []) if inline is not None else ""
            if kind == "heading_open" and body:
                body = f"<strong>{body}</strong>"
            if body:
                out.append(body if token.hidden else f"<p>{body}</p>")
            i += 3 if inline is not None else 2  # open, inline, close
            continue
        elif kind in ("code_block", "fence"):
            lines = token.content.rstrip("\n").split("\n")
            body = "<br>".join(_escape(line) for line in lines)
            if body:
                out.append(f"<p>{body}</p>")
        # blockquote_open/close and hr leave no tag of their own: a quote's paragraphs stand as
        # they are, and a rule has no text.
        i += 1
    return "".join(out)


def _render_inline(tokens: Sequence[Token]) -> str:
    out: list[str] = []
    links: list[bool] = []
    """For each open link: whether an ``<a>`` was written for it (a refused scheme writes none)."""
    for token in tokens:
        kind = token.type
        if kind == "text":
            out.append(_escape(token.content))
        elif kind == "code_inline":
            out.append(_escape(token.content))
        elif kind in ("softbreak", "hardbreak"):
            out.append("<br>")
        elif kind in _INLINE_TAGS:
            out.append(_INLINE_TAGS[kind])
        elif kind == "link_open":
            href = str(token.attrs.get("href", ""))
            keep = linkable(href)
            links.append(keep)
            if keep:
                out.append(f'<a href="{html.escape(href, quote=True)}">')
        elif kind == "link_close":
            if links.pop() if links else False:
                out.append("</a>")
        elif kind == "image":
            src = str(token.attrs.get("src", ""))
            label = _alt_text(token.children or []) or src
            if linkable(src) and not links:  # a link inside a link is not HTML
                out.append(f'<a href="{html.escape(src, quote=True)}">{_escape(label)}</a>')
            else:
                out.append(_escape(label))
    return "".join(out)


def _alt_text(tokens: Sequence[Token]) -> str:
    """An image's description as plain text (markup dropped), as CommonMark defines its alt."""
    out: list[str] = []
    for token in tokens:
        if token.type in ("text", "code_inline"):
            out.append(token.content)
        elif token.type == "image":
            out.append(_alt_text(token.children or []))
        elif token.type in ("softbreak", "hardbreak"):
            out.append("\n")
    return "".join(out)
