"""A list's own do-not-contact columns are recorded on the ledger by ``contacts import`` and
``screen --save`` (spec §6), with the file and the column as the source; every phone column is read."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from lawfulreach.cli.app import main
from lawfulreach.domain.vocabulary import Channel
from lawfulreach.errors import InvalidRowsError
from lawfulreach.store import Subject, Workspace, WorkspaceSettings

Write = Callable[[str, str], Path]
SALESFORCE = (
    "FirstName,LastName,Email,Phone,MobilePhone,MailingCountry,MailingState,HasOptedOutOfEmail,DoNotCall\n"
    "Jan,de Vries,jan@bedrijf.nl,+31 20 123 4567,+31 6 12345678,The Netherlands,,false,TRUE\n"
    "Marie,Lefèvre,marie@societe.fr,,+33 6 12 34 56 78,France,,1,0\n"
    "Pat,Kim,pat@corp.us,(415) 555-0132 ext. 12,,United States,California,,\n"
)


def _channels(ws: Workspace, key: str) -> set[str]:
    return set(ws.ledger.current([key]).opt_outs.get(key, set()))


def test_import_records_the_lists_opt_outs(ws: Workspace, write: Write) -> None:
    report = ws.contacts.import_file(write("sf.csv", SALESFORCE))
    assert (report.rows, report.added) == (3, 3)
    # Do Not Call: calls, automated calls and texts, on every number of the row.
    for number in ("+31201234567", "+31612345678"):
        assert _channels(ws, number) == {"call", "automated_call", "sms"}
    assert _channels(ws, "jan@bedrijf.nl") == set()
    assert _channels(ws, "marie@societe.fr") == {"email"}
    assert report.opt_outs_recorded == 7
    (event,) = ws.ledger.history(Subject("email", "marie@societe.fr"))
    assert (event.event, event.channel, event.source) == ("opt_out", "email", "sf.csv, column HasOptedOutOfEmail")
    # Pat's only number was read (the region "California" beside "United States" too).
    ((pat, _),) = ws.contacts.find(email="pat@corp.us")
    assert (pat.phone_key, pat.region) == ("+14155550132", "US-CA")


def test_reimport_records_nothing_twice(ws: Workspace, write: Write) -> None:
    path = write("sf.csv", SALESFORCE)
    ws.contacts.import_file(path)
    assert ws.contacts.import_file(path).opt_outs_recorded == 0
    assert len(ws.ledger.history(Subject("email", "marie@societe.fr"))) == 1


def test_mobile_only_row_is_stored_with_its_mobile(ws: Workspace, write: Write) -> None:
    ws.contacts.import_file(write("sf.csv", SALESFORCE))
    ((marie, _),) = ws.contacts.find(email="marie@societe.fr")
    assert (marie.phone_key, marie.phone_type) == ("+33612345678", "mobile")


def test_unreadable_flag_refuses_the_row(ws: Workspace, write: Write) -> None:
    """Never read as "not opted out": the row is a reject (the whole file with ``strict``)."""
    path = write("sf.csv", "Email,Do Not Call\na@firma.de,perhaps\nb@firma.de,false\n")
    with pytest.raises(InvalidRowsError) as info:
        ws.contacts.import_file(path, strict=True)
    assert "'perhaps'" in str(info.value)
    report = ws.contacts.import_file(path)
    assert (report.rows, report.added) == (1, 1)
    ((line, column, value, error),) = report.rejects.select("line", "column", "value", "error").rows()
    assert (line, column, value) == (2, "Do Not Call", "perhaps")
    assert "Do Not Call" in error
    assert ws.contacts.find(email="a@firma.de") == []


def test_screen_save_records_them(
    settings: WorkspaceSettings,
    ws: Workspace,
    write: Write,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("LAWFULREACH_KEY_FILE", str(settings.key_file))
    monkeypatch.setenv("COLUMNS", "200")
    campaign = write("c.toml", 'name = "c"\nlia = "passed"\n')
    out = tmp_path / "out.csv"
    argv = ["--db", settings.url, "screen", str(write("sf.csv", SALESFORCE)), "--campaign", str(campaign)]
    code = 0
    try:
        main([*argv, "--channels", "email,call,sms", "--out", str(out), "--save"])
    except SystemExit as exc:
        code = int(exc.code or 0)
    assert code == 0
    text = capsys.readouterr().out
    assert "7 opt-outs recorded" in text
    assert _channels(ws, "marie@societe.fr") == {"email"}
    assert ws.state().is_opted_out(None, "+31612345678", Channel.SMS)
    assert not ws.state().is_opted_out("pat@corp.us", None, Channel.EMAIL)
