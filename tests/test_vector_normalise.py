"""The vectorised normalisers agree with the reference ones, row for row (spec §5, performance.md).

``normalise_emails`` / ``normalise_phones`` settle the common case with Polars expressions and call
``normalise_email`` / ``normalise_phone`` for the rest; whichever path a row takes, the answer must be
the reference's. Inputs are realistic (library example numbers with varied digits in every written
format, ordinary addresses) and adversarial (near misses, junk, unicode, quoting, length limits).
"""

from __future__ import annotations

import random
import string
from collections.abc import Sequence

import phonenumbers
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from lawfulreach.batch import _phone_plan
from lawfulreach.batch._phone_plan import mirrors_installed
from lawfulreach.batch.vector_email import EMAIL_COLUMNS, email_fallback_mask, normalise_emails
from lawfulreach.batch.vector_phone import PHONE_COLUMNS, normalise_phones, phone_fallback_count
from lawfulreach.domain.normalise import normalise_email, normalise_phone
from lawfulreach.rules import default_rulebase

RULE_BASE = default_rulebase().countries
# Regions sharing a calling code with a rule-base country, plus some whose metadata has a transform rule.
NEIGHBOURS = (
    "GG",
    "JE",
    "IM",
    "AX",
    "VA",
    "SJ",
    "KZ",
    "RU",
    "JM",
    "PR",
    "BS",
    "DO",
    "AG",
    "AR",
    "BR",
    "JP",
    "AU",
    "CH",
)
REGIONS = RULE_BASE + NEIGHBOURS
TYPES = (
    PhoneNumberType.MOBILE,
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.TOLL_FREE,
    PhoneNumberType.PREMIUM_RATE,
    PhoneNumberType.VOIP,
    PhoneNumberType.UAN,
    PhoneNumberType.PERSONAL_NUMBER,
    PhoneNumberType.SHARED_COST,
)
FORMATS = (PhoneNumberFormat.E164, PhoneNumberFormat.INTERNATIONAL, PhoneNumberFormat.NATIONAL)
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------------------------------
# Helpers


def reference_emails(values: Sequence[str | None]) -> list[tuple[str | None, ...]]:
    rows: list[tuple[str | None, ...]] = []
    for value in values:
        facts = normalise_email(value)
        rows.append((str(facts.status), facts.address, facts.local, facts.domain))
    return rows


def reference_phones(pairs: Sequence[tuple[str | None, str | None]]) -> list[tuple[str | None, ...]]:
    rows: list[tuple[str | None, ...]] = []
    for raw, country in pairs:
        facts = normalise_phone(raw, country)
        rows.append((str(facts.status), facts.e164, facts.country, str(facts.phone_type)))
    return rows


def assert_emails_agree(values: Sequence[str | None]) -> None:
    got = normalise_emails(pl.Series("email", list(values), dtype=pl.String))
    assert got.columns == list(EMAIL_COLUMNS)
    assert got.height == len(values)
    for value, row, ref in zip(values, got.iter_rows(), reference_emails(values), strict=True):
        assert row == ref, f"{value!r}: vector {row} != reference {ref}"


def assert_phones_agree(pairs: Sequence[tuple[str | None, str | None]], min_group_rows: int = 0) -> None:
    phones = pl.Series("phone", [p for p, _ in pairs], dtype=pl.String)
    countries = pl.Series("country", [c for _, c in pairs], dtype=pl.String)
    got = normalise_phones(phones, countries, min_group_rows=min_group_rows)
    assert got.columns == list(PHONE_COLUMNS)
    assert got.height == len(pairs)
    for pair, row, ref in zip(pairs, got.iter_rows(), reference_phones(pairs), strict=True):
        assert row == ref, f"{pair!r}: vector {row} != reference {ref}"


