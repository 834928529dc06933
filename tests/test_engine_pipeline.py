"""The engine is the pipeline its docstring describes, and what differs by country is rule data.

Every step has the one signature ``(facts, rulebase, draft) -> None``; the order is declared in
``PIPELINES`` and walked by ``run``; a step that settles a decision marks the draft final instead of
returning early. The UK GDPR and the CCPA come from ``overlays.toml`` (``[gdpr.regime_by_country]``,
``[regions.*]``), so a tenant's override file changes them, and the keys of earlier versions are
refused with where they moved. Decisions themselves are covered, unchanged, by the acceptance tests
(``test_rules_overlays.py``, ``test_north_america.py``, ``test_citations.py``) and the batch path's
agreement (``test_batch_consistency.py``).
"""

from __future__ import annotations

import ast
import inspect
import re
import typing
from dataclasses import replace
from pathlib import Path

import pytest

from lawfulreach.domain import engine
from lawfulreach.domain.engine import PIPELINES, Draft, Step, decide, explain, pipeline_for, run
from lawfulreach.domain.facts import Facts
from lawfulreach.domain.rulebase import RuleBase
from lawfulreach.domain.vocabulary import (
    AddressKind,
    AddressStatus,
    Channel,
    ConsentStatus,
    LiaStatus,
    Purpose,
    ReasonCode,
    Requirement,
    SubscriberType,
)
from lawfulreach.errors import RuleBaseError
from lawfulreach.rules import default_rulebase, load_rulebase


