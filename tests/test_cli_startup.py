"""The command line starts light: ``lawfulreach --help`` imports no command module, no database layer and
no data frame library, and the line it shows for each command is the command's own.

Start-up time itself is measured by ``bench/startup.py`` (figures, not a timed test); this test keeps
the property that makes it small: what ``--help`` imports.
"""

from __future__ import annotations

import json
import subprocess
import sys

from lawfulreach.cli.app import ENTRIES, load, loaded_root

HEAVY = ("polars", "pyarrow", "sqlalchemy", "alembic", "fastapi", "pydantic", "lawfulreach.store", "lawfulreach.cli.")

PROBE = """
import json, sys
sys.argv = ["lawfulreach", "--help"]
from lawfulreach.cli.app import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def test_help_imports_no_command_and_no_heavy_library() -> None:
    run = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=False)
    modules = json.loads(run.stderr.strip().splitlines()[-1])
    heavy = [m for m in modules if m.startswith(HEAVY) and m != "lawfulreach.cli.app"]
    assert heavy == [], heavy
    for entry in ENTRIES:
        assert entry.name in run.stdout, entry.name


def test_each_listed_line_is_the_commands_own_help() -> None:
    for entry in ENTRIES:
        real = load(entry)
        first = (real.help or "").strip().split("\n\n")[0]
        assert entry.help == first, f"{entry.name}: ENTRIES says {entry.help!r}, the command says {first!r}"


def test_every_command_module_is_listed_once() -> None:
    root = loaded_root()
    assert list(root.commands)[: len(ENTRIES)] == [e.name for e in ENTRIES]
    assert len({e.name for e in ENTRIES}) == len(ENTRIES)
