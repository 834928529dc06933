"""The synthetic prospect generator: deterministic, realistic in the designed shares, and in sync with
the bundled sample files."""

from __future__ import annotations

import tomllib
from collections import Counter
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import polars as pl
import pytest
import typer
from typer.testing import CliRunner

from lawfulreach.cli.sample import sample_app
from lawfulreach.domain.extract import address_kind, infer_subscriber_type, normalise_country
from lawfulreach.domain.normalise import normalise_email, normalise_phone
from lawfulreach.domain.vocabulary import AddressKind, AddressStatus, SubscriberType
from lawfulreach.errors import InputError
from lawfulreach.rules import default_rulebase
from lawfulreach.sample.generator import COLUMNS, REFERENCE_DATE, generate_prospects
from lawfulreach.sample.phones import INVALID_PHONES, fill_layout
from lawfulreach.sample.profiles import PROFILES
from lawfulreach.schema import parse_campaign, parse_request
from lawfulreach.service import Lawfulreach

N = 5000


@pytest.fixture(scope="module")
def frame() -> pl.DataFrame:
    return generate_prospects(N, seed=11)


def _share(mask: pl.Series) -> float:
    return float(mask.sum()) / len(mask)


def _data_path(name: str) -> Path:
    return Path(str(resources.files("lawfulreach.sample").joinpath("data", name)))


class TestDeterminism:
    """Same (n, seed) → the same frame and the same CSV bytes; another seed → other rows."""

    def test_same_seed_same_frame(self) -> None:
        a, b = generate_prospects(1500, seed=5), generate_prospects(1500, seed=5)
        assert a.equals(b)
        assert a.write_csv() == b.write_csv()

    def test_different_seed_different_frame(self) -> None:
        assert not generate_prospects(500, seed=1).equals(generate_prospects(500, seed=2))

    def test_zero_rows_has_the_schema(self) -> None:
        empty = generate_prospects(0)
        assert empty.height == 0
        assert empty.schema == pl.Schema(dict.fromkeys(COLUMNS, pl.String))

    @pytest.mark.parametrize("bad", [-1, 1.5, True])
    def test_bad_n_is_an_input_error(self, bad: object) -> None:
        with pytest.raises(InputError):
            generate_prospects(bad)  # type: ignore[arg-type]


class TestShape:
    """Columns, countries and the designed proportions."""

    def test_columns_all_strings(self, frame: pl.DataFrame) -> None:
        assert frame.columns == list(COLUMNS)
        assert all(dtype == pl.String for dtype in frame.dtypes)
        assert frame.height == N

    def test_every_rulebase_country_appears(self, frame: pl.DataFrame) -> None:
        seen = {normalise_country(v) for v in frame["country"].drop_nulls().to_list()}
        assert set(default_rulebase().countries) <= seen

    def test_heavy_countries_are_heavier(self, frame: pl.DataFrame) -> None:
        counts = Counter(normalise_country(v) for v in frame["country"].drop_nulls().to_list())
        assert counts["GB"] > counts["SE"] > counts["MT"]
        assert counts["DE"] > counts["AT"]

    def test_country_column_presence_and_spellings(self, frame: pl.DataFrame) -> None:
        country = frame["country"]
        assert 0.82 < _share(country.is_not_null()) < 0.88
        present = country.drop_nulls()
        assert all(normalise_country(v) is not None for v in present.unique().to_list())
        assert _share(present.str.len_chars() > 2) > 0.02  # "Germany", "UK" … written as names
        assert present.str.contains("^[a-z]{2}$").any()  # and lower-case codes

    def test_profile_country_names_resolve(self) -> None:
        for code, profile in PROFILES.items():
            for name in profile.names:
                assert normalise_country(name) == code, name

    def test_regions_only_on_us_rows(self, frame: pl.DataFrame) -> None:
        regions = frame.filter(pl.col("region").is_not_null())
        assert regions.height > 0
        assert regions["region"].str.starts_with("US-").all()
        assert all(normalise_country(c) in (None, "US") for c in regions["country"].to_list())

    def test_source_share(self, frame: pl.DataFrame) -> None:
        source = frame["source"]
        assert set(source.unique().to_list()) == {"first_party", "third_party"}
        assert 0.27 < _share(source == "first_party") < 0.33

    def test_subscriber_types_explicit_on_few_rows(self, frame: pl.DataFrame) -> None:
        given = frame["subscriber_type"].drop_nulls()
        assert 0.08 < len(given) / N < 0.14
        assert set(given.unique().to_list()) <= {"corporate", "sole_trader", "individual", "government", "partnership"}

    def test_company_legal_forms_mix(self, frame: pl.DataFrame) -> None:
        companies = frame["company"].drop_nulls().to_list()
        kinds = Counter(infer_subscriber_type(SubscriberType.UNKNOWN, c) for c in companies)
        total = len(companies)
        assert 0.68 < kinds[SubscriberType.CORPORATE] / total < 0.85
        assert 0.15 < kinds[SubscriberType.UNKNOWN] / total < 0.30  # no legal form, or one the engine lacks
        assert kinds[SubscriberType.PARTNERSHIP] / total > 0.02

    def test_public_directory_only_for_czech_rows(self, frame: pl.DataFrame) -> None:
        listed = frame.filter(pl.col("in_public_directory").is_not_null())
        assert listed.height > 0
        assert (listed["in_public_directory"] == "true").all()
        assert all(normalise_country(c) in (None, "CZ") for c in listed["country"].to_list())


