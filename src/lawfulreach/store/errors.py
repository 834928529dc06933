"""The store's errors: subclasses of the one tree in ``lawfulreach.errors``, with typed fields.

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

A file with bad lines is ``lawfulreach.errors.InvalidRowsError``: the batch reader raises it too.
"""

from __future__ import annotations

from lawfulreach.errors import ConfigError, NotFoundError, StoreError


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
