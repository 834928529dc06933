"""One Spark session (local mode, two cores) for every Spark test: starting the JVM costs seconds.

Java and pyspark are requirements of the suite (scripts/test.sh installs Java when it is missing):
when either is absent these tests fail, they are never skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    from lawfulreach.spark.job import spark_session

    session = spark_session("local[2]", app="lawfulreach tests")
    session.conf.set("spark.sql.shuffle.partitions", "2")
    yield session
    session.stop()
