"""Helpers shared by the privacy tests: a person with everything a workspace can hold about them,
and whole-database dumps (SQLite ``iterdump``, PostgreSQL ``pg_dump`` of the test's schema)."""

from __future__ import annotations

import base64
import hashlib
import sqlite3
import subprocess
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy.engine import make_url

from lawfulreach.store import Subject, Workspace
from lawfulreach.store.settings import sqlite_path
from lawfulreach.store.suppression import Entry

# The person every test looks for. Distinctive strings, so a hit in a dump cannot be a coincidence.
EMAIL_RAW = "Zelda.Quimby+promo@Quimby-Widgets.example"
EMAIL = "zelda.quimby@quimby-widgets.example"
PHONE_RAW = "020 7946 0321"
PHONE = "+442079460321"
FIRST, LAST = "Zelda", "Quimbyfarthing"
NAME = f"{FIRST} {LAST}"
JOB = "Chief Quimby Officer"
WORDING = f"I, {NAME}, agree to hear about widgets"
OTHER_EMAIL = "bob.other@example.org"

LEADS = (
    "email,first_name,last_name,company,job_title,phone,country\n"
    f"{EMAIL_RAW},{FIRST},{LAST},Quimby Widgets Ltd,{JOB},{PHONE_RAW},GB\n"
    f"{OTHER_EMAIL},Bob,Other,Other Ltd,Buyer,,GB\n"
)


def needles(*, hashes: bool = True) -> dict[str, bytes]:
    """Every form of the person that must not appear in a dump: plaintext, and unkeyed SHA-1 /
    SHA-256 / MD5 digests (hex and base64) of each plaintext form — what a dictionary attack reverses."""
    plain = {
        "email (as imported)": EMAIL_RAW,
        "email (normalised)": EMAIL,
        "email (lower-cased as imported)": EMAIL_RAW.lower(),
        "phone (as imported)": PHONE_RAW,
        "phone (E.164)": PHONE,
        "phone (digits)": PHONE.lstrip("+"),
        "phone (national digits)": "02079460321",
        "first name": FIRST,
        "last name": LAST,
        "name": NAME,
        "job title": JOB,
    }
    out = {label: value.encode() for label, value in plain.items()}
    if hashes:
        for label, value in plain.items():
            for algo in ("sha1", "sha256", "md5"):
                digest = hashlib.new(algo, value.encode()).digest()
                out[f"{algo}({label}) hex"] = digest.hex().encode()
                out[f"{algo}({label}) base64"] = base64.b64encode(digest).rstrip(b"=")
    return out


def found(haystack: bytes, forms: dict[str, bytes]) -> list[str]:
    """Labels of the forms present (case-insensitively for text)."""
    lower = haystack.lower()
    return [label for label, needle in forms.items() if needle.lower() in lower]


def populate(ws: Workspace, write_file: Path) -> None:
    """Store the person everywhere a workspace can: contact with provenance, exclusion entry, ledger
    events with wording, a sent message in the send log, privacy requests (one fulfilled access request)."""
    ws.contacts.import_file(write_file, provider="DataCo Ltd")
    ws.suppressions.add(Entry("email", EMAIL, reason=f"{NAME} phoned to complain", source="complaint"))
    ws.suppressions.add(Entry("phone", PHONE, reason="asked not to be called"))
    ws.suppressions.add(Entry("domain", "quimby-widgets.example"))
    who = Subject("email", EMAIL)
    ws.ledger.record_consent(who, "email", "marketing", "web_form", wording=WORDING, source=f"form filled by {NAME}")
    ws.ledger.opt_out(Subject("phone", PHONE), "call", source="said no on the phone")
    ws.send_log.record_sent("cmp-widgets", "cv-widgets", EMAIL_RAW, "<quimby-mail-1@mail.example>")
    opened = ws.requests.open("access", who)
    ws.requests.verify(opened.number)


def dump(ws: Workspace) -> bytes:
    """The whole database as text: what someone holding the file (or a dump) without the key sees."""
    path = sqlite_path(ws.settings.url)
    if path is not None:
        conn = sqlite3.connect(path)
        try:
            return "\n".join(conn.iterdump()).encode()
        finally:
            conn.close()
    url = make_url(ws.settings.url)
    options = str(url.query.get("options", ""))
    schema = options.split("search_path=", 1)[1] if "search_path=" in options else "public"
    args = ["pg_dump", "-h", url.host or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres"]
    args += ["-n", schema, "--no-owner", url.database or "test"]
    return subprocess.run(args, check=True, capture_output=True, timeout=60).stdout


def raw_files(ws: Workspace) -> bytes:
    """SQLite: the bytes of the database file and its write-ahead log (free pages included)."""
    path = sqlite_path(ws.settings.url)
    assert path is not None
    parts: Iterable[Path] = (path, path.with_name(path.name + "-wal"))
    return b"".join(p.read_bytes() for p in parts if p.exists())
