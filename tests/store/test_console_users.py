"""``lawfulreach users …``: console accounts from the command line, on every database chosen with ``--db``.

The password never comes from an option: a hidden prompt (twice) or ``--password-stdin``. Failures are
one line and a non-zero exit, and the password appears nowhere in the output or the database.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawfulreach.store import Workspace
from lawfulreach.store.staff import ConsoleUser
from lr_testkit import RunLawfulreach

PASSWORD = "plum-kettle-horizon-42"


class TestUsersCommands:
    def test_add_list_set_role_add_tenant_remove(self, cli: RunLawfulreach, ws: Workspace) -> None:
        added = cli(
            "users", "add", "Dana@Northwind.example", "--role", "compliance", "--password-stdin", stdin=PASSWORD + "\n"
        )
        assert added.code == 0, added.err
        assert added.out.startswith("console user ")
        assert PASSWORD not in added.out + added.err
        assert cli("tenant", "add", "globex").code == 0
        assert cli("users", "add-tenant", "dana@northwind.example", "--tenant", "globex").code == 0
        assert cli("users", "set-role", "dana@northwind.example", "--role", "admin").code == 0
        listed = json.loads(cli("users", "list", "--json").out)
        assert [(u["email"], u["role"], u["tenants"]) for u in listed] == [
            ("dana@northwind.example", "admin", ["default", "globex"])
        ]
        with Session(ws.engine) as session:
            stored = session.scalar(select(ConsoleUser.password_hash))
        assert stored is not None
        assert stored.startswith("$argon2id$")
        removed = cli("users", "remove", "dana@northwind.example")
        assert removed.code == 0, removed.err
        assert json.loads(cli("users", "list", "--json").out) == []

    def test_without_a_terminal_the_password_must_come_on_stdin(self, cli: RunLawfulreach, ws: Workspace) -> None:
        result = cli("users", "add", "ops@northwind.example", "--role", "readonly", stdin=f"{PASSWORD}\n")
        assert result.code != 0
        assert result.err.strip() == (
            "error: no terminal to ask for the password on; pass it on standard input with --password-stdin"
        )
        assert json.loads(cli("users", "list", "--json").out) == []

    def test_failures_are_one_line(self, cli: RunLawfulreach, ws: Workspace) -> None:
        weak = cli("users", "add", "a@northwind.example", "--role", "admin", "--password-stdin", stdin="password1234\n")
        assert weak.code != 0
        assert weak.err.strip().splitlines() == [
            "error: that password is too common or too simple; choose a long passphrase"
        ]
        short = cli("users", "add", "a@northwind.example", "--role", "admin", "--password-stdin", stdin="short\n")
        assert "at least 12 characters" in short.err
        role = cli("users", "add", "a@northwind.example", "--role", "boss", "--password-stdin", stdin=PASSWORD + "\n")
        assert "unknown role 'boss'" in role.err
        tenant = cli(
            "users", "add", "a@northwind.example", "--role", "admin", "--tenant", "nope", "--password-stdin",
            stdin=PASSWORD + "\n",
        )  # fmt: skip
        assert tenant.code != 0
        assert "Traceback" not in tenant.err
        assert json.loads(cli("users", "list", "--json").out) == []  # a failed add stores nothing
        cli("users", "add", "a@northwind.example", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
        again = cli("users", "add", "A@northwind.example", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
        assert "exists already" in again.err
        missing = cli("users", "remove", "nobody@northwind.example")
        assert missing.code != 0
        assert "nobody@northwind.example" not in missing.err  # the address is not echoed back
