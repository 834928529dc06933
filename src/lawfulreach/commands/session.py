"""What a command needs from the front end that calls it: ``Session``.

alembic's commands take a ``Config``; ours take a session that builds, on first use, the rule base, the
tenant's workspace and its decision service. Lazily, so that a command failing on its input (a campaign
file with a typo, a bad ``--as-of``) creates no workspace and reads no rule files it does not need.
The CLI's ``cli.context.CliContext`` is one; a test, the API or the console can pass their own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from lawfulreach.batch.snapshot import BatchSnapshot
    from lawfulreach.domain.rulebase import RuleBase
    from lawfulreach.service import Lawfulreach
    from lawfulreach.store import Workspace


class Session(Protocol):
    def rulebase(self) -> RuleBase:
        """The shipped rules with the tenant's override files (no workspace needed)."""
        ...

    def workspace(self) -> Workspace:
        """The tenant's workspace, opened (and created) on first use."""
        ...

    def service(self) -> Lawfulreach:
        """The tenant's decision service, consulting the workspace state."""
        ...

    def batch_snapshot(self) -> BatchSnapshot:
        """The tenant's state as frames, loaded once for a batch run."""
        ...
