"""The command line starts light: ``lawfulreach --help`` imports no command module, no database layer and
no data frame library, and the line it shows for each command is the command's own; one ``check``
against a workspace imports neither the data frame libraries nor Alembic nor the modules of the
console, the outreach loop and the privacy-request intake.

Start-up time itself is measured by ``bench/startup.py`` (figures, not a timed test); this test keeps
the property that makes it small: what ``--help`` imports.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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


#: what one ``check`` must not import: the batch path's libraries, the migration tool, the tables of
#: capabilities a decision never reads, and the other database's driver
NOT_FOR_CHECK = (
    "polars",
    "pyarrow",
    "alembic",
    "fastapi",
    "jinja2",
    "argon2",
    "psycopg",
    "sqlalchemy.dialects.postgresql",
    "lawfulreach.batch.snapshot",
    "lawfulreach.commands.screening",
    "lawfulreach.store.staff",
    "lawfulreach.store.intake",
    "lawfulreach.store.outreach",
    "lawfulreach.store.evidence",
)

CHECK_PROBE = """
import json, sys
sys.argv = ["lawfulreach", "check", sys.argv[1]]
from lawfulreach.cli.app import main
try:
    main()
except SystemExit as exit:
    assert not exit.code, exit.code
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def test_one_check_imports_only_what_deciding_needs(tmp_path: Path) -> None:
    requests = tmp_path / "r.jsonl"
    line = {"contact": {"email": "jana@firma.de"}, "channel": "email", "campaign": {"lia": "passed"}}
    requests.write_text(json.dumps(line) + "\n", encoding="utf-8")
    env = {**os.environ, "LAWFULREACH_HOME": str(tmp_path / "home")}
    env.pop("LAWFULREACH_DATABASE_URL", None)
    argv = [sys.executable, "-c", CHECK_PROBE, str(requests)]
    first = subprocess.run(argv, capture_output=True, text=True, timeout=120, env=env, check=False)
    assert first.returncode == 0, first.stderr  # the first run creates (and migrates) the workspace
    run = subprocess.run(argv, capture_output=True, text=True, timeout=120, env=env, check=False)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["outcome"] == "blocked"  # decided against the workspace (DE: double opt-in)
    modules = json.loads(run.stderr.strip().splitlines()[-1])
    assert [m for m in modules if m.startswith(NOT_FOR_CHECK)] == []
    assert "lawfulreach.store.tenant_state" in modules  # it did read the tenant's state


def test_each_listed_line_is_the_commands_own_help() -> None:
    for entry in ENTRIES:
        real = load(entry)
        first = (real.help or "").strip().split("\n\n")[0]
        assert entry.help == first, f"{entry.name}: ENTRIES says {entry.help!r}, the command says {first!r}"


def test_every_command_module_is_listed_once() -> None:
    root = loaded_root()
    assert list(root.commands)[: len(ENTRIES)] == [e.name for e in ENTRIES]
    assert len({e.name for e in ENTRIES}) == len(ENTRIES)