class TestEmails:
    """~70% personal, ~25% role, ~3% missing, ~2% malformed, as the engine classifies them."""

    def test_mix(self, frame: pl.DataFrame) -> None:
        kinds: Counter[str] = Counter()
        for raw in frame["email"].to_list():
            facts = normalise_email(raw)
            if facts.status is AddressStatus.MISSING:
                kinds["missing"] += 1
            elif facts.status is AddressStatus.INVALID:
                kinds["malformed"] += 1
            else:
                assert facts.local is not None
                kinds[address_kind(facts.local).value] += 1
        assert 0.66 < kinds[AddressKind.PERSONAL.value] / N < 0.74
        assert 0.21 < kinds[AddressKind.GENERIC.value] / N < 0.29
        assert 0.015 < kinds["missing"] / N < 0.045
        assert 0.01 < kinds["malformed"] / N < 0.03

    def test_tags_and_mixed_case_present(self, frame: pl.DataFrame) -> None:
        email = frame["email"].drop_nulls()
        assert email.str.contains(r"\+[a-z0-9]+@").any()
        assert email.str.contains("^[A-Z]").any()

    def test_domains_mostly_national(self, frame: pl.DataFrame) -> None:
        tld = frame["email"].drop_nulls().str.extract(r"@[^@]*\.([a-z]+)$")
        counts = Counter(tld.drop_nulls().to_list())
        generic = counts["com"] + counts["io"] + counts["net"]
        assert 0.15 < generic / sum(counts.values()) < 0.45
        assert min(counts["uk"], counts["de"], counts["fr"]) > 0

    def test_role_rows_sometimes_have_no_name(self, frame: pl.DataFrame) -> None:
        nameless = frame.filter(pl.col("first_name").is_null())
        assert nameless.height > 0
        for raw in nameless["email"].to_list():
            facts = normalise_email(raw)
            assert facts.local is not None
            assert address_kind(facts.local) is AddressKind.GENERIC


class TestPhones:
    """Valid numbers parse as valid numbers of the row's country; invalid strings never do."""

    def test_presence(self, frame: pl.DataFrame) -> None:
        assert 0.76 < _share(frame["phone"].is_not_null()) < 0.84

    def test_valid_numbers_parse_for_their_country(self, frame: pl.DataFrame) -> None:
        rows = frame.filter(pl.col("phone").is_not_null() & ~pl.col("phone").is_in(INVALID_PHONES))
        checked = 0
        for phone, raw_country in rows.select("phone", "country").iter_rows():
            country = normalise_country(raw_country)
            if country is None:
                continue
            facts = normalise_phone(phone, country)
            assert facts.status is AddressStatus.VALID, (phone, country)
            assert facts.country == country, (phone, country)
            checked += 1
        assert checked > 3000

    def test_formats_mixed(self, frame: pl.DataFrame) -> None:
        phone = frame["phone"].drop_nulls()
        assert phone.str.starts_with("+").any()
        assert phone.str.starts_with("00").any()
        assert phone.str.contains(r"^\(?0").any()  # national trunk prefix

    def test_mobile_and_landline(self, frame: pl.DataFrame) -> None:
        given = Counter(frame["phone_type"].drop_nulls().to_list())
        assert set(given) == {"mobile", "landline"}
        sample = frame.filter(pl.col("country") == "FR", pl.col("phone").str.starts_with("+33"))
        types = {normalise_phone(p).phone_type.value for p in sample["phone"].to_list()}
        assert {"mobile", "landline"} <= types

    def test_invalid_strings_are_invalid_everywhere(self) -> None:
        for raw in INVALID_PHONES:
            for country in default_rulebase().countries:
                assert normalise_phone(raw, country).status is AddressStatus.INVALID, (raw, country)

    def test_fill_layout(self) -> None:
        assert fill_layout("## ##", "1234") == "12 34"
        assert fill_layout("# ###", "9876") == "9 876"


