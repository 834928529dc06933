"""Benchmark: how long the command line takes to start, against the floor of the interpreter itself.

    python bench/startup.py [--repeat 15] [--before SRC]

Runs each command ``--repeat`` times as a new process and prints the median and the best wall time:

* floor: ``python -c pass`` and ``python -c "import typer"`` (what any Typer CLI pays), and the
  libraries a ``check`` cannot do without (Typer with its pydantic coercion, SQLAlchemy's ORM — the
  store is built on it —, phonenumbers and email-validator): the floor of a decision read from a
  workspace;
* ``lawfulreach --help`` (target ≤ 0.3 s: no command module is imported to list the commands);
* ``lawfulreach check`` of one request against a fresh workspace (target ≤ 0.5 s).

``--before SRC`` also times ``check`` with the package from another checkout's ``src`` (for example a
``git worktree`` of the previous commit), so a change is compared within one run.

Figures move with the machine's load: compare runs made on the same machine, with the floor beside them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REQUEST = (
    '{"contact": {"email": "jana@firma.de", "company": "Firma GmbH"}, "channel": "email", '
    '"campaign": {"lia": "passed"}}\n'
)


def timed(label: str, argv: list[str], repeat: int, env: dict[str, str], cwd: Path) -> None:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        runs.append(time.perf_counter() - start)
    print(f"{label:<36} median {statistics.median(runs):6.3f} s   best {min(runs):6.3f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--before", type=Path, help="another checkout's src directory, timed as 'before'")
    args = parser.parse_args()
    cli = str(Path(sys.executable).with_name("lawfulreach"))
    with tempfile.TemporaryDirectory(prefix="lawfulreach-bench-startup-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "LAWFULREACH_HOME": str(work / "home")}
        (work / "r.jsonl").write_text(REQUEST, encoding="utf-8")
        subprocess.run([cli, "check", "r.jsonl"], env=env, cwd=work, capture_output=True, check=True)  # workspace made
        timed("floor: python -c pass", [sys.executable, "-c", "pass"], args.repeat, env, work)
        timed("floor: python -c 'import typer'", [sys.executable, "-c", "import typer"], args.repeat, env, work)
        floor = "import typer._adapters, sqlalchemy.orm, phonenumbers, email_validator"
        timed("floor: what a check must import", [sys.executable, "-c", floor], args.repeat, env, work)
        timed("lawfulreach --help", [cli, "--help"], args.repeat, env, work)
        timed("lawfulreach check (one request)", [cli, "check", "r.jsonl"], args.repeat, env, work)
        if args.before is not None:
            before = {**env, "PYTHONPATH": str(args.before.resolve())}
            timed("before: lawfulreach check", [cli, "check", "r.jsonl"], args.repeat, before, work)


if __name__ == "__main__":
    main()
