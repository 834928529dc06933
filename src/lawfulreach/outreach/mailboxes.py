"""Mailbox readers: an mbox file, a Maildir, a directory of ``.eml`` files or one ``.eml`` → raw messages.

The standard library's ``mailbox`` module reads mbox and Maildir (``new/`` and ``cur/``). Messages
come as bytes with a label saying where each is (``inbox.mbox#12``, a Maildir key, a file name), so
an error names the message without naming the person; nothing is written to the mailbox (a Maildir
message stays in ``new/``: marking mail read is the mail client's business).

``auto`` recognises a Maildir (a directory with ``cur``/``new``/``tmp``), a directory of ``.eml``
files, a single message file (``.eml``, or content that starts with header fields) and an mbox
(content that starts with a ``From `` line).
"""

from __future__ import annotations

import mailbox
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from lawfulreach.errors import InputError

__all__ = ["FORMATS", "MailboxFormat", "RawMessage", "detect_format", "read_mailbox"]

MailboxFormat = Literal["auto", "mbox", "maildir", "eml"]
FORMATS: tuple[str, ...] = ("auto", "mbox", "maildir", "eml")


@dataclass(frozen=True, slots=True)
class RawMessage:
    #: where it is: ``path#n`` in an mbox, the Maildir key, or the file
    label: str
    data: bytes


def _is_maildir(path: Path) -> bool:
    return path.is_dir() and all((path / d).is_dir() for d in ("cur", "new"))


def detect_format(path: Path) -> Literal["mbox", "maildir", "eml"]:
    """The format of ``path`` (see the module docstring); ``InputError`` when it is none of them."""
    if not path.exists():
        raise InputError(f"{path}: no such file or directory")
    if path.is_dir():
        return "maildir" if _is_maildir(path) else "eml"
    try:
        with path.open("rb") as handle:
            head = handle.read(5)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    return "mbox" if head == b"From " else "eml"


def _eml_files(path: Path) -> Iterator[RawMessage]:
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*.eml") if p.is_file())
    if path.is_dir() and not files:
        raise InputError(f"{path}: no .eml files in this directory (and it is not a Maildir)")
    for file in files:
        try:
            yield RawMessage(str(file), file.read_bytes())
        except OSError as exc:
            raise InputError(f"{file}: cannot read: {exc.strerror}") from None


def _mbox(path: Path) -> Iterator[RawMessage]:
    if not path.is_file():
        raise InputError(f"{path}: not an mbox file")
    box = mailbox.mbox(path, create=False)
    try:
        for number, key in enumerate(box.keys(), start=1):
            yield RawMessage(f"{path}#{number}", box.get_bytes(key))
    finally:
        box.close()


def _maildir(path: Path) -> Iterator[RawMessage]:
    if not _is_maildir(path):
        raise InputError(f"{path}: not a Maildir (no cur/ and new/ directories)")
    box = mailbox.Maildir(path, factory=None, create=False)
    for key in sorted(box.keys()):
        yield RawMessage(f"{path}:{key}", box.get_bytes(key))


def read_mailbox(path: Path, fmt: str = "auto") -> Iterator[RawMessage]:
    """Every message of the mailbox at ``path``, in mailbox order."""
    if fmt not in FORMATS:
        raise InputError(f"unknown mailbox format {fmt!r}; use one of {', '.join(FORMATS)}")
    kind = detect_format(path) if fmt == "auto" else fmt
    if not path.exists():
        raise InputError(f"{path}: no such file or directory")
    if kind == "mbox":
        return _mbox(path)
    if kind == "maildir":
        return _maildir(path)
    return _eml_files(path)