class TestFirstParty:
    """Relationship and consent facts belong to first-party rows only, and are coherent."""

    def test_third_party_rows_carry_none(self, frame: pl.DataFrame) -> None:
        third = frame.filter(pl.col("source") == "third_party")
        for column in COLUMNS[12:]:
            assert third[column].is_null().all(), column

    def test_values_and_coherence(self, frame: pl.DataFrame) -> None:
        first = frame.filter(pl.col("source") == "first_party")
        assert set(first["relationship_kind"].unique().to_list()) == {"customer", "negotiation", "none"}
        status = Counter(first["consent_status"].to_list())
        assert set(status) == {"none", "given", "confirmed", "withdrawn"}
        assert status["none"] > status["given"] > status["confirmed"] > status["withdrawn"]
        consented = first.filter(pl.col("consent_status") != "none")
        assert consented["consent_channel"].is_not_null().all()
        assert consented["consent_method"].is_not_null().all()
        assert "pre_ticked" in consented["consent_method"].to_list()
        no_consent = first.filter(pl.col("consent_status") == "none")
        assert no_consent["consent_channel"].is_null().all()
        related = first.filter(pl.col("relationship_kind") != "none")
        for column in ("relationship_legal_entity", "relationship_products", "opt_out_offered", "last_interaction"):
            assert related[column].is_not_null().all(), column
        assert _share(related["relationship_legal_entity"] == "Northwind Analytics Ltd") > 0.75
        assert related["relationship_products"].str.contains(";").any()

    def test_last_interaction_within_three_years_of_reference(self, frame: pl.DataFrame) -> None:
        dates = frame["last_interaction"].drop_nulls().str.to_date("%Y-%m-%d")
        low = dates.min()
        high = dates.max()
        assert isinstance(low, date)
        assert isinstance(high, date)
        assert REFERENCE_DATE - timedelta(days=3 * 365 + 1) <= low
        assert high <= REFERENCE_DATE


class TestBundledSample:
    """The shipped sample files cannot drift from the generator and parse as the engine expects."""

    def test_prospects_csv_is_the_generator_output(self) -> None:
        text = _data_path("prospects.csv").read_text(encoding="utf-8")
        assert text == generate_prospects(2000, seed=2026).write_csv(), (
            "regenerate: lawfulreach sample generate 2000 --seed 2026 --out src/lawfulreach/sample/data/prospects.csv"
        )

    def test_campaign_toml(self) -> None:
        doc = tomllib.loads(_data_path("campaign.toml").read_text(encoding="utf-8"))
        campaign = parse_campaign(doc)
        assert campaign.legal_entity == "Northwind Analytics Ltd"
        assert campaign.products == ("analytics software", "data consulting")
        assert campaign.lia.value == "passed"

    def test_screen_gives_every_outcome(self) -> None:
        """A realistic list gets allowed, blocked and review decisions (single-request path)."""
        campaign = tomllib.loads(_data_path("campaign.toml").read_text(encoding="utf-8"))
        service = Lawfulreach()
        outcomes: Counter[str] = Counter()
        for row in generate_prospects(400, seed=2026).iter_rows(named=True):
            contact = {
                k: row[k]
                for k in (
                    "email",
                    "phone",
                    "first_name",
                    "last_name",
                    "company",
                    "country",
                    "region",
                    "subscriber_type",
                )
                if row[k] is not None
            }
            request: dict[str, object] = {
                "contact": contact,
                "channel": "email",
                "source": row["source"],
                "campaign": campaign,
            }
            outcomes[service.check(parse_request(request)).outcome.value] += 1
        assert set(outcomes) == {"allowed", "blocked", "review"}
        assert min(outcomes.values()) >= 20


class TestCli:
    """``lawfulreach sample generate N --out FILE [--seed S]``."""

    @staticmethod
    def _app() -> typer.Typer:
        app = typer.Typer()
        app.add_typer(sample_app, name="sample")
        return app

    def test_writes_csv_and_parquet(self, tmp_path: Path) -> None:
        runner = CliRunner()
        csv_path, parquet_path = tmp_path / "p.csv", tmp_path / "p.parquet"
        result = runner.invoke(self._app(), ["sample", "generate", "50", "--out", str(csv_path), "--seed", "3"])
        assert result.exit_code == 0, result.output
        assert "wrote 50 prospects" in result.output
        assert csv_path.read_text(encoding="utf-8") == generate_prospects(50, seed=3).write_csv()
        result = runner.invoke(self._app(), ["sample", "generate", "50", "--out", str(parquet_path)])
        assert result.exit_code == 0, result.output
        assert pl.read_parquet(parquet_path).equals(generate_prospects(50))

    def test_rejects_non_positive_n(self, tmp_path: Path) -> None:
        result = CliRunner().invoke(self._app(), ["sample", "generate", "0", "--out", str(tmp_path / "p.csv")])
        assert isinstance(result.exception, InputError)
        assert "at least 1" in str(result.exception)