def email(country: str | None, region: str | None = None, **changes: object) -> Facts:
    """A corporate, named, valid email with a passed LIA: allowed wherever the cell allows opt-out."""
    base = Facts(
        channel=Channel.EMAIL,
        jurisdiction=country,
        region=region,
        email_status=AddressStatus.VALID,
        address_kind=AddressKind.PERSONAL,
        has_name=True,
        subscriber_type=SubscriberType.CORPORATE,
        lia=LiaStatus.PASSED,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def rules(tmp_path: Path, text: str, name: str = "mine.toml") -> RuleBase:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_rulebase([path])


def all_steps() -> list[Step]:
    return list(dict.fromkeys(step for by_channel in PIPELINES.values() for seq in by_channel.values() for step in seq))


class TestOneSignature:
    """Every step reads the facts and the rule base and adds to the draft; nothing else is passed."""

    @pytest.mark.parametrize("step", all_steps(), ids=lambda s: s.__name__)
    def test_every_declared_step_has_the_step_signature(self, step: Step) -> None:
        params = list(inspect.signature(step).parameters.values())
        assert len(params) == 3
        assert all(p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD and p.default is p.empty for p in params)
        hints = typing.get_type_hints(step, vars(engine))
        assert [hints[p.name] for p in params] == [Facts, RuleBase, Draft]
        assert hints["return"] is type(None)

    def test_every_step_function_is_in_a_sequence(self) -> None:
        """A ``*_step`` function no pipeline names would be a rule that never runs."""
        defined = {name for name, obj in vars(engine).items() if inspect.isfunction(obj) and name.endswith("_step")}
        assert defined == {s.__name__ for s in all_steps()}

    def test_draft_and_the_sequence_are_public(self) -> None:
        assert {"Draft", "Step", "PIPELINES", "run", "pipeline_for", "decide", "explain"} <= set(engine.__all__)
        assert Draft.__doc__
        assert PIPELINES
        assert run.__doc__


class TestDeclaredSequence:
    """The order is data: one tuple per purpose and channel, walked by ``run``."""

    def test_every_purpose_and_channel_has_a_sequence(self) -> None:
        assert set(PIPELINES) == set(Purpose)
        for by_channel in PIPELINES.values():
            assert set(by_channel) == set(Channel)

    def test_what_each_channel_runs(self) -> None:
        names = {ch: [s.__name__ for s in PIPELINES[Purpose.MARKETING][ch]] for ch in Channel}
        assert [ch for ch in Channel if "_dnc_step" in names[ch]] == [Channel.CALL]
        assert "_permission_step" not in names[Channel.POST]
        assert "_post_step" in names[Channel.POST]
        for seq in names.values():
            # The screens before the cell; requirements and basis last.
            assert seq.index("_erasure_step") < seq.index("_jurisdiction_step")
            assert seq[-2:] == ["_requirements_step", "_basis_step"]
        call = names[Channel.CALL]
        assert call.index("_permission_step") < call.index("_dnc_step") < call.index("_consent_gate_step")

    def test_service_messages_skip_the_marketing_screens(self) -> None:
        service = {s.__name__ for s in PIPELINES[Purpose.SERVICE][Channel.EMAIL]}
        assert not service & {"_suppression_step", "_permission_step", "_basis_step", "_rule_step"}
        assert pipeline_for(email("GB", purpose=Purpose.SERVICE)) == PIPELINES[Purpose.SERVICE][Channel.EMAIL]

    def test_a_final_step_stops_the_walk(self) -> None:
        def settles(facts: Facts, rulebase: RuleBase, draft: Draft) -> None:
            draft.add(ReasonCode.JURISDICTION_UNKNOWN, "settled", "here")
            draft.final = True

        def never(facts: Facts, rulebase: RuleBase, draft: Draft) -> None:
            raise AssertionError("a step after a final one ran")

        draft = run(email("DE"), default_rulebase(), (settles, never))
        assert draft.final
        assert [r.code for r in draft.reasons] == [ReasonCode.JURISDICTION_UNKNOWN]

    @pytest.mark.parametrize(
        ("facts", "last"),
        [
            (email(None), "_jurisdiction_step"),
            (email("AQ"), "_no_rule_step"),
            (email("DE", subscriber_type=SubscriberType.INDIVIDUAL), "_consent_gate_step"),
        ],
        ids=["no country", "no rule", "consent required"],
    )
    def test_settling_steps_replace_the_early_returns(self, facts: Facts, last: str) -> None:
        """No country, no rule and missing consent settle the decision: nothing after them runs
        (no requirements, no LIA reason), as the early returns did."""
        seen: list[str] = []
        wrapped = tuple(_recording(step, seen) for step in pipeline_for(facts))
        draft = run(facts, default_rulebase(), wrapped)
        assert draft.final
        assert seen[-1] == last
        assert draft.requirements == []
        assert draft.basis is None

    def test_run_is_what_decide_finishes(self) -> None:
        facts = email("US", region="US-CA")
        assert run(facts, default_rulebase()).finish() == decide(facts, default_rulebase())
        assert explain(facts, default_rulebase())[1] == run(facts, default_rulebase()).trace


def _recording(step: Step, seen: list[str]) -> Step:
    def recorded(facts: Facts, rulebase: RuleBase, draft: Draft) -> None:
        seen.append(step.__name__)
        step(facts, rulebase, draft)

    return recorded


class TestNoCountryInCode:
    """Country specifics are rule data: the engine compares no value with a country or region code."""

    def test_engine_compares_nothing_with_a_country_code(self) -> None:
        tree = ast.parse(Path(engine.__file__).read_text(encoding="utf-8"))
        codes = [
            node.value
            for cmp in ast.walk(tree)
            if isinstance(cmp, ast.Compare)
            for node in ast.walk(cmp)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and re.fullmatch(r"[A-Z]{2}(-[A-Z0-9]{1,3})?", node.value)
        ]
        assert codes == []


class TestRegimeByCountry:
    """``[gdpr.regime_by_country]`` names a GDPR-area country's own regime; ``gdpr.regime_eu`` the rest."""

    def test_shipped_regimes(self) -> None:
        rb = default_rulebase()
        assert rb.overlays.gdpr_regime("GB") == "UK GDPR"
        assert rb.overlays.gdpr_regime("DE") == "GDPR"
        assert decide(email("GB"), rb).regimes[0] == "UK GDPR"
        assert decide(email("DE"), rb).regimes[0] == "GDPR"
        assert "GDPR" not in decide(email("US"), rb).regimes

    def test_an_override_changes_the_outcome(self, tmp_path: Path) -> None:
        rb = rules(tmp_path, '[gdpr.regime_by_country]\nIE = "GDPR + Data Protection Act 2018 (IE)"\n')
        assert decide(email("IE"), rb).regimes[0] == "GDPR + Data Protection Act 2018 (IE)"
        assert decide(email("GB"), rb).regimes[0] == "UK GDPR"  # the shipped entry is kept (deep merge)
        assert decide(email("DE"), rb).regimes[0] == "GDPR"

    def test_the_default_is_overridable_too(self, tmp_path: Path) -> None:
        rb = rules(tmp_path, '[gdpr]\nregime_eu = "EU GDPR"\n')
        assert (decide(email("FR"), rb).regimes[0], decide(email("GB"), rb).regimes[0]) == ("EU GDPR", "UK GDPR")

    def test_a_country_outside_the_gdpr_area_is_refused(self, tmp_path: Path) -> None:
        with pytest.raises(RuleBaseError, match=r"gdpr\.regime_by_country: \['US'\] not in the GDPR area"):
            rules(tmp_path, '[gdpr.regime_by_country]\nUS = "GDPR"\n')


class TestRegions:
    """``[regions.<ISO 3166-2>]``: a regime and requirements any subdivision adds to its country."""

    def test_shipped_california(self) -> None:
        rb = default_rulebase()
        region = rb.overlays.region("US-CA")
        assert region is not None
        assert region.regime == "US-CA:CCPA"
        assert region.requires == (Requirement.PRIVACY_NOTICE,)
        assert rb.overlays.region("US-NY") is None
        assert rb.overlays.region(None) is None
        ca = decide(email("US", region="US-CA"), rb)
        assert "US-CA:CCPA" in ca.regimes
        assert Requirement.PRIVACY_NOTICE in ca.requirements
        ny = decide(email("US", region="US-NY"), rb)
        assert "US-CA:CCPA" not in ny.regimes
        assert Requirement.PRIVACY_NOTICE not in ny.requirements

    def test_a_new_region_is_data(self, tmp_path: Path) -> None:
        rb = rules(tmp_path, '[regions.US-VA]\nregime = "US-VA:VCDPA"\nrequires = ["privacy_notice"]\n')
        va = decide(email("US", region="US-VA"), rb)
        assert va.regimes[-1] == "US-VA:VCDPA"
        assert Requirement.PRIVACY_NOTICE in va.requirements
        assert "US-CA:CCPA" in decide(email("US", region="US-CA"), rb).regimes  # shipped region kept

    def test_an_override_of_a_shipped_region_changes_the_outcome(self, tmp_path: Path) -> None:
        rb = rules(
            tmp_path, '[regions.US-CA]\nregime = "US-CA:CPRA"\nrequires = ["privacy_notice", "postal_address"]\n'
        )
        d = decide(email("US", region="US-CA"), rb)
        assert "US-CA:CPRA" in d.regimes
        assert "US-CA:CCPA" not in d.regimes
        assert Requirement.POSTAL_ADDRESS in d.requirements

    def test_a_region_on_a_refused_decision_still_names_its_regime(self) -> None:
        d = decide(email("US", region="US-CA", email_status=AddressStatus.INVALID), default_rulebase())
        assert "US-CA:CCPA" in d.regimes
        assert d.requirements == ()

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ('[regions.US-VA]\nregime = "x"\nrequire = []\n', "regions.US-VA: unknown key(s) ['require']"),
            ('[regions.CALIFORNIA]\nregime = "x"\nrequires = []\n', "is not an ISO 3166-2 code"),
            ('[regions.US-VA]\nregime = " "\nrequires = []\n', "regions.US-VA.regime must not be empty"),
            ('[regions.US-VA]\nregime = "x"\nrequires = ["privacy"]\n', "'regions.US-VA.requires'"),
            ('[regions.US-VA]\nregime = "x"\n', "missing key 'regions.US-VA.requires'"),
        ],
    )
    def test_bad_region_data_is_refused(self, tmp_path: Path, text: str, message: str) -> None:
        with pytest.raises(RuleBaseError, match=re.escape(message)):
            rules(tmp_path, text)


