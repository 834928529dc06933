"""The one error tree of lawfulreach.

    LawfulreachError                 base: every error we raise on purpose; ``str()`` is one readable line
    ├── InputError                   the user's input is wrong (a value, a row, a file)
    │   ├── RequestError             a decision request that does not fit the contract (spec §2)
    │   ├── CsvError                 a prospect/suppression file that cannot be read at all
    │   ├── CampaignError            a campaign file that is missing fields or has unknown values
    │   ├── MessageError             a message the message check cannot read (exit code 2)
    │   ├── TemplateError            a message template that cannot be read or rendered (``send``)
    │   ├── LintRefusedError              a template whose rendered message fails the message check (``send``)
    │   └── InvalidRowsError         every bad line of an import, with line numbers (nothing imported)
    ├── RuleBaseError                a rule file that does not validate (names the file and row)
    ├── StoreError                   the workspace store refused or failed an operation
    │   ├── NotFoundError            a thing asked for by id or key does not exist
    │   │   └── store.UnknownTenantError
    │   ├── ConflictError            the operation contradicts stored state
    │   ├── store.UnreachableError   the database cannot be reached
    │   └── store.SchemaError        the workspace is at another schema revision
    └── ConfigError                  settings, keys or environment are unusable
        └── store.SecretKeyError     the workspace key is missing or does not match

The command layer (``lawfulreach.commands``) raises them and never prints; the CLI renders any of them
as one line on stderr with its ``exit_code`` (1 unless the class says otherwise;
``lawfulreach.cli.app.main``); nothing else does.
"""

from __future__ import annotations

from collections.abc import Sequence


class LawfulreachError(Exception):
    """Base of every error lawfulreach raises on purpose."""

    exit_code = 1


class InputError(LawfulreachError):
    """The user's input is wrong; the message names the value and, for files, the line."""


class RequestError(InputError):
    pass


class CsvError(InputError):
    pass


class CampaignError(InputError):
    pass


_SHOWN = 5


class InvalidRowsError(InputError):
    """Every bad line of a file, so the user can fix them all in one go; ``str()`` stays one line."""

    def __init__(
        self,
        source: str,
        problems: Sequence[tuple[int, str]],
        consequence: str = "nothing imported",
        total: int | None = None,
    ) -> None:
        self.source = source
        self.problems = list(problems)
        count = total if total is not None else len(self.problems)
        self.count = count
        shown = "; ".join(f"line {line}: {message}" for line, message in self.problems[:_SHOWN])
        more = count - min(_SHOWN, len(self.problems))
        tail = f"; … and {more} more" if more > 0 else ""
        super().__init__(f"{source}: {count} invalid line{'s' if count != 1 else ''}, {consequence} — {shown}{tail}")


class RuleBaseError(LawfulreachError):
    def __init__(self, source: str, row: int | None, message: str) -> None:
        self.source = source
        self.row = row
        self.message = message
        where = f"{source}, row {row}" if row is not None else source
        super().__init__(f"{where}: {message}")


class StoreError(LawfulreachError):
    pass


class NotFoundError(StoreError):
    pass


class ConflictError(StoreError):
    pass


class ConfigError(LawfulreachError):
    pass


class TemplateError(InputError):
    """A message template ``send`` cannot use: unreadable, not TOML, a missing part, a Jinja2 syntax
    error or an undefined variable (named with the template file)."""


class LintRefusedError(InputError):
    """``send`` refuses a template whose rendered message fails the message check: nothing is sent.
    ``findings`` are the missing items (``domain.lint.Finding``), ``str()`` one line naming them."""

    def __init__(self, message: str, findings: Sequence[object] = ()) -> None:
        super().__init__(message)
        self.findings = list(findings)


class MessageError(InputError):
    """A message file the message check cannot read (not an email, HTML, text or Markdown file, an
    unknown charset, an empty body): one line naming the file, exit code 2 (``lawfulreach lint``)."""

    exit_code = 2
