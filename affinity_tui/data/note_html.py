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
code (inline, block)        its text, plain (``<pre>``/``<code>`` are refused by Affinity); a
                            block's lines apart by ``<br>``, a paragraph per blank line
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
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
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
            body = _trim_breaks(body)
            if kind == "heading_open" and body:
                body = f"<strong>{body}</strong>"
            if body:
                out.append(body if token.hidden else f"<p>{body}</p>")
            i += 3 if inline is not None else 2  # open, inline, close
            continue
        elif kind in ("code_block", "fence"):
            # a paragraph per run of lines, as a blank line in code reads like one in prose
            runs: list[list[str]] = [[]]
            for line in token.content.split("\n"):
                if line.strip():
                    runs[-1].append(_escape(line.rstrip()))
                elif runs[-1]:
                    runs.append([])
            out.extend(f"<p>{'<br>'.join(run)}</p>" for run in runs if run)
        # blockquote_open/close and hr leave no tag of their own: a quote's paragraphs stand as
        # they are, and a rule has no text.
        i += 1
    return "".join(out)


def _trim_breaks(body: str) -> str:
    """A paragraph's line breaks at its very start or end hold no text: dropped."""
    while body.startswith("<br>"):
        body = body[4:]
    while body.endswith("<br>"):
        body = body[:-4]
    return body


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


# ---- back to Markdown, to edit a stored note -------------------------------------------------
_INLINE = frozenset({"strong", "b", "em", "i", "u", "a", "span", "br", "code", "s", "font", "small", "sub", "sup"})
_ESCAPE_ANYWHERE = str.maketrans({"\\": "\\\\", "*": "\\*", "_": "\\_", "`": "\\`", "[": "\\[", "]": "\\]",
                                  "<": "\\<"})
_ENTITY = re.compile(r"&(?=#?\w+;)")
_LINE_START = re.compile(r"^([#>+=~|-])")
_NUMBERED = re.compile(r"^(\d+)([.)])")


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[_Node | str] = field(default_factory=list)


class _Tree(HTMLParser):
    VOID = frozenset({"br", "hr", "img", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(_Node(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def html_to_markdown(document: str) -> str:
    """Markdown that ``markdown_to_html`` turns back into ``document`` (note HTML, as Affinity
    stores it), for editing a stored note in the composer. Underline has no Markdown and is
    kept as plain text; a mention reads as ``@Name``."""
    tree = _Tree()
    tree.feed(document)
    tree.close()
    return "\n\n".join(_blocks(tree.root.children))


def _blocks(children: Sequence[_Node | str]) -> list[str]:
    out: list[str] = []
    inline: list[_Node | str] = []

    def flush() -> None:
        text = _paragraph(inline)
        if text:
            out.append(text)
        inline.clear()

    last_list = ""
    alternate = False
    for child in children:
        if isinstance(child, str) or child.tag in _INLINE:
            if isinstance(child, str) and not child.strip():
                inline.append(child)
                continue
            inline.append(child)
            last_list = ""
            continue
        flush()
        if child.tag in ("ul", "ol"):
            # two lists in a row are two lists only if their markers differ
            alternate = not alternate if last_list == child.tag else False
            listed = _list(child, alternate)
            last_list = child.tag
            if listed:
                out.append(listed)
        else:
            last_list = ""  # p, li outside a list, div, headings...: their content, as blocks
            out.extend(_blocks(child.children))
    flush()
    return out


def _list(node: _Node, alternate: bool = False) -> str:
    items: list[str] = []
    loose = False
    number = 0
    for child in node.children:
        if isinstance(child, str):
            if child.strip():
                items.append(_escape_line(child.strip()))
            continue
        if child.tag != "li":
            continue
        number += 1
        if node.tag == "ol":
            marker = f"{number}) " if alternate else f"{number}. "
        else:
            marker = "* " if alternate else "- "
        blocks = _blocks(child.children)
        loose = loose or any(isinstance(c, _Node) and c.tag == "p" for c in child.children)
        body = ("\n\n" if loose else "\n").join(blocks) or ""
        pad = " " * len(marker)
        lines = body.split("\n")
        items.append(marker + lines[0] + "".join("\n" + (pad + line if line else "") for line in lines[1:]))
    return ("\n\n" if loose else "\n").join(items)


def _paragraph(nodes: Sequence[_Node | str]) -> str:
    text = _inline(nodes)
    lines = [_escape_line(line.strip(" \t")) for line in text.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def _inline(nodes: Sequence[_Node | str]) -> str:
    out: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            out.append(_ENTITY.sub("\\\\&", " ".join(node.split("\n")).translate(_ESCAPE_ANYWHERE)))
        elif node.tag == "br":
            out.append("\n")
        elif node.tag in ("strong", "b", "em", "i"):
            inner = _inline(node.children)
            core = inner.strip(" ")
            if not core.strip():
                out.append(inner)
                continue
            nested = core.startswith(("*", "_")) or core.endswith(("*", "_"))
            if node.tag in ("strong", "b"):
                mark = "__" if nested and not core.startswith("_") and not core.endswith("_") else "**"
            else:
                mark = "_" if nested and not core.startswith("_") and not core.endswith("_") else "*"
            lead = inner[: len(inner) - len(inner.lstrip(" "))]
            trail = inner[len(inner.rstrip(" ")):]
            out.append(f"{lead}{mark}{core}{mark}{trail}")
        elif node.tag == "a":
            href = node.attrs.get("href") or ""
            inner = _inline(node.children)
            if href and linkable(href):
                out.append(f"[{inner}](<{href}>)" if re.search(r"[\s()<>]", href) else f"[{inner}]({href})")
            else:
                out.append(inner)
        elif node.tag == "span" and any("mention" in (v or "") for v in node.attrs.values()):
            inner = _inline(node.children)
            out.append(inner if inner.startswith("@") else f"@{inner}")
        else:
            out.append(_inline(node.children))
    return "".join(out)


def _escape_line(line: str) -> str:
    """A line's first character, when Markdown would read it as structure, escaped."""
    line = _LINE_START.sub(r"\\\1", line)
    return _NUMBERED.sub(r"\1\\\2", line)