def vary_digits(number: str, rng: random.Random, *, change_length: bool) -> str:
    """Replace up to four trailing digits; sometimes drop or add a digit (near misses)."""
    digits = list(number)
    for i in range(1, min(len(digits), rng.randint(0, 4)) + 1):
        digits[-i] = rng.choice(string.digits)
    if change_length and rng.random() < 0.25:
        if rng.random() < 0.5 and len(digits) > 1:
            del digits[rng.randrange(len(digits))]
        else:
            digits.insert(rng.randrange(len(digits) + 1), rng.choice(string.digits))
    return "".join(digits)


# Characters that sit at the edges of what the fast paths accept: controls and Unicode whitespace
# (Python's str.strip removes some that Polars does not), full-width digits and signs, a combining
# accent, the Kelvin sign (lower-cases to ASCII "k"), letters, quoting and extension markers.
MUTATION_CHARS = string.printable + "\x00\x0b\x0c\x1c\x1f\x85\xa0\u2028\u3000\uff10\uff0b\uff20\u0301\u212ae\u00e9"


def mutate(text: str, rng: random.Random) -> str:
    """One to three random edits (insert, replace or delete a character)."""
    chars = list(text)
    for _ in range(rng.randint(1, 3)):
        op = rng.randrange(3)
        at = rng.randrange(len(chars) + 1)
        if op == 0 or not chars:
            chars.insert(at, rng.choice(MUTATION_CHARS))
        elif op == 1:
            chars[min(at, len(chars) - 1)] = rng.choice(MUTATION_CHARS)
        else:
            del chars[min(at, len(chars) - 1)]
    return "".join(chars)


def written(number: phonenumbers.PhoneNumber, style: int, rng: random.Random) -> str:
    """One of the ways people write a number."""
    if style < 3:
        text = phonenumbers.format_number(number, FORMATS[style])
    elif style == 3:  # 00 instead of +
        text = "00" + phonenumbers.format_number(number, PhoneNumberFormat.E164)[1:]
    elif style == 4:  # national digits with the calling code but no +
        text = phonenumbers.format_number(number, PhoneNumberFormat.E164)[1:]
    elif style == 5:  # +CC (0) national
        national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
        text = f"+{number.country_code} ({national[:1]}){national[1:]}"
    else:  # national digits, re-punctuated at random
        national = phonenumbers.national_significant_number(number)
        text = "".join(ch + rng.choice(["", "", " ", "-", ".", "/"]) for ch in national)
    if rng.random() < 0.2:
        text = rng.choice([" ", "\t", "  "]) + text + rng.choice(["", " ", "\n"])
    return text


def example_pair(rng: random.Random, regions: Sequence[str] = REGIONS) -> tuple[str, str | None]:
    region = rng.choice(regions)
    example = None
    for _ in range(4):
        example = phonenumbers.example_number_for_type(region, rng.choice(TYPES))
        if example is not None:
            break
    if example is None:
        example = phonenumbers.example_number(region)
    assert example is not None
    nsn = vary_digits(phonenumbers.national_significant_number(example), rng, change_length=True)
    try:
        number = phonenumbers.parse("+" + str(example.country_code) + nsn, None)
    except phonenumbers.NumberParseException:
        return nsn, region
    choice = rng.random()
    if choice < 0.08:  # dialled from another region: that region's international prefix, if any
        caller = rng.choice(REGIONS)
        return phonenumbers.format_out_of_country_calling_number(number, caller), caller
    text = written(number, rng.randrange(7), rng)
    if choice < 0.70:
        country: str | None = region
    elif choice < 0.80:
        country = rng.choice(REGIONS)
    elif choice < 0.90:
        country = None
    else:
        country = rng.choice(["gb", "XX", "", "001", "UK"])
    return text, country


# --------------------------------------------------------------------------------------------------
# Email


LOCAL_CHARS = string.ascii_letters + string.digits + "._+-!#$%&'*/=?^`{|}~"
ADVERSARIAL_CHARS = LOCAL_CHARS + '"<>@ ,;:\\()[]\t' + "éüßøñ中é\u0301\u200b\uff20\u212a\u0130"

