"""The legitimate interests assessment as pure logic: the ICO template's questions, the scoring rules
as data, outcomes with every reason, fail-closed on unanswered questions, review dates, messages."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, date, datetime
from importlib import resources

import pytest

from lawfulreach.commands.lia import parse_answers
from lawfulreach.domain.engine import decide
from lawfulreach.domain.facts import Facts
from lawfulreach.domain.lia import Answer, LiaOutcome, assess, parse_questionnaire, review_due, status_note
from lawfulreach.domain.model import LiaAssessmentRef
from lawfulreach.domain.vocabulary import (
    AddressKind,
    AddressStatus,
    Channel,
    LiaStatus,
    ReasonCode,
    Source,
    SubscriberType,
)
from lawfulreach.errors import InputError, RuleBaseError
from lawfulreach.rules import default_rulebase
from lawfulreach.rules.lia import default_questionnaire
from lia_support import PASSING, answers, toml

Q = default_questionnaire()


def codes(given: Mapping[str, Answer]) -> tuple[LiaOutcome, list[str]]:
    result = assess(Q, given)
    return result.outcome, [f.code for f in result.findings]


class TestQuestionnaire:
    """The questions follow the ICO template's three tests and conclusion; every rule cites the law."""

    def test_sections_in_the_ico_order(self) -> None:
        assert [s.id for s in Q.sections] == ["purpose", "necessity", "balancing", "conclusion"]
        assert all(Q.in_section(s.id) for s in Q.sections)

    @pytest.mark.parametrize(
        ("section", "topics"),
        [
            ("purpose", ["interest", "benefit", "third_party", "ethical"]),
            ("necessity", ["achieves", "proportionate", "less_intrusive", "minimised"]),
            (
                "balancing",
                [
                    "special_category",
                    "capacity",
                    "relationship",
                    "data_source",
                    "privacy_notice",
                    "reasonably_expected",
                    "profiling",
                    "large_scale",
                    "impact",
                    "opt_out",
                    "vulnerable",
                ],
            ),
            ("conclusion", ["summary"]),
        ],
    )
    def test_every_topic_of_the_template_is_asked(self, section: str, topics: list[str]) -> None:
        ids = [q.id for q in Q.in_section(section)]
        for topic in topics:
            assert any(topic in i for i in ids), (section, topic, ids)

    def test_every_rule_cites_law_or_guidance_never_a_project_document(self) -> None:
        cited = [r.citation for r in Q.rules] + [s.citation for s in Q.sections] + [Q.passed[1], Q.unanswered[1]]
        for citation in cited:
            assert re.search(r"GDPR|ICO|Regulations", citation), citation
            assert not re.search(r"seed|spec\b|\.toml|\.txt", citation, re.I), citation
        by_rule = {r.id: r.citation for r in Q.rules}
        assert "Art. 9" in by_rule["special_category_data"]
        assert "Art. 21" in by_rule["no_opt_out"]
        assert "Art. 14" in by_rule["no_privacy_notice"]
        assert "Recital 75" in by_rule["vulnerable_people"]

    def test_a_rule_on_an_unknown_question_is_refused(self) -> None:
        doc = tomllib.loads(resources.files("lawfulreach.rules").joinpath("data", "lia.toml").read_text("utf-8"))
        doc["rules"][0]["question"] = "purpose.nope"
        with pytest.raises(RuleBaseError, match=r"unknown question 'purpose\.nope'"):
            parse_questionnaire(doc)
        doc["rules"][0]["question"] = "balancing.capacity"
        doc["rules"][0]["values"] = ["sometimes"]
        with pytest.raises(RuleBaseError, match="not an answer"):
            parse_questionnaire(doc)


class TestScoring:
    """Answers from the ICO template's questions that pass, fail and need review."""

    def test_a_sound_b2b_campaign_passes(self) -> None:
        outcome, found = codes(PASSING)
        assert (outcome, found) == (LiaOutcome.PASSED, ["passed"])

    @pytest.mark.parametrize(
        ("change", "code"),
        [
            ({"balancing__special_category_data": True}, "special_category_data"),
            ({"balancing__opt_out_in_every_message": False}, "no_opt_out"),
            ({"balancing__vulnerable_people": True}, "vulnerable_people"),
            ({"balancing__capacity": "private"}, "private_capacity"),
            ({"purpose__lawful_and_ethical": False}, "not_lawful_or_ethical"),
            ({"necessity__achieves_purpose": False}, "does_not_achieve_purpose"),
            ({"balancing__objections_honoured": False}, "objections_not_honoured"),
        ],
    )
    def test_fails(self, change: dict[str, object], code: str) -> None:
        outcome, found = codes(answers(**change))  # type: ignore[arg-type]
        assert outcome is LiaOutcome.FAILED
        assert found == [code]

    @pytest.mark.parametrize(
        ("change", "code"),
        [
            ({"balancing__privacy_notice_given": False}, "no_privacy_notice"),
            ({"balancing__data_source": "unknown"}, "source_unknown"),
            ({"necessity__less_intrusive_alternative": True}, "less_intrusive_alternative"),
            ({"necessity__data_minimised": False}, "data_not_minimised"),
            ({"balancing__capacity": "mixed"}, "mixed_capacity"),
            ({"balancing__likely_impact": "significant"}, "significant_impact"),
            ({"balancing__profiling": True}, "profiling"),
        ],
    )
    def test_needs_review(self, change: dict[str, object], code: str) -> None:
        outcome, found = codes(answers(**change))  # type: ignore[arg-type]
        assert outcome is LiaOutcome.NEEDS_REVIEW
        assert found == [code]

    def test_every_reason_is_listed_failures_first(self) -> None:
        given = answers(
            balancing__privacy_notice_given=False,
            balancing__special_category_data=True,
            balancing__opt_out_in_every_message=False,
        )
        result = assess(Q, given)
        assert result.outcome is LiaOutcome.FAILED
        assert [f.code for f in result.findings] == ["special_category_data", "no_opt_out", "no_privacy_notice"]
        assert all(f.message and f.citation for f in result.findings)

    def test_unanswered_required_questions_never_pass(self) -> None:
        """Fail closed: an empty questionnaire needs review, one finding per required question."""
        result = assess(Q, {})
        required = [q.id for q in Q.questions if q.required]
        assert result.outcome is LiaOutcome.NEEDS_REVIEW
        assert [f.question for f in result.findings] == required
        assert "not answered" in result.findings[0].message
        outcome, found = codes(answers(balancing__opt_out_in_every_message=None))
        assert (outcome, found) == (LiaOutcome.NEEDS_REVIEW, ["unanswered"])
        # optional questions may stay empty
        assert codes(answers(purpose__third_party_benefit=None, balancing__other_safeguards=None))[0] is (
            LiaOutcome.PASSED
        )