class TestMovedKeys:
    """An override file written for an earlier version says where its setting went, never silently nothing."""

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            (
                '[gdpr]\nregime_gb = "UK GDPR (amended)"\n',
                'the key gdpr.regime_gb is no longer read; it moved to [gdpr.regime_by_country] as GB = "…"',
            ),
            (
                '[us_ca]\nregion = "US-CA"\nregime = "US-CA:CPRA"\n',
                "the [us_ca] section is no longer read; its settings moved to [regions.US-CA]",
            ),
            ('us_ca.requires = ["privacy_notice"]\n', "moved to [regions.US-CA]"),
        ],
    )
    def test_old_keys_are_refused_with_the_new_key(self, tmp_path: Path, text: str, message: str) -> None:
        path = tmp_path / "old.toml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(RuleBaseError) as info:
            load_rulebase([path])
        assert str(info.value).startswith(f"{path}: ")
        assert message in str(info.value)

    def test_the_shipped_data_uses_none_of_them(self) -> None:
        overlays = default_rulebase().overlays
        assert overlays.gdpr_regime_by_country == {"GB": "UK GDPR"}
        assert set(overlays.regions) == {"US-CA"}


def test_consent_on_file_is_unchanged_by_the_pipeline() -> None:
    """One end-to-end reading through ``explain``: the cell's trace line and the consent basis."""
    facts = email(
        "DE",
        subscriber_type=SubscriberType.INDIVIDUAL,
        consent_status=ConsentStatus.CONFIRMED,
        consent_channel_ok=True,
        consent_purpose_ok=True,
    )
    decision, trace = explain(facts, default_rulebase())
    assert decision.outcome.value == "allowed"
    assert decision.basis is not None
    assert decision.basis.value == "consent"
    assert any(line.startswith("Germany, email_third_party:") for line in trace)