labels = st.text(alphabet=string.ascii_lowercase + string.digits + "-", min_size=1, max_size=12)
tlds = st.sampled_from(
    [
        "com",
        "de",
        "co.uk",
        "fr",
        "io",
        "COM",
        "example",
        "test",
        "local",
        "localhost",
        "onion",
        "arpa",
        "invalid",
        "123",
        "c0m",
        "x",
        "museum",
        "xn--p1ai",
        "org.",
        "-de",
        "de-",
        "ab--cd",
        "b" * 63,
        "b" * 64,
    ]
)


@st.composite
def email_values(draw: st.DrawFn) -> str | None:
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(st.none() | st.sampled_from(["", " ", "\t", "\u00a0", "\x1c"]))
    if kind == 1:
        return draw(st.text(alphabet=ADVERSARIAL_CHARS, max_size=30))
    if kind == 2:
        return draw(st.text(max_size=20)) + "@" + draw(st.text(max_size=20))
    local = draw(st.text(alphabet=LOCAL_CHARS, min_size=0, max_size=20))
    if kind == 3:
        local = draw(st.text(alphabet=ADVERSARIAL_CHARS, min_size=1, max_size=12))
    if kind == 4:
        local = '"' + local + '"'
    if draw(st.booleans()):
        local += "+" + draw(st.text(alphabet=string.ascii_letters + "+.", max_size=6))
    if draw(st.booleans()):
        local = local.upper()
    domain = ".".join(draw(st.lists(labels, min_size=1, max_size=3))) + "." + draw(tlds)
    if kind == 5:
        domain = draw(st.text(alphabet=string.ascii_letters + string.digits + ".-_éü@[]", min_size=0, max_size=20))
    if kind == 6:
        domain = domain.upper()
    if kind == 7:
        local = "a" * draw(st.integers(60, 250))
    if kind == 8:
        domain = ".".join(["d" * 60] * draw(st.integers(3, 5))) + ".com"
    value = local + "@" + domain
    if kind == 9:
        value = mutate(value, random.Random(draw(st.integers(0, 2**32))))
    if draw(st.integers(0, 4)) == 0:
        value = draw(st.sampled_from([" ", "\t", "\n", "\u3000"])) + value + draw(st.sampled_from(["", " ", "\r\n"]))
    return value


@SETTINGS
@given(st.lists(email_values(), min_size=1, max_size=25))
def test_emails_agree_with_reference(values: list[str | None]) -> None:
    assert_emails_agree(values)


EMAIL_REGRESSIONS = [
    None,
    "",
    "   ",
    "\u00a0",
    "\x1c",
    "Jane.Doe+news@Example.COM",
    " bob@x.co.uk ",
    "noat",
    "a@b",
    "@x.com",
    "a@",
    "a..b@x.com",
    ".a@x.com",
    "a.@x.com",
    "a@x..com",
    "a@.x.com",
    "a@x.com.",
    "a@-x.com",
    "a@x-.com",
    "a@x.123",
    "a@x.c0m",
    "a@ab--c.com",
    "a@xn--bcher-kva.com",
    "a@XN--BCHER-KVA.com",
    "a@xn--zz.com",
    "+tag@x.com",
    "a+@x.com",
    "a++b@x.com",
    "Info@X.com",
    "POSTMASTER@x.com",
    '"q"@x.com',
    '"a b"@x.com',
    'a"b@x.com',
    "jörg@x.de",
    "a@bücher.de",
    "a@x_y.com",
    "a b@x.com",
    "a@@x.com",
    "a@x@y.com",
    "Jane <j@x.com>",
    "<j@x.com>",
    "a@x.onion",
    "a@sub.test",
    "a@test",
    "a@x.local",
    "a@localhost",
    "a@x.arpa",
    "a@x.invalid",
    "a@example.com",
    "a@mail.example",
    "a@x.museum",
    "a@[127.0.0.1]",
    "a@x.com\x00",
    "a\u0301@x.com",
    "a@x\uff0ecom",
    "a\uff20x.com",
    "a@x.COM",
    "A@B.CO",
    "x" * 243 + "@abcde.com",
    "x" * 244 + "@abcde.com",
    "a@" + "b" * 63 + ".com",
    "a@" + "b" * 64 + ".com",
    "a@" + ".".join(["c" * 63] * 4) + ".com",
    "a@" + ".".join(["c" * 60] * 4) + ".com",
    "a\t@x.com",
    "a@x.com ",
    "\ta@x.com\n",
    "a@x.co\u200b",
]


