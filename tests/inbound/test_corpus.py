"""The reply classifier on the labelled corpus (``tests/fixtures/inbound``, sources in its README).

Every message is read from its file as received (``outreach.inbox.read_inbound``) and classified
(``domain.replies.classify``). Asserted: no opt-out is missed — every message labelled an opt-out or a
complaint records an opt-out, whatever class it lands in — and precision and recall per class stay at
or above the floors below (measured 2026-12-06: the README's table). The table is printed with ``-s``.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from lawfulreach.domain.replies import Classification, ReplyKind, classify
from lawfulreach.outreach.inbox import read_inbound
from lawfulreach.rules.replies import reply_phrases

CORPUS = Path(__file__).parent.parent / "fixtures" / "inbound"
KINDS = [k.value for k in ReplyKind]
#: the floors (a little under what was measured, so a new phrase that costs precision elsewhere shows)
PRECISION_FLOOR = {"opt_out": 0.9, "privacy_request": 0.9, "complaint": 0.9, "auto_reply": 0.9, "other": 0.85}
RECALL_FLOOR = {"opt_out": 1.0, "complaint": 1.0, "privacy_request": 1.0, "hard_bounce": 0.95, "soft_bounce": 0.9}


def _labels() -> list[dict[str, str]]:
    with (CORPUS / "labels.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def results() -> list[tuple[dict[str, str], Classification]]:
    phrases = reply_phrases()
    return [
        (row, classify(read_inbound((CORPUS / row["file"]).read_bytes(), row["file"]), phrases)) for row in _labels()
    ]


def scores(results: list[tuple[dict[str, str], Classification]]) -> dict[str, tuple[int, float, float]]:
    """Per class: (messages labelled, precision, recall)."""
    pairs = [(row["kind"], got.kind.value) for row, got in results]
    out = {}
    for kind in KINDS:
        labelled = sum(1 for want, _ in pairs if want == kind)
        predicted = sum(1 for _, got in pairs if got == kind)
        right = sum(1 for want, got in pairs if want == got == kind)
        out[kind] = (labelled, right / predicted if predicted else 1.0, right / labelled if labelled else 1.0)
    return out


class TestCorpus:
    """The corpus is large and varied enough to mean something."""

    def test_at_least_200_labelled_messages_of_every_class(self) -> None:
        rows = _labels()
        assert len(rows) >= 200
        counts = Counter(r["kind"] for r in rows)
        assert set(counts) == set(KINDS)
        assert all((CORPUS / r["file"]).is_file() for r in rows)

    def test_every_imported_sample_names_its_source_and_licence(self) -> None:
        for row in _labels():
            assert row["source"], row["file"]
            assert row["licence"], row["file"]
            if row["source"] != "written for this corpus":
                assert row["source_path"], row["file"]

    def test_replies_in_the_ten_languages(self) -> None:
        langs = {r["file"].split("/")[1].split("-")[0] for r in _labels() if r["file"].startswith("replies/")}
        assert langs >= {"en", "de", "fr", "es", "it", "nl", "pt", "pl", "sv", "da"}


class TestClassification:
    def test_no_opt_out_is_missed(self, results: list[tuple[dict[str, str], Classification]]) -> None:
        missed = [row["file"] for row, got in results if row["kind"] in ("opt_out", "complaint") and not got.opt_out]
        assert missed == []

    def test_erasure_requests_record_an_opt_out_too(self, results: list[tuple[dict[str, str], Classification]]) -> None:
        for row, got in results:
            if "erasure" in row["request_types"].split():
                assert got.opt_out, row["file"]

    def test_privacy_requests_have_their_type(self, results: list[tuple[dict[str, str], Classification]]) -> None:
        for row, got in results:
            if row["kind"] == "privacy_request":
                assert set(got.request_types) == set(row["request_types"].split()), row["file"]

    def test_precision_and_recall_per_class(self, results: list[tuple[dict[str, str], Classification]]) -> None:
        table = scores(results)
        print("\nclass            n  precision  recall")
        for kind, (n, precision, recall) in table.items():
            print(f"{kind:15} {n:3}  {precision:9.3f}  {recall:6.3f}")
        for kind, floor in PRECISION_FLOOR.items():
            assert table[kind][1] >= floor, (kind, table[kind])
        for kind, floor in RECALL_FLOOR.items():
            assert table[kind][2] >= floor, (kind, table[kind])

    def test_the_recipient_is_found(self, results: list[tuple[dict[str, str], Classification]]) -> None:
        """Where the label names the recipients, the classification finds them (measured: 201 of 207;
        the misses are mailing-list bounces naming the list, and the bounces not recognised)."""
        labelled = [(row, got) for row, got in results if row["recipients"] and row["kind"] != "other"]
        found = [
            (row, got)
            for row, got in labelled
            if set(row["recipients"].lower().split()) <= {r.lower() for r in got.recipients}
        ]
        assert len(found) >= 0.95 * len(labelled)
