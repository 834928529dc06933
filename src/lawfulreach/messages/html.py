"""HTML → what a recipient sees: visible text by source line, and the links with their visible text.

Parsed with lxml (libxml2's HTML parser, which recovers from the broken markup email HTML is full of,
and keeps every element's source line for the findings). Not shown, so not read: ``<script>``,
``<style>``, ``<head>`` (its ``<title>`` is returned separately), ``<template>``, ``<noscript>``,
comments, elements with the ``hidden`` attribute or a hiding ``style`` (``display:none``,
``visibility:hidden``, ``opacity:0``, ``font-size:0``, ``mso-hide:all``, a zero height with hidden
overflow), and hidden inputs — when in doubt, hidden: a requirement is never passed on text the
recipient may not see. Block elements and ``<br>`` end a line, so two paragraphs on one source line stay two lines.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

from lawfulreach.domain.message import Link, Part
from lawfulreach.errors import MessageError

_SKIPPED = frozenset({"script", "style", "head", "template", "noscript", "title", "meta", "link", "object", "iframe"})
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "br", "center", "dd", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th",
        "thead", "tr", "ul",
    }
)  # fmt: skip
#: styles that hide an element from the recipient: the usual ones, and the tricks email uses for
#: preheaders (zero opacity, zero font size, Outlook's mso-hide, a zero-height box with its overflow
#: hidden). Counting hidden text as present would pass a message that does not show what it must.
_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|opacity\s*:\s*0(?:\.0*)?(?![.\d])"
    r"|font-size\s*:\s*0(?![.\d])|mso-hide\s*:\s*all",
    re.IGNORECASE,
)
_ZERO_BOX = re.compile(r"(?:max-)?height\s*:\s*0(?![.\d])", re.IGNORECASE)
_OVERFLOW_HIDDEN = re.compile(r"overflow\s*:\s*hidden", re.IGNORECASE)


def _hidden(element: etree._Element) -> bool:
    if "hidden" in element.attrib:
        return True
    if element.tag == "input" and (element.get("type") or "").lower() == "hidden":
        return True
    style = element.get("style") or ""
    return bool(_HIDDEN_STYLE.search(style) or (_ZERO_BOX.search(style) and _OVERFLOW_HIDDEN.search(style)))


class _Lines:
    """Logical lines of visible text, each with the source line it starts on."""

    def __init__(self, offset: int) -> None:
        self.offset = offset
        self.lines: list[tuple[int, str]] = []
        self._words: list[str] = []
        self._start: int | None = None

    def add(self, text: str | None, line: int | None) -> None:
        if not text:
            return
        words = text.split()
        if not words:
            if self._words and text[-1:].isspace():
                self._words.append("")  # keep the space between two inline runs
            return
        if self._start is None:
            self._start = line
        if self._words and text[:1].isspace():
            self._words.append("")
        self._words.extend(words)

    def end(self) -> None:
        if self._words:
            text = " ".join(w for w in self._words if w)
            self.lines.append(((self._start or 1) + self.offset, text))
        self._words = []
        self._start = None


def _visible_text(element: etree._Element) -> str:
    """The visible text inside ``element`` (for a link's text); an image's alt text stands for it."""
    out: list[str] = []

    def walk(node: etree._Element) -> None:
        if not isinstance(node.tag, str) or node.tag in _SKIPPED or _hidden(node):
            return
        if node.tag == "img" and node.get("alt"):
            out.append(node.get("alt") or "")
        if node.text:
            out.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                out.append(child.tail)

    walk(element)
    return " ".join(" ".join(out).split())


def parse_html(text: str, label: str, *, line_offset: int = 0) -> tuple[Part, str | None]:
    """``(part, title)``: the visible text and links of an HTML document, and its ``<title>``.
    ``line_offset``: lines before this text in its file (front matter), so lines name the file's."""
    if not text.strip():
        raise MessageError(f"the {label} is empty")
    try:
        root = lxml_html.document_fromstring(text)
    except ValueError:  # a str with an XML encoding declaration: parse its UTF-8 bytes instead
        root = lxml_html.document_fromstring(text.encode("utf-8"), parser=lxml_html.HTMLParser(encoding="utf-8"))
    except etree.ParserError as exc:
        raise MessageError(f"the {label} is not readable HTML: {exc}") from None
    title_element = root.find(".//title")
    title = " ".join((title_element.text_content() or "").split()) if title_element is not None else None
    lines = _Lines(line_offset)
    links: list[Link] = []

    def walk(node: etree._Element) -> None:
        tag = node.tag
        if not isinstance(tag, str) or tag in _SKIPPED or _hidden(node):
            return
        block = tag in _BLOCKS
        if block:
            lines.end()
        if tag == "a" and node.get("href") is not None:
            where = (node.sourceline or 1) + line_offset
            links.append(Link((node.get("href") or "").strip(), _visible_text(node), where))
        lines.add(node.text, node.sourceline)
        for child in node:
            walk(child)
            lines.add(child.tail, child.sourceline)
        if block:
            lines.end()

    walk(root)
    lines.end()
    return Part(label, tuple(lines.lines), tuple(links)), title or None


__all__ = ["parse_html"]