def test_email_regressions() -> None:
    assert_emails_agree(EMAIL_REGRESSIONS)


def test_emails_realistic_take_the_fast_path() -> None:
    rng = random.Random(7)
    values = [
        f"{rng.choice(['jane', 'Bob', 'info', 'j.smith'])}{rng.randrange(1000)}"
        f"{rng.choice(['', '+news'])}@{rng.choice(['acme', 'Example', 'foo-bar'])}.{rng.choice(['com', 'de', 'co.uk'])}"
        for _ in range(2000)
    ]
    assert not email_fallback_mask(pl.Series(values)).any()
    assert_emails_agree(values)


def test_email_empty_and_all_null() -> None:
    assert normalise_emails(pl.Series("e", [], dtype=pl.String)).height == 0
    assert_emails_agree([None, None])


# --------------------------------------------------------------------------------------------------
# Phone


@st.composite
def phone_pairs(draw: st.DrawFn) -> tuple[str | None, str | None]:
    kind = draw(st.integers(0, 9))
    if kind <= 5:
        return example_pair(random.Random(draw(st.integers(0, 2**32))))
    country = draw(st.sampled_from([*REGIONS, None, "gb", "ZZ"]))
    if kind == 6:
        return draw(st.none() | st.sampled_from(["", " ", "\u00a0", "n/a", "\x1c", "\x0b\x0c", "\u2028"])), country
    if kind == 7:
        return draw(st.text(alphabet="0123456789 +()-./x#*;ext=tel:\t\x0b\x1c\u00a0\uff10", max_size=25)), country
    if kind == 8:
        head = draw(st.sampled_from(["+", "00", "", "0", "+1", "+44", "+49", "0044", "+7", "+358", "+39"]))
        return head + draw(st.text(alphabet=string.digits, min_size=0, max_size=15)), country
    if draw(st.booleans()):
        rng = random.Random(draw(st.integers(0, 2**32)))
        text, country = example_pair(rng)
        return mutate(text, rng), country
    return draw(st.text(max_size=15)), country


@SETTINGS
@given(st.lists(phone_pairs(), min_size=1, max_size=25))
def test_phones_agree_with_reference(pairs: list[tuple[str | None, str | None]]) -> None:
    assert_phones_agree(pairs)


