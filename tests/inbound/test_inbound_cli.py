"""``lawfulreach inbox import`` on real mailbox files: an mbox and a Maildir written with the standard
library's ``mailbox`` module, a directory of ``.eml`` files, one ``.eml``; the summary, ``--json``,
``--dry-run``, a second import that changes nothing, and one-line errors."""

from __future__ import annotations

import json
import mailbox
from pathlib import Path

from lr_testkit import RunLawfulreach

CORPUS = Path(__file__).parent.parent / "fixtures" / "inbound"
SAMPLES = [
    "replies/en-001-opt_out.eml",
    "replies/de-024-privacy_request.eml",
    "replies/fr-038-other.eml",
    "sisimai/rfc3464-26.eml",
    "sisimai/arf-01.eml",
    "sisimai/rfc3834-01.eml",
]


def _mbox(path: Path) -> Path:
    box = mailbox.mbox(path)
    for name in SAMPLES:
        box.add((CORPUS / name).read_bytes())
    box.flush()
    box.close()
    return path


def _maildir(path: Path) -> Path:
    box = mailbox.Maildir(path)
    for name in SAMPLES:
        box.add((CORPUS / name).read_bytes())
    return path


class TestImport:
    def test_an_mbox_is_imported_with_a_summary(self, cli: RunLawfulreach, tmp_path: Path) -> None:
        run = cli("inbox", "import", str(_mbox(tmp_path / "replies.mbox")))
        assert run.code == 0, run.err
        assert "Processed: 6 messages" in run.out
        lines = {" ".join(line.split()[:-1]): line.split()[-1] for line in run.out.splitlines()[1:]}
        assert lines["opt-outs"] == "1"
        assert lines["privacy requests"] == "1"
        assert lines["hard bounces"] == "1"
        assert lines["complaints"] == "1"
        assert lines["automatic replies"] == "1"
        assert lines["for a person"] == "1"
        assert lines["privacy requests opened"] == "1"
        assert lines["addresses suppressed"] == "1"

    def test_a_maildir_imported_twice_takes_effect_once(self, cli: RunLawfulreach, tmp_path: Path) -> None:
        box = _maildir(tmp_path / "Maildir")
        first = json.loads(cli("inbox", "import", str(box), "--json").out)
        second = json.loads(cli("inbox", "import", str(box), "--format", "maildir", "--json").out)
        assert first["messages"] == second["messages"] == 6
        assert first["duplicates"] == 0
        assert second["duplicates"] == 6
        assert second["opt_outs_recorded"] == 0
        assert first["opt_outs_recorded"] >= 3  # the reply, the erasure request, the complaint

    def test_a_directory_of_eml_files_and_a_single_file(self, cli: RunLawfulreach, tmp_path: Path) -> None:
        folder = tmp_path / "eml"
        folder.mkdir()
        for n, name in enumerate(SAMPLES[:3]):
            (folder / f"{n}.eml").write_bytes((CORPUS / name).read_bytes())
        assert json.loads(cli("inbox", "import", str(folder), "--json").out)["messages"] == 3
        single = json.loads(cli("inbox", "import", str(CORPUS / SAMPLES[4]), "--json").out)
        assert single["classes"]["complaint"] == 1

    def test_a_dry_run_records_nothing(self, cli: RunLawfulreach, tmp_path: Path) -> None:
        box = _mbox(tmp_path / "replies.mbox")
        dry = cli("inbox", "import", str(box), "--dry-run")
        assert dry.out.startswith("Dry run — nothing recorded: 6 messages")
        real = json.loads(cli("inbox", "import", str(box), "--json").out)
        assert real["duplicates"] == 0

    def test_the_messages_for_a_person_are_listed(self, cli: RunLawfulreach, tmp_path: Path) -> None:
        cli("inbox", "import", str(_mbox(tmp_path / "replies.mbox")))
        listed = cli("inbox", "list")
        assert "for review" in listed.out
        assert "@prospect-fr.fr" in listed.out


class TestErrors:
    def test_a_missing_path_is_one_line(self, cli: RunLawfulreach, tmp_path: Path) -> None:
        run = cli("inbox", "import", str(tmp_path / "nothing.mbox"))
        assert run.code != 0
        assert run.err.strip().count("\n") == 0
        assert "no such file or directory" in run.err

    def test_an_unreadable_message_is_named_and_the_others_still_count(
        self, cli: RunLawfulreach, tmp_path: Path
    ) -> None:
        folder = tmp_path / "eml"
        folder.mkdir()
        (folder / "a.eml").write_bytes((CORPUS / SAMPLES[0]).read_bytes())
        (folder / "b.eml").write_bytes(b"no headers at all\njust text\n")
        run = cli("inbox", "import", str(folder), "--json")
        assert run.code == 1
        summary = json.loads(run.out)
        assert summary["opt_outs_recorded"] == 1
        assert [f["message"] for f in summary["failed"]] == [str(folder / "b.eml")]

    def test_an_opt_out_without_an_address_is_flagged(self, cli: RunLawfulreach, tmp_path: Path) -> None:
        path = tmp_path / "odd.eml"
        path.write_bytes(
            b"From: undisclosed-recipients:;\r\nSubject: Re: offer\r\nMessage-ID: <x@y>\r\n\r\nunsubscribe\r\n"
        )
        run = cli("inbox", "import", str(path))
        assert "1 opt-out(s) name no address we could find" in run.out
        assert "no recipient found" in cli("inbox", "list", "--kind", "opt_out").out

    def test_bad_options(self, cli: RunLawfulreach, tmp_path: Path) -> None:
        box = _mbox(tmp_path / "replies.mbox")
        assert "between 1 and 100" in cli("inbox", "import", str(box), "--soft-bounce-limit", "0").err
        assert "unknown mailbox format" in cli("inbox", "import", str(box), "--format", "pst").err
        assert "not a Maildir" in cli("inbox", "import", str(box), "--format", "maildir").err
