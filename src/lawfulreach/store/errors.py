"""The store's errors: subclasses of the one tree in ``lawfulreach.errors``, with typed fields.

InputError
└── InvalidRowsError       a file had bad lines; nothing was imported (lists line numbers)
StoreError
├── UnreachableError       the database cannot be reached or refused the connection
├── SchemaError            the workspace is at another schema revision (run ``db upgrade``)
├── SealedDataError        an encrypted value does not authenticate (altered, moved, or foreign key)
├── AuditTamperedError     the audit trail's hash chain is broken (names the first bad entry)
└── NotFoundError
    └── UnknownTenantError the tenant does not exist in this workspace
ConfigError
└── SecretKeyError         the workspace secret key is missing, malformed or does not match
    └── KeyRingError       a key version the data needs is not in the key ring
"""

from __future__ import annotations

from collections.abc import Sequence

from lawfulreach.errors import ConfigError, InputError, NotFoundError, StoreError

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


class UnreachableError(StoreError):
    pass


class SchemaError(StoreError):
    def __init__(self, message: str, current: str | None = None, head: str | None = None) -> None:
        self.current = current
        self.head = head
        super().__init__(message)


class UnknownTenantError(NotFoundError):
    def __init__(self, tenant: str) -> None:
        self.tenant = tenant
        super().__init__(
            f"tenant {tenant!r} does not exist in this workspace; create it with `lawfulreach tenant add {tenant}`"
        )


class SecretKeyError(ConfigError):
    pass


class KeyRingError(SecretKeyError):
    pass


class SealedDataError(StoreError):
    pass


class AuditTamperedError(StoreError):
    """The first entry of a tenant's audit trail that fails verification, and why."""

    def __init__(self, tenant: str, seq: int, problem: str, checked: int) -> None:
        self.tenant = tenant
        self.seq = seq
        self.problem = problem
        self.checked = checked
        super().__init__(f"audit trail of tenant {tenant!r} is broken at entry #{seq}: {problem}")
