"""The CLI reference (docs/cli.md), generated from the command tree itself so it cannot drift.

    python -m lawfulreach.cli.reference > docs/cli.md

``tests/test_docs.py`` fails when the committed file differs from what this prints.
"""

from __future__ import annotations

from typing import Any

from lawfulreach.cli.app import loaded_root

HEADER = """# Command-line reference

Generated from the command tree by `python -m lawfulreach.cli.reference > docs/cli.md`; a test keeps it
in step with the code. Every command accepts the global options shown under `lawfulreach`. Errors are
one line on stderr with a non-zero exit code; `--debug` shows the traceback.
"""


def _param_line(param: Any) -> str:
    if param.param_type_name == "argument":
        return f"| `{(param.name or '').upper()}` | argument | {getattr(param, 'help', '') or ''} |"
    names = ", ".join(f"`{o}`" for o in param.opts)
    default = ""
    if param.default not in (None, (), [], False) and not param.is_flag:
        default = f" (default: `{param.default}`)"
    envvar = f" Env: `{param.envvar}`." if param.envvar else ""
    return f"| {names} | option | {(param.help or '').replace('|', '/')}{default}{envvar} |"


def _walk(cmd: Any, path: list[str], out: list[str]) -> None:
    title = " ".join(path)
    out.append(f"\n## `{title}`\n")
    help_text = (cmd.help or "").strip().split("\n\n")[0]
    if help_text:
        out.append(help_text + "\n")
    ctx = cmd.context_class(cmd, info_name=title)
    out.append(f"```\n{cmd.get_usage(ctx)}\n```\n")
    params = [p for p in cmd.params if p.name != "help"]
    if params:
        out.append("| name | kind | meaning |\n|---|---|---|")
        out.extend(_param_line(p) for p in params)
    if hasattr(cmd, "commands"):
        for name in sorted(cmd.commands):
            _walk(cmd.commands[name], [*path, name], out)


def render() -> str:
    root = loaded_root()
    out = [HEADER]
    _walk(root, ["lawfulreach"], out)
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(render(), end="")