PHONE_REGRESSIONS: list[tuple[str | None, str | None]] = [
    (None, "GB"),
    ("", "GB"),
    ("\x1c", "GB"),
    ("\x0b\x0c", None),
    (" \x1f ", "DE"),
    ("\x1c+44 20 7946 0000", None),
    ("\u3000020 7946 0000", "GB"),
    ("  ", None),
    ("\u00a0", "GB"),
    ("n/a", "GB"),
    ("12", "GB"),
    ("123", "DE"),
    ("+44 20 7946 0000", None),
    ("020 7946 0000", "GB"),
    ("+44 (0)20 7946 0000", None),
    ("0044 20 7946 0000", "FR"),
    ("0 044 20 7946 0000", "GB"),
    ("44 20 7946 0000", "GB"),
    ("4420 7946 0000", "GB"),
    ("+44 1481 256789", None),
    ("01481 256789", "GG"),
    ("01481 256789", "GB"),
    ("+44 7624 123456", None),
    ("+44 7700 900123", None),
    ("+1 212 555 0100", None),
    ("(212) 555-0100", "US"),
    ("1 212 555 0100", "US"),
    ("1-800-555-0100", "US"),
    ("011 44 20 7946 0000", "US"),
    ("+1 416 555 0100", None),
    ("416-555-0100", "CA"),
    ("416-555-0100", "US"),
    ("+1 876 555 0100", None),
    ("876 555 0100", "JM"),
    ("+1 268 464 1234", None),
    ("268 464 1234", "AG"),
    ("030 123456", "DE"),
    ("+49 (0)30 1234567", None),
    ("4930123456", "DE"),
    ("49 30 123456", "DE"),
    ("0049 30 123456", None),
    ("0030123456", "DE"),
    ("+4930123456", "FR"),
    ("0612345678", "FR"),
    ("06 12 34 56 78", "FR"),
    ("33 6 12 34 56 78", "FR"),
    ("+39 06 1234 5678", None),
    ("06 1234 5678", "IT"),
    ("3123456789", "IT"),
    ("+39 06 698 12345", None),
    ("+7 912 345 67 89", None),
    ("+7 701 123 4567", None),
    ("8 912 345 67 89", "RU"),
    ("+358 18 12345", None),
    ("+358 40 1234567", None),
    ("040 1234567", "FI"),
    ("+47 79 12 34 56", None),
    ("+800 1234 5678", None),
    ("+882 1234 5678", None),
    ("+0044 20", None),
    ("+", None),
    ("++44 20 7946 0000", None),
    ("+44-20-7946-0000", "gb"),
    ("20 7946 0000", "gb"),
    ("20 7946 0000", "XX"),
    ("20 7946 0000", ""),
    ("20 7946 0000", None),
    ("06 1 80020 1234", "GB"),
    ("0180020 1234567", "GB"),
    ("15012 345678", "LU"),
    ("+352 15012 345678", None),
    ("06 1 234 5678", "HU"),
    ("06 20 123 4567", "HU"),
    ("+36 06 20 123 4567", None),
    ("8 612 34567", "LT"),
    ("0 612 34567", "LT"),
    ("+370 8 612 34567", None),
    ("(0)20 7946 0000", "GB"),
    ("020 7946 0000 ext. 12", "GB"),
    ("020 7946 0000 #12", "GB"),
    ("tel:+44-20-7946-0000", None),
    ("+44 20 7946 0000;ext=1", None),
    ("+44 20 7946 00001", None),
    ("+44 20 7946 000", None),
    ("0" * 20, "GB"),
    ("+" + "1" * 30, None),
    ("1" * 251, "US"),
    ("+54 9 11 1234 5678", None),
    ("011 15 1234 5678", "AR"),
    ("+55 11 91234 5678", None),
    ("+81 90 1234 5678", None),
    ("090 1234 5678", "JP"),
    ("+61 4 1234 5678", None),
    ("+262 269 61 1234", None),
    ("+590 590 27 1234", None),
    ("+599 9 518 1234", None),
    ("+212 650 123456", None),
    ("+290 22158", None),
    ("+33 1 23 45 67 89", "FR"),
    ("+33-(0)1.23.45.67.89", None),
    ("01/23/45/67/89", "FR"),
    ("-0123456789-", "FR"),
]


def test_phone_regressions() -> None:
    assert_phones_agree(PHONE_REGRESSIONS)
    assert_phones_agree(PHONE_REGRESSIONS, min_group_rows=3)


def test_phone_sweep_every_supported_region() -> None:
    """Example numbers of every supported region and type, varied, in every written format."""
    rng = random.Random(2026)
    regions = sorted(phonenumbers.SUPPORTED_REGIONS)
    pairs = [example_pair(rng, regions) for _ in range(6000)]
    pairs += [example_pair(rng) for _ in range(6000)]
    assert_phones_agree(pairs)


