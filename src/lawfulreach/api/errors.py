"""The HTTP front end's errors: subclasses of the one tree in ``lawfulreach.errors``, with typed fields.

    LawfulreachError
    ├── InputError
    │   ├── InvalidTokenError      an unsubscribe / verification link not issued by us, or altered
    │   │                          (``lawfulreach.unsubscribe``)
    │   ├── TooLargeError          a body over the byte limit (``limit``): 413
    │   └── BatchTooLargeError     a batch with more items than ``maxItems`` (``limit``): 422, like
    │                              any request the published schema refuses
    ├── AccessError                the caller may not do this
    │   ├── UnauthenticatedError   no API key, or one that is unknown or revoked
    │   ├── ForbiddenError         the key's role lacks the permission (``permission``, ``role``)
    │   └── CrossSiteFormError     a public form posted from another site (``api.pages``: CSRF)
    ├── RateLimitedError           too many requests from this address or for this token (``retry_after``)
    └── ConfigError
        └── MailError              a verification mail could not be sent (``messaging``)

Framework-free, so the store and the CLI can raise them too; ``api.problem`` turns any of them (and
the rest of the tree) into an RFC 9457 problem document, and nothing else does.
"""

from __future__ import annotations

from lawfulreach.errors import InputError, LawfulreachError


class TooLargeError(InputError):
    def __init__(self, message: str, limit: int) -> None:
        self.limit = limit
        super().__init__(message)


class BatchTooLargeError(InputError):
    def __init__(self, message: str, limit: int) -> None:
        self.limit = limit
        super().__init__(message)


class AccessError(LawfulreachError):
    pass


class UnauthenticatedError(AccessError):
    pass


class ForbiddenError(AccessError):
    def __init__(self, permission: str, role: str, who: str = "an API key") -> None:
        self.permission = permission
        self.role = role
        super().__init__(f"{who} with role {role!r} may not {permission.replace('_', ' ')}")


class CrossSiteFormError(AccessError):
    """A public page's form that did not come from the page itself: its ``Origin`` (or ``Referer``)
    names another site, or, without either, its form token does not match the page's cookie."""

    def __init__(self) -> None:
        super().__init__("this form was not sent from its own page; open the page again and resend it")


class RateLimitedError(LawfulreachError):
    def __init__(self, retry_after: float) -> None:
        self.retry_after = max(1, int(retry_after + 0.999))
        super().__init__(f"too many requests; try again in {self.retry_after} s")
