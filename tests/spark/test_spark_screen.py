"""Screening on Spark gives the rows ``screen`` gives: the same decisions, the input unchanged.

The property test draws contacts, campaigns and tenant state from the pools of the batch-consistency
test (every rule reachable), writes them as the CSV a user would have, and screens that file twice:
as ``lawfulreach screen`` does (``read_prospects`` then the batch path) and through
``screen_dataframe`` on a local Spark session reading the same file. Every decision column must be
identical, row by row. Then the edges a user meets: unreadable rows are reported and never decided,
a frame without a contact column fails before any task runs, a clashing column name is kept.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from lawfulreach.batch.columns import FIELDS
from lawfulreach.batch.reader import read_prospects
from lawfulreach.batch.snapshot import BatchSnapshot
from lawfulreach.domain.model import Campaign
from lawfulreach.domain.state import InMemoryState
from lawfulreach.domain.vocabulary import Channel, LiaStatus
from lawfulreach.errors import InputError
from lawfulreach.rules import default_rulebase
from lawfulreach.service import Lawfulreach
from lawfulreach.spark import ERROR_COLUMN, decision_columns, screen_dataframe
from lawfulreach.spark.job import read_input
from test_batch_consistency import NOW, campaigns, rows, states

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

CHANNELS = list(Channel)


def local_screen(path: Path, campaign: Campaign, state: InMemoryState) -> tuple[pl.DataFrame, set[str]]:
    """(the decision columns ``lawfulreach screen`` writes for ``path`` with its ``row_ref``, in file
    order; the ``row_ref`` of every row it rejects as unreadable)."""
    file = read_prospects(path)
    service = Lawfulreach(rulebase=default_rulebase(), state=state, clock=lambda: NOW)
    result = service.screen(file.frame, CHANNELS, campaign, BatchSnapshot.from_memory(state), conformed=True)
    refs = file.raw["row_ref"].cast(pl.String)
    rejected = {str(line - 2) for line in file.rejects["line"].to_list()}  # row_ref = line - 2 (header is 1)
    return result.frame.select(result.decision_columns).with_columns(refs.alias("row_ref")), rejected


def spark_screen(spark: SparkSession, path: Path, campaign: Campaign, state: InMemoryState) -> pl.DataFrame:
    frame, malformed = read_input(spark, path)
    out = screen_dataframe(
        frame, campaign, BatchSnapshot.from_memory(state), CHANNELS, now=NOW, malformed_column=malformed
    )
    result = pl.from_arrow(out.toArrow())
    assert isinstance(result, pl.DataFrame)
    return result.sort(pl.col("row_ref").cast(pl.Int64))


@settings(
    max_examples=10,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # shrinking through Spark jobs takes minutes
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(batch=st.lists(rows, min_size=1, max_size=40), campaign=campaigns, state=states())
def test_identical_decisions_to_screen(
    spark: SparkSession,
    tmp_path_factory: pytest.TempPathFactory,
    batch: list[dict[str, str | None]],
    campaign: Campaign,
    state: InMemoryState,
) -> None:
    path = tmp_path_factory.mktemp("prop") / "contacts.csv"
    frame = pl.DataFrame(batch, schema=dict.fromkeys(FIELDS, pl.String))
    frame.with_row_index("row_ref").write_csv(path)
    expected, rejected = local_screen(path, campaign, state)
    got = spark_screen(spark, path, campaign, state)
    assert got.height == len(batch)  # no row lost
    errors = got.filter(pl.col(ERROR_COLUMN).is_not_null())
    assert set(errors["row_ref"].to_list()) == rejected  # the same rows unreadable, none decided
    assert errors.select(pl.col("^.*_outcome$").is_null().all()).row(0) == (True,) * len(CHANNELS)
    decided = got.filter(pl.col(ERROR_COLUMN).is_null())
    assert decided.select(expected.columns).equals(expected)


def test_input_columns_pass_through_and_sample_list_matches(spark: SparkSession, tmp_path: Path) -> None:
    """A realistic list (the bundled generator: 3,000 contacts of every country) with tenant state:
    every input column unchanged and in order, then the decision columns; decisions as ``screen``."""
    from lawfulreach.sample.generator import write_prospects_csv

    path = tmp_path / "prospects.csv"
    write_prospects_csv(path, 3000, seed=7)
    original = pl.read_csv(path, infer_schema=False).with_row_index("row_ref")
    original.write_csv(path)
    state = InMemoryState(secret_key=b"s" * 32)
    for email in original["email"].drop_nulls().head(40).to_list():
        state.opt_out(email.lower(), "all")
    campaign = Campaign(name="sample", lia=LiaStatus.PASSED, products=("software",))
    expected, rejected = local_screen(path, campaign, state)
    got = spark_screen(spark, path, campaign, state)
    assert not rejected
    assert got.columns == [*original.columns, *decision_columns(CHANNELS), ERROR_COLUMN]
    assert got.select(original.columns).cast(pl.String).equals(original.cast(pl.String))
    assert got.select(expected.columns).equals(expected)
    assert (got["email_reasons"].str.contains("opted_out")).sum() > 0


def test_unreadable_rows_are_reported_never_decided(spark: SparkSession, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "row_ref,email,country,consent_status\n"
        "1,ann@firma.de,DE,\n"
        "2,bob@acme.co.uk,Atlantis,\n"  # a country nobody can read: spec §6, never guessed
        "3,cy@acme.co.uk,GB,maybe\n"  # a value outside the closed vocabulary
        "4,dee@acme.co.uk,GB\n"  # a missing field: Spark's CSV reader would fill null
        "5,eve@acme.co.uk,GB,,extra\n",
        encoding="utf-8",
    )
    got = spark_screen(spark, path, Campaign(lia=LiaStatus.PASSED), InMemoryState())
    by_ref = {r["row_ref"]: r for r in got.iter_rows(named=True)}
    assert by_ref["1"][ERROR_COLUMN] is None
    assert by_ref["1"]["email_outcome"] is not None
    for ref in ("2", "3", "4", "5"):
        row = by_ref[ref]
        assert row[ERROR_COLUMN], ref
        assert all(row[f"{c.value}_outcome"] is None for c in CHANNELS), ref  # never allowed, never decided
    assert "Atlantis" in by_ref["2"][ERROR_COLUMN]
    assert "maybe" in by_ref["3"][ERROR_COLUMN]
    assert "well-formed" in by_ref["4"][ERROR_COLUMN]
    assert "_lawfulreach_malformed_row" not in got.columns


def test_no_contact_column_fails_before_any_task(spark: SparkSession) -> None:
    frame = spark.createDataFrame([("Ann", "Acme")], ["first_name", "company"])
    with pytest.raises(InputError, match="no email or phone column"):
        screen_dataframe(frame, Campaign(), BatchSnapshot(secret_key=b"k" * 32), [Channel.EMAIL])


def test_a_clashing_column_is_kept_and_typed_columns_pass_through(spark: SparkSession) -> None:
    """A list screened before carries ``email_outcome``: it is kept, the new one is ``email_outcome_2``;
    typed columns (a number, a date) keep their type."""
    frame = spark.createDataFrame(
        [(1, "ann@firma.de", "DE", "allowed", datetime(2026, 1, 2, tzinfo=UTC))],
        ["crm_id", "email", "country", "email_outcome", "created"],
    )
    out = screen_dataframe(frame, Campaign(lia=LiaStatus.PASSED), BatchSnapshot(secret_key=b"k" * 32), [Channel.EMAIL])
    assert out.columns[:5] == ["crm_id", "email", "country", "email_outcome", "created"]
    assert "email_outcome_2" in out.columns
    assert dict(out.dtypes)["crm_id"] == "bigint"
    row = out.collect()[0]
    assert row["email_outcome"] == "allowed"  # the input's own column, untouched
    assert row["email_outcome_2"] in ("allowed", "review", "blocked")