class TestAnswersFile:
    """An answers file is read strictly: unknown ids and bad values are one line naming the line."""

    def parse(self, text: str) -> dict[str, object]:
        return dict(parse_answers(tomllib.loads(text), text, "a.toml", Q))

    def test_round_trip(self) -> None:
        assert self.parse(toml(PASSING)) == PASSING

    def test_yes_and_no_are_accepted_for_yes_no_questions(self) -> None:
        assert self.parse('[balancing]\nprofiling = "No"\nlarge_scale = "yes"\n') == {
            "balancing.profiling": False,
            "balancing.large_scale": True,
        }

    def test_an_unknown_question_names_its_line_and_the_nearest_id(self) -> None:
        with pytest.raises(InputError) as info:
            self.parse('[purpose]\ninterest = "x"\n\n[balancing]\nopt_out_in_every_mesage = true\n')
        message = str(info.value)
        assert "\n" not in message
        assert "balancing.opt_out_in_every_mesage at line 5" in message
        assert "did you mean balancing.opt_out_in_every_message" in message

    def test_an_unknown_section_is_refused(self) -> None:
        with pytest.raises(InputError, match="unknown table necesity at line 1"):
            self.parse("[necesity]\nproportionate = true\n")

    def test_bad_values_name_their_lines(self) -> None:
        with pytest.raises(InputError) as info:
            self.parse('[balancing]\ncapacity = "sometimes"\nprofiling = 3\n')
        message = str(info.value)
        assert "\n" not in message
        assert "line 2: balancing.capacity = 'sometimes' is not one of professional, mixed, private" in message
        assert "line 3: balancing.profiling = 3 is not yes or no" in message


class TestReviewAndMessages:
    def test_review_date_is_months_after_approval(self) -> None:
        assert review_due(datetime(2026, 11, 25, 12, tzinfo=UTC), 12) == date(2027, 11, 25)
        assert review_due(datetime(2027, 1, 31, tzinfo=UTC), 1) == date(2027, 2, 28)
        assert review_due(datetime(2027, 12, 1, tzinfo=UTC), 6) == date(2028, 6, 1)

    def test_status_notes(self) -> None:
        base = LiaAssessmentRef("lia_1", 2, LiaStatus.MISSING, "passed")
        assert status_note(None) is None
        assert status_note(base) == "the assessment lia_1 (version 2) passed and is awaiting approval"
        review = LiaAssessmentRef("lia_1", 1, LiaStatus.MISSING, "needs_review")
        assert status_note(review) == "the assessment lia_1 (version 1) needs review"
        expired = LiaAssessmentRef(
            "lia_1", 3, LiaStatus.MISSING, "passed", "Dana", None, date(2027, 11, 25), expired=True
        )
        assert str(status_note(expired)).startswith("the assessment expired on 2027-11-25")
        passed = LiaAssessmentRef("lia_1", 3, LiaStatus.PASSED, "passed", "Dana", None, date(2027, 11, 25))
        assert status_note(passed) is None

    def test_the_engine_says_why_the_lia_is_missing_and_keeps_the_code(self) -> None:
        facts = Facts(
            channel=Channel.EMAIL,
            source=Source.THIRD_PARTY,
            jurisdiction="GB",
            email_status=AddressStatus.VALID,
            address_kind=AddressKind.PERSONAL,
            has_name=True,
            subscriber_type=SubscriberType.CORPORATE,
            lia=LiaStatus.MISSING,
            lia_note="the assessment expired on 2027-11-25 (lia_1 version 3, its review date)",
        )
        decision = decide(facts, default_rulebase())
        reason = next(r for r in decision.reasons if r.code is ReasonCode.LIA_MISSING)
        assert "the assessment expired on 2027-11-25" in reason.message
        plain = decide(replace(facts, lia_note=None), default_rulebase())
        assert next(r for r in plain.reasons if r.code is ReasonCode.LIA_MISSING).message.endswith("assessment.")
