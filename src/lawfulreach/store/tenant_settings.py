"""A tenant's own settings, stored in the workspace so every front end decides alike (issue 12).

Today one setting: ``subscriber_policy`` — what decides when a decision's outcome hinges on an unknown
subscriber type (spec §3: ``review``, ``assume_corporate`` or ``assume_individual``). ``check``,
``screen`` and the API all read it; the CLI's ``--subscriber-policy`` overrides it for one command.
Every change is written to the audit trail in the same transaction, with the old and the new value.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from lawfulreach.domain.vocabulary import SubscriberPolicy
from lawfulreach.errors import InputError, StoreError
from lawfulreach.store import audit
from lawfulreach.store.models import Tenant
from lawfulreach.store.scope import TenantScope

#: setting name → its values, the first being the default
SETTINGS: dict[str, tuple[str, ...]] = {
    "subscriber_policy": tuple(p.value for p in SubscriberPolicy),
}


@dataclass(frozen=True)
class Setting:
    name: str
    value: str
    #: False when nothing is stored and the default applies
    stored: bool


def _check_name(name: str) -> str:
    key = name.strip().lower().replace("-", "_")
    if key not in SETTINGS:
        raise InputError(f"unknown setting {name!r}; settings: {', '.join(SETTINGS)}")
    return key


def parse_policy(value: str) -> SubscriberPolicy:
    """A subscriber policy from what a user typed; a clear error naming the choices otherwise."""
    text = value.strip().lower().replace("-", "_")
    try:
        return SubscriberPolicy(text)
    except ValueError:
        raise InputError(
            f"invalid subscriber_policy {value!r}; use one of {', '.join(p.value for p in SubscriberPolicy)}"
        ) from None


class TenantSettingsRepo:
    def __init__(self, scope: TenantScope) -> None:
        self._scope = scope

    def get(self, name: str) -> Setting:
        key = _check_name(name)
        with self._scope.reading() as session:
            raw = session.scalar(select(Tenant.subscriber_policy).where(Tenant.id == self._scope.tenant_id))
        if raw is None:
            return Setting(key, SETTINGS[key][0], False)
        if raw not in SETTINGS[key]:
            # Fail closed: a value this version cannot read is never silently replaced by a default.
            raise StoreError(f"the stored {key} {raw!r} is not valid; set it again with `lawfulreach settings set`")
        return Setting(key, raw, True)

    def all(self) -> list[Setting]:
        return [self.get(name) for name in SETTINGS]

    def subscriber_policy(self) -> SubscriberPolicy:
        return SubscriberPolicy(self.get("subscriber_policy").value)

    def set(self, name: str, value: str) -> Setting:
        """Store a setting (validated) and record the change on the audit trail, atomically."""
        key = _check_name(name)
        new = parse_policy(value).value
        with self._scope.writing(exclusive=True) as session:
            tenant = session.get(Tenant, self._scope.tenant_id)
            assert tenant is not None
            previous = tenant.subscriber_policy
            tenant.subscriber_policy = new
            audit.record(
                session,
                self._scope,
                "settings.set",
                details={"setting": key, "value": new, "previous": previous or SETTINGS[key][0]},
            )
        return Setting(key, new, True)
