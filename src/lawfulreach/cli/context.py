"""What every command needs, built once from the global options: rule base, policy, service."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lawfulreach.batch.snapshot import BatchSnapshot
from lawfulreach.domain.rulebase import RuleBase
from lawfulreach.domain.state import InMemoryState
from lawfulreach.domain.vocabulary import SubscriberPolicy
from lawfulreach.errors import ConfigError
from lawfulreach.rules import default_rulebase, load_rulebase
from lawfulreach.service import Lawfulreach


@dataclass
class CliContext:
    db_url: str | None = None
    tenant: str = "default"
    rule_files: tuple[Path, ...] = ()
    policy_name: str = "review"
    _service: Lawfulreach | None = field(default=None, repr=False)

    def rulebase(self) -> RuleBase:
        return load_rulebase(self.rule_files) if self.rule_files else default_rulebase()

    def policy(self) -> SubscriberPolicy:
        try:
            return SubscriberPolicy(self.policy_name.strip().lower())
        except ValueError:
            raise ConfigError(
                f"unknown subscriber policy {self.policy_name!r}; use review, assume_corporate or assume_individual"
            ) from None

    def batch_snapshot(self) -> BatchSnapshot:
        """The tenant's state as frames, loaded once for a batch run (``screen``)."""
        return BatchSnapshot.from_memory(InMemoryState())

    def service(self) -> Lawfulreach:
        """The tenant's decision service, consulting the workspace state."""
        if self._service is None:
            self._service = Lawfulreach(rulebase=self.rulebase(), subscriber_policy=self.policy())
        return self._service
