"""What every command needs, built once from the global options: rule base, policy, workspace, service.

The workspace (``lawfulreach.store``) is opened lazily, on the first command that needs tenant state,
and closed when the command ends; ``check`` and ``screen`` decide against it, so exclusions, opt-outs,
erasures and loaded registers always apply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lawfulreach.domain.rulebase import RuleBase
from lawfulreach.domain.vocabulary import SubscriberPolicy
from lawfulreach.errors import ConfigError
from lawfulreach.rules import default_rulebase, load_rulebase
from lawfulreach.service import Lawfulreach
from lawfulreach.store.settings import WorkspaceSettings
from lawfulreach.store.workspace import Workspace

if TYPE_CHECKING:
    from lawfulreach.batch.snapshot import BatchSnapshot


@dataclass
class CliContext:
    db_url: str | None = None
    tenant: str = "default"
    rule_files: tuple[Path, ...] = ()
    #: the ``--subscriber-policy`` flag; None: the tenant's stored setting decides
    policy_name: str | None = None
    #: who acts, for the audit trail (``LAWFULREACH_ACTOR``, else the OS user; see ``store.settings``)
    actor: str | None = None
    _service: Lawfulreach | None = field(default=None, repr=False)
    _workspace: Workspace | None = field(default=None, repr=False)

    def rulebase(self) -> RuleBase:
        """The shipped rules with the tenant's override files (no workspace needed)."""
        return load_rulebase(self.rule_files) if self.rule_files else default_rulebase()

    def policy_override(self) -> SubscriberPolicy | None:
        """The ``--subscriber-policy`` flag (or its environment variable), validated; None when not given."""
        if self.policy_name is None:
            return None
        try:
            return SubscriberPolicy(self.policy_name.strip().lower().replace("-", "_"))
        except ValueError:
            raise ConfigError(
                f"unknown subscriber policy {self.policy_name!r}; use review, assume_corporate or assume_individual"
            ) from None

    def policy(self) -> SubscriberPolicy:
        """The flag for this command if given, else the tenant's stored setting (default ``review``)."""
        override = self.policy_override()
        if override is not None:
            return override
        return self.workspace().tenant_settings.subscriber_policy()

    def settings(self) -> WorkspaceSettings:
        """Where the workspace is: ``--db``/``LAWFULREACH_DATABASE_URL``, ``--tenant``, key location."""
        return WorkspaceSettings.resolve(self.db_url, self.tenant, actor=self.actor)

    def workspace(self) -> Workspace:
        """The tenant's workspace, created (and migrated) on first use; closed when the command ends
        (the root callback registers ``close``)."""
        if self._workspace is None:
            self._workspace = Workspace.open(self.settings())
        return self._workspace

    def decision_rulebase(self) -> RuleBase:
        """The rule base decisions use: overrides plus register maximum ages set in the workspace."""
        return self.workspace().rulebase(self.rulebase())

    def batch_snapshot(self) -> BatchSnapshot:
        """The tenant's state as frames, loaded once for a batch run (``screen``)."""
        return self.workspace().batch_snapshot()

    def service(self) -> Lawfulreach:
        """The tenant's decision service, consulting the workspace state."""
        if self._service is None:
            self._service = Lawfulreach(
                rulebase=self.decision_rulebase(),
                state=self.workspace().state(),
                subscriber_policy=self.policy(),
            )
        return self._service

    def close(self) -> None:
        if self._workspace is not None:
            self._workspace.close()
            self._workspace = None
            self._service = None
