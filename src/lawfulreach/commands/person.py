"""Everything held and decided about one person: the page a DPO opens when a complaint arrives.

It is the access export (``store.export.collect``: contacts, sources, consent and opt-outs, exclusion
entries, privacy requests, the audit acts about them, recorded decisions) read for showing instead of
zipping — one definition of "what we hold about someone" for the export, ``evidence`` and the console.
"""

from __future__ import annotations

from lawfulreach.store import Workspace
from lawfulreach.store.erasure import subject_keys
from lawfulreach.store.export import SubjectExport, collect
from lawfulreach.store.subjects import Subject


def everything_about(workspace: Workspace, who: Subject) -> SubjectExport:
    """Every section of the access export for ``who`` (and the keys a stored contact adds), one snapshot."""
    scope = workspace.scope
    with scope.reading(consistent=True) as session:
        return collect(session, scope, subject_keys(session, scope, [who]))


__all__ = ["everything_about"]
