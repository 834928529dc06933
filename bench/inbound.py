"""Benchmark: classify inbound messages (replies, bounces, complaints, automatic replies) — messages/s.

    .venv/bin/python bench/inbound.py --messages 10000 [--repeat 3] [--record 300]

Cycles through the labelled corpus (``tests/fixtures/inbound``: 387 messages — replies in ten languages,
real bounces, ARF complaints and RFC 3834 replies from mail libraries' test data) to ``--messages``
raw messages and times, best of ``--repeat``:

* **classify** — what ``inbox import`` and ``POST /v1/inbound`` do before recording: the raw bytes read
  (``outreach.inbox.read_inbound``: stdlib ``email`` with ``policy.default``, report parts, the text)
  and classified (``domain.replies.classify``). Goal (issue "outreach loop"): ≥ 1,000 messages/s.
* **the floor** — the irreducible part, in the same run: the standard library parsing each message
  (``compat32``, as ``read_inbound`` does) and decoding its first text part, nothing else. The ratio
  classify / floor is the steadier figure on a shared machine.

``--record N`` also times N messages through ``commands.inbound.process_message`` into a fresh SQLite
workspace (each message and its effect one exclusive write transaction, with its audit entry): the
rate of a real import, bounded by the database's commits, not by classification.
"""

from __future__ import annotations

import argparse
import email
import tempfile
import time
from email import policy
from pathlib import Path

from lawfulreach.domain.replies import classify
from lawfulreach.outreach.inbox import read_inbound
from lawfulreach.rules.replies import reply_phrases

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "inbound"


def corpus() -> list[bytes]:
    return [p.read_bytes() for p in sorted(CORPUS.rglob("*.eml"))]


def floor(messages: list[bytes]) -> None:
    for raw in messages:
        parsed = email.message_from_bytes(raw, policy=policy.compat32)
        for part in parsed.walk():
            if part.get_content_type() == "text/plain":
                payload = part.get_payload(decode=True)
                if isinstance(payload, bytes):
                    payload.decode(part.get_content_charset() or "utf-8", "replace")
                break


def classify_all(messages: list[bytes]) -> int:
    phrases = reply_phrases()
    opt_outs = 0
    for raw in messages:
        opt_outs += classify(read_inbound(raw), phrases).opt_out
    return opt_outs


def best(fn: object, messages: list[bytes], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(messages)  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def record(messages: list[bytes]) -> float:
    from lawfulreach.commands.inbound import process_message
    from lawfulreach.store import Workspace, WorkspaceSettings

    with tempfile.TemporaryDirectory() as tmp:
        settings = WorkspaceSettings(url=f"sqlite:///{tmp}/bench.db", key_file=Path(tmp) / "key", actor="bench")
        ws = Workspace.open(settings)
        try:
            start = time.perf_counter()
            for n, raw in enumerate(messages):
                process_message(ws, raw.replace(b"Message-ID: <", f"Message-ID: <b{n}.".encode(), 1), f"m{n}")
            return time.perf_counter() - start
        finally:
            ws.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--record", type=int, default=0, help="also record this many into a SQLite workspace")
    args = parser.parse_args()
    base = corpus()
    messages = [base[i % len(base)] for i in range(args.messages)]
    size = sum(map(len, messages)) / len(messages)
    reply_phrases()  # compiled once per process, as in a server
    opt_outs = classify_all(messages)
    t_floor = best(floor, messages, args.repeat)
    t_classify = best(classify_all, messages, args.repeat)
    n = len(messages)
    print(f"{n:,} messages from {len(base)} corpus files, mean {size / 1024:.1f} KiB; {opt_outs:,} record an opt-out")
    print(f"floor (stdlib parse + first text part, same run): {t_floor:.2f} s = {n / t_floor:,.0f} messages/s")
    print(f"classify (read_inbound + classify):               {t_classify:.2f} s = {n / t_classify:,.0f} messages/s")
    verdict = "met" if n / t_classify >= 1000 else "NOT met"
    print(f"classify / floor: {t_classify / t_floor:.2f}×; goal ≥ 1,000 messages/s: {verdict}")
    if args.record:
        subset = [base[i % len(base)] for i in range(args.record)]
        t_record = record(subset)
        rate = len(subset) / t_record
        print(f"recorded into SQLite (process_message): {len(subset):,} in {t_record:.2f} s = {rate:,.0f} messages/s")


if __name__ == "__main__":
    main()
