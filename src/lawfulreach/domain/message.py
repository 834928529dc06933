"""A message as the message check (``domain.lint``) reads it: what a recipient sees, and where.

The adapters (``lawfulreach.messages``) turn an ``.eml``, an HTML page, plain text or Markdown into
this shape: the subject, each body part's *visible* text by source line, the links with their visible
text, and (for an ``.eml``) the header fields. The checks read nothing else, so they are pure
functions of this value and work the same for every format.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Link:
    """A link as a recipient sees it: where it goes and the text they click (for a URL written out in
    plain text, the line it stands on)."""

    href: str
    text: str
    #: the source line of the part it is in (1-based), when known
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Part:
    """One body part: its label (``text/plain part``, ``HTML part``, ``text``…), its visible text as
    ``(line, text)`` pairs in order, and its links."""

    label: str
    lines: tuple[tuple[int, str], ...]
    links: tuple[Link, ...] = ()

    @property
    def text(self) -> str:
        return "\n".join(text for _, text in self.lines)


@dataclass(frozen=True, slots=True)
class Message:
    """A parsed message. ``kind``: ``eml``, ``html``, ``text`` or ``markdown``; ``headers`` only for
    an ``.eml`` (name, decoded value), in order."""

    kind: str
    subject: str | None
    parts: tuple[Part, ...]
    headers: tuple[tuple[str, str], ...] = ()

    def header(self, name: str) -> str | None:
        """The first header field of that name (case-insensitive), or None."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    @property
    def is_eml(self) -> bool:
        return self.kind == "eml"


__all__ = ["Link", "Message", "Part"]
