"""Plain text and Markdown → a message part; the optional subject line or front matter of both.

Markdown is parsed with markdown-it-py (CommonMark; already installed with Rich, so no new
dependency), not rendered: its tokens give each block's source lines and each link's target and
text, so ``[Unsubscribe](https://…)`` is a link with its text as in an email's HTML part. HTML
blocks inside Markdown go through the HTML reader. In both formats a URL written out in the text is
a link whose text is its line ("Unsubscribe: https://…").
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

from lawfulreach.domain.message import Link, Part
from lawfulreach.errors import MessageError
from lawfulreach.messages.html import parse_html

_URL = re.compile(r"(?:https?://|mailto:)[^\s<>\"')\]]+", re.IGNORECASE)
#: the keys front matter may hold (anything else is refused: a typo must not pass silently)
FRONT_MATTER_KEYS = ("subject", "from")


def split_front_matter(text: str, source: str) -> tuple[dict[str, str], str, int]:
    """``(fields, body, lines before the body)``: a ``---`` block of ``key: value`` lines, or a first
    line ``Subject: …`` (and the blank line after it), taken off the top."""
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        fields: dict[str, str] = {}
        for index, line in enumerate(lines[1:], start=2):
            if line.strip() == "---":
                return fields, "\n".join(lines[index:]), index
            if not line.strip():
                continue
            key, sep, value = line.partition(":")
            name = key.strip().lower()
            if not sep or name not in FRONT_MATTER_KEYS:
                raise MessageError(
                    f"{source}, line {index}: front matter takes {' and '.join(FRONT_MATTER_KEYS)} "
                    f"(`subject: …`), not {line.strip()[:60]!r}"
                )
            fields[name] = value.strip().strip("\"'")
        raise MessageError(f"{source}: the front matter opened on line 1 is never closed with ---")
    if lines and lines[0].lower().startswith("subject:"):
        skip = 2 if len(lines) > 1 and not lines[1].strip() else 1
        return {"subject": lines[0][len("subject:") :].strip()}, "\n".join(lines[skip:]), skip
    return {}, text, 0


def _text_links(lines: list[tuple[int, str]]) -> list[Link]:
    """The URLs written out in the text. A URL's text is what stands before it on its line since the
    previous URL ("Unsubscribe: https://…"), else what follows it up to the next one."""
    out = []
    for line, text in lines:
        found = list(_URL.finditer(text))
        for index, match in enumerate(found):
            before = text[found[index - 1].end() if index else 0 : match.start()].strip()
            after = text[match.end() : found[index + 1].start() if index + 1 < len(found) else len(text)].strip()
            out.append(Link(match.group(0).rstrip(".,;:"), before or after, line))
    return out


def parse_text(text: str, label: str, *, line_offset: int = 0) -> Part:
    lines = [(n + line_offset, line.rstrip()) for n, line in enumerate(text.split("\n"), start=1) if line.strip()]
    if not lines:
        raise MessageError(f"the {label} is empty")
    return Part(label, tuple(lines), tuple(_text_links(lines)))


def parse_markdown(text: str, label: str, *, line_offset: int = 0) -> Part:
    tokens = MarkdownIt("commonmark").parse(text)
    lines: list[tuple[int, str]] = []
    links: list[Link] = []
    for token in tokens:
        if token.map is None:
            continue
        first = token.map[0] + 1 + line_offset
        if token.type == "inline":
            _inline(token.children or [], first, lines, links)
        elif token.type in ("fence", "code_block"):
            lines += [(first + i + (token.type == "fence"), t) for i, t in enumerate(token.content.split("\n")) if t]
        elif token.type == "html_block":
            part, _ = parse_html(token.content, label, line_offset=first - 1)
            lines += part.lines
            links += part.links
    if not lines:
        raise MessageError(f"the {label} is empty")
    written = [link for link in _text_links(lines) if all(link.href != known.href for known in links)]
    return Part(label, tuple(lines), tuple(links + written))


def _inline(children: list[Token], line: int, lines: list[tuple[int, str]], links: list[Link]) -> None:
    """An inline token's text, a line per source line, and its links with their text."""
    current: list[str] = []
    link: tuple[str, int, list[str]] | None = None

    def flush() -> None:
        text = " ".join("".join(current).split())
        if text:
            lines.append((line, text))
        current.clear()

    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            flush()
            line += 1
            continue
        if child.type == "link_open":
            link = (str(child.attrs.get("href") or ""), line, [])
            continue
        if child.type == "link_close" and link is not None:
            links.append(Link(link[0], " ".join("".join(link[2]).split()), link[1]))
            link = None
            continue
        if child.type in ("text", "code_inline", "image"):  # an image's content is its alt text
            text = child.content
        else:  # html_inline and the emphasis markers: no visible text of their own
            continue
        current.append(text)
        if link is not None:
            link[2].append(text)
    flush()


__all__ = ["FRONT_MATTER_KEYS", "parse_markdown", "parse_text", "split_front_matter"]