def test_phones_realistic_mostly_take_the_fast_path() -> None:
    rng = random.Random(11)
    pairs: list[tuple[str | None, str | None]] = []
    for _ in range(3000):
        region = rng.choice(RULE_BASE)
        kind = rng.choice([PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE])
        example = phonenumbers.example_number_for_type(region, kind)
        assert example is not None
        nsn = vary_digits(phonenumbers.national_significant_number(example), rng, change_length=False)
        number = phonenumbers.parse("+" + str(example.country_code) + nsn, None)
        pairs.append((written(number, rng.choice([0, 1, 2, 3]), rng), region))
    phones = pl.Series([p for p, _ in pairs])
    countries = pl.Series([c for _, c in pairs])
    # All on the fast path while the installed phonenumbers is the one the plan mirrors; after an
    # upgrade that changed the parser, all on the reference (and still agreeing: below).
    expected = 0 if mirrors_installed() else len(pairs)
    assert phone_fallback_count(phones, countries, min_group_rows=0) == expected
    assert_phones_agree(pairs, min_group_rows=64)


def test_a_changed_parser_sends_every_number_to_the_reference(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """An upgrade of phonenumbers that changes a function the plan mirrors must not make the fast path
    disagree silently: every number goes to ``normalise_phone`` and the log says why, once."""
    rng = random.Random(5)
    pairs = [example_pair(rng) for _ in range(300)]
    monkeypatch.setitem(_phone_plan.MIRRORED_SOURCE, "_number_type_helper", "0000000000000000")
    _phone_plan.mirrors_installed.cache_clear()
    try:
        with caplog.at_level("WARNING", logger="lawfulreach.batch"):
            phones = pl.Series([p for p, _ in pairs])
            countries = pl.Series([c for _, c in pairs])
            assert phone_fallback_count(phones, countries, min_group_rows=0) == len(pairs)
            assert_phones_agree(pairs, min_group_rows=0)
        warnings = [r for r in caplog.records if "_number_type_helper" in r.getMessage()]
        assert len(warnings) == 1
    finally:
        _phone_plan.mirrors_installed.cache_clear()


def test_the_mirrored_functions_are_found_in_the_installed_phonenumbers() -> None:
    """Every function the plan mirrors exists and its source can be read (a digest mismatch is allowed:
    it only costs speed; a missing source would silently always cost it)."""
    from phonenumbers import phonenumberutil

    for name in _phone_plan.MIRRORED_SOURCE:
        assert _phone_plan.source_digest(getattr(phonenumbers.phonenumberutil, name)) is not None, name
    assert all(hasattr(phonenumberutil, name) for name in _phone_plan.MIRRORED_CONSTANTS)


def test_phone_default_country_broadcast_and_errors() -> None:
    phones = pl.Series(["020 7946 0000", "+33 1 23 45 67 89", None])
    got = normalise_phones(phones, pl.Series(["GB"]), min_group_rows=0)
    assert got.get_column("phone_e164").to_list() == ["+442079460000", "+33123456789", None]
    with pytest.raises(ValueError, match="default_country"):
        normalise_phones(phones, pl.Series(["GB", "FR"]))
    assert normalise_phones(pl.Series([], dtype=pl.String), pl.Series([], dtype=pl.String)).height == 0


@pytest.mark.parametrize("region", sorted(phonenumbers.SUPPORTED_REGIONS))
def test_every_metadata_pattern_compiles_for_polars(region: str) -> None:
    plan = _phone_plan.plan_for(region)
    assert plan is not None
    patterns = [d.pattern for d in (plan.general, plan.fixed_line, plan.mobile, *plan.others) if d.pattern]
    probe = pl.Series(["0123456789"])
    for pattern in patterns:
        probe.str.contains(_phone_plan.full(pattern))
    for head in (plan.national_prefix_for_parsing, plan.international_prefix, plan.leading_digits):
        if head:
            probe.str.contains(_phone_plan.prefix(head))
