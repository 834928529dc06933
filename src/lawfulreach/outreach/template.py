"""Message templates for ``send``: one TOML file with a subject, a text part and an HTML part.

The format (docs/outreach.md shows an example)::

    subject = "{{ company }} and late invoices"
    text = \"\"\"Hello {{ first_name or "there" }}, ...\"\"\"
    html = \"\"\"<p>Hello {{ first_name or "there" }}, ...</p>\"\"\"   # optional
    reply_to = "sales@example.com"                                  # optional

Why TOML: one file a person can review (and put under version control) holding every part, read
strictly like the campaign file — an unknown key is an error naming the nearest valid one.

The parts are Jinja2 templates rendered in a *sandboxed* environment (a template cannot reach
Python internals or the file system: templates may come from people who are not operators), with
``StrictUndefined`` (a misspelt variable fails before anything is sent instead of rendering empty)
and HTML autoescaping for the HTML part (a company called ``<script>`` stays text). Variables: the
screened row's fields (``email``, ``first_name``, ``last_name``, ``name``, ``company``,
``job_title``, ``country``…; a field the row lacks is the empty string), ``row`` (the file's own
columns by their header), ``organisation``, ``unsubscribe_url`` and ``privacy_url``.

``send`` appends the footer the decision requires itself (``outreach.compose``): a template need not
— and cannot forget to — carry the unsubscribe link, the privacy link or the postal address.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from email_validator import EmailNotValidError, validate_email
from jinja2 import StrictUndefined, Template
from jinja2 import TemplateError as JinjaTemplateError
from jinja2.sandbox import SandboxedEnvironment

from lawfulreach.errors import TemplateError
from lawfulreach.strict_config import describe_unknown, read_toml_file, unknown_keys

TEMPLATE_KEYS = ("subject", "text", "html", "reply_to")
_SCHEMA: dict[str, Any] = dict.fromkeys(TEMPLATE_KEYS)


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    text: str
    html: str | None


@dataclass(frozen=True)
class MessageTemplate:
    source: str
    subject: str
    text: str
    html: str | None = None
    reply_to: str | None = None
    _compiled: tuple[Template, Template, Template | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        plain = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
        markup = SandboxedEnvironment(undefined=StrictUndefined, autoescape=True, keep_trailing_newline=True)
        try:
            compiled = (
                plain.from_string(self.subject),
                plain.from_string(self.text),
                markup.from_string(self.html) if self.html is not None else None,
            )
        except JinjaTemplateError as exc:
            raise TemplateError(f"{self.source}: {_describe(exc)}") from None
        object.__setattr__(self, "_compiled", compiled)

    def render(self, variables: Mapping[str, Any]) -> Rendered:
        """The parts for one recipient; ``TemplateError`` naming the template and the problem."""
        subject_t, text_t, html_t = self._compiled
        try:
            subject = " ".join(subject_t.render(variables).split())
            text = text_t.render(variables)
            html = html_t.render(variables) if html_t is not None else None
        except JinjaTemplateError as exc:
            raise TemplateError(f"{self.source}: {_describe(exc)}") from None
        if not subject:
            raise TemplateError(f"{self.source}: the subject renders empty")
        return Rendered(subject, text, html)


def _describe(exc: JinjaTemplateError) -> str:
    line = getattr(exc, "lineno", None)
    where = f" (line {line})" if line else ""
    return f"{type(exc).__name__}{where}: {' '.join(str(exc.message or exc).split())}"


def load_template(path: Path) -> MessageTemplate:
    """A template file, strictly (see the module docstring)."""
    doc, text = read_toml_file(path, "template file", TemplateError)
    unknown = unknown_keys(doc, _SCHEMA, text)
    if unknown:
        raise TemplateError(f"{path}: {describe_unknown(unknown)}")
    for key in ("subject", "text"):
        if not isinstance(doc.get(key), str) or not doc[key].strip():
            raise TemplateError(f"{path}: the template needs a {key!r} (a string)")
    for key in ("html", "reply_to"):
        if key in doc and not isinstance(doc[key], str):
            raise TemplateError(f"{path}: {key!r} must be a string")
    reply_to = doc.get("reply_to")
    if reply_to is not None:
        try:
            reply_to = validate_email(reply_to.strip(), check_deliverability=False).normalized
        except EmailNotValidError as exc:
            raise TemplateError(f"{path}: reply_to is not an email address: {exc}") from None
    return MessageTemplate(str(path), doc["subject"], doc["text"], doc.get("html"), reply_to)


__all__ = ["TEMPLATE_KEYS", "MessageTemplate", "Rendered", "load_template"]
