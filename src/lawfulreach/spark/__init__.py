"""Screening on Apache Spark, for lists that live in a data lake (issue "scale").

``screen_dataframe(df, campaign, snapshot, channels)`` adds ``screen``'s decision columns to a Spark
DataFrame by running the batch path itself on each partition (Arrow in, Arrow out): no rule and no
fact is implemented here. ``lawfulreach screen --engine spark`` drives it from the CLI
(``spark.job``). pyspark is an optional dependency (``pip install 'lawfulreach[spark]'``); importing
this package without it fails with a ``ConfigError`` saying so.
"""

from __future__ import annotations

from lawfulreach.errors import ConfigError

try:
    import pyspark  # noqa: F401  (only to fail early, with a readable message)
except ImportError:  # pragma: no cover - the test environment installs pyspark
    raise ConfigError(
        "screening on Spark needs pyspark: pip install 'lawfulreach[spark]' (and Java 17 or newer)"
    ) from None

from lawfulreach.spark.screen import ERROR_COLUMN, decision_columns, screen_dataframe

__all__ = ["ERROR_COLUMN", "decision_columns", "screen_dataframe"]
