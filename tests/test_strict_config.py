"""Strict configuration files (issue 11): rule overrides and campaigns refuse what they do not know.

A typo in a configuration file is a rule the user believes is in force and is not, so unknown keys,
tables and columns are errors naming the file, the line and the nearest valid name; an override row
keeps the shipped values it does not set (its regime above all).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lawfulreach.cli.app import main
from lawfulreach.commands import load_campaign
from lawfulreach.domain.rulebase import Column, Level
from lawfulreach.errors import CampaignError, RuleBaseError
from lawfulreach.rules import default_rulebase, load_rulebase
from lawfulreach.strict_config import key_lines


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


class TestOverlayOverrides:
    def test_unknown_table_names_line_and_nearest(self, tmp_path: Path) -> None:
        path = write(tmp_path, "mine.toml", "# my ages\n\n[dnc.max_age_dayz]\nTPS = 14\n")
        with pytest.raises(RuleBaseError) as info:
            load_rulebase([path])
        assert str(info.value) == f"{path}: unknown table dnc.max_age_dayz at line 3; did you mean dnc.max_age_days?"

    def test_unknown_keys_everywhere_are_all_listed(self, tmp_path: Path) -> None:
        text = '[gdpr]\nregime_ue = "EU GDPR"\n\n[citation]\nopt_out = "x"\n\n[dnc]\ndefault_max_age = 20\n'
        with pytest.raises(RuleBaseError) as info:
            load_rulebase([write(tmp_path, "mine.toml", text)])
        message = str(info.value)
        assert "unknown key gdpr.regime_ue at line 2; did you mean gdpr.regime_eu?" in message
        assert "unknown table citation at line 4; did you mean citations?" in message
        assert "unknown key dnc.default_max_age at line 8; did you mean dnc.default_max_age_days?" in message

    def test_dotted_and_quoted_keys(self, tmp_path: Path) -> None:
        path = write(tmp_path, "mine.toml", 'dnc.max_age_dayz."US NATIONAL DNC" = 20\n')
        with pytest.raises(RuleBaseError, match=r"unknown table dnc\.max_age_dayz at line 1"):
            load_rulebase([path])
        path = write(tmp_path, "ok.toml", '[dnc.max_age_days]\n"National DNC" = 20\nBLOCTEL = 30\n')
        overlays = load_rulebase([path]).overlays
        assert (overlays.max_age_days("national dnc"), overlays.max_age_days("Bloctel")) == (20, 30)

    def test_known_values_and_open_tables_still_load(self, tmp_path: Path) -> None:
        text = (
            "[requirements.US]\nconsent_drops = []\n\n"
            '[dnc.known_registers]\nDE = ["Robinsonliste"]\nGB = ["TPS", "CTPS", "Mine"]\n'
        )
        overlays = load_rulebase([write(tmp_path, "mine.toml", text)]).overlays
        assert overlays.country_requirements["US"]["consent_drops"] == ()
        assert overlays.dnc_known_registers["DE"] == ("Robinsonliste",)
        assert overlays.dnc_known_registers["GB"] == ("TPS", "CTPS", "Mine")
        assert default_rulebase().overlays.dnc_known_registers["US"] == ("National DNC",)

    def test_key_lines_skip_multiline_strings(self) -> None:
        text = '[citations]\nopt_out = """\nfake = 1\n"""\n[dnc]\nx = 1\n'
        lines = key_lines(text)
        assert lines[("citations", "opt_out")] == 2
        assert ("citations", "fake") not in lines
        assert lines[("dnc", "x")] == 6


class TestCsvOverrides:
    def test_unknown_column_with_nearest(self, tmp_path: Path) -> None:
        path = write(tmp_path, "mine.csv", "country,channel,level,citaton\nGB,call,opt_in,x\n")
        with pytest.raises(RuleBaseError) as info:
            load_rulebase([path])
        assert str(info.value) == f"{path}, row 1: unknown column 'citaton'; did you mean citation?"

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("", "the file is empty"),
            ("country,channel,level,level\nGB,call,opt_in,opt_in\n", "['level'] appear more than once"),
            ("country,channel,level\nGB,call,opt_in,extra\n", "row 2: more fields than the header's 3"),
        ],
    )
    def test_malformed_files(self, tmp_path: Path, text: str, message: str) -> None:
        with pytest.raises(RuleBaseError, match=message.replace("[", r"\[").replace("]", r"\]")):
            load_rulebase([write(tmp_path, "mine.csv", text)])

    def test_override_keeps_regime_and_unset_fields(self, tmp_path: Path) -> None:
        shipped = default_rulebase().rule("GB", Column.CALL)
        assert shipped is not None
        rule = load_rulebase([write(tmp_path, "mine.csv", "country,channel,level\nGB,call,opt_in\n")]).rule(
            "GB", Column.CALL
        )
        assert rule is not None
        assert rule.level is Level.OPT_IN
        assert (rule.regime, rule.citation, rule.dnc_check) == (shipped.regime, shipped.citation, shipped.dnc_check)
        assert rule.regime == "GB:PECR"

    def test_empty_cells_keep_and_set_cells_replace(self, tmp_path: Path) -> None:
        text = "country,channel,level,regime,citation\nGB,call,,GB:Mine,My reading of PECR reg. 21\n"
        rule = load_rulebase([write(tmp_path, "mine.csv", text)]).rule("GB", Column.CALL)
        assert rule is not None
        assert (rule.level, rule.regime, rule.citation) == (Level.OPT_OUT, "GB:Mine", "My reading of PECR reg. 21")

    def test_none_clears_an_optional_level(self, tmp_path: Path) -> None:
        shipped = default_rulebase().rule("IE", Column.CALL)
        assert shipped is not None
        assert shipped.mobile_level is not None
        path = write(tmp_path, "mine.csv", "country,channel,mobile_level\nIE,call,none\n")
        rule = load_rulebase([path]).rule("IE", Column.CALL)
        assert rule is not None
        assert rule.mobile_level is None
        assert rule.regime == shipped.regime

    def test_a_new_country_still_needs_level_and_citation(self, tmp_path: Path) -> None:
        path = write(tmp_path, "mine.csv", "country,channel,level\nCH,call,opt_out\n")
        with pytest.raises(RuleBaseError, match=r"row 2: missing column\(s\) \['citation'\]"):
            load_rulebase([path])

    def test_later_override_files_build_on_earlier_ones(self, tmp_path: Path) -> None:
        first = write(tmp_path, "a.csv", "country,channel,level,citation\nCH,call,opt_out,Switzerland: UWG Art. 3\n")
        second = write(tmp_path, "b.csv", "country,channel,level\nCH,call,opt_in\n")
        rule = load_rulebase([first, second]).rule("CH", Column.CALL)
        assert rule is not None
        assert (rule.level, rule.citation) == (Level.OPT_IN, "Switzerland: UWG Art. 3")


class TestCampaignFiles:
    def test_unknown_key_names_line_and_nearest(self, tmp_path: Path) -> None:
        path = write(tmp_path, "c.toml", 'name = "Q1"\nlai = "passed"\n')
        with pytest.raises(CampaignError) as info:
            load_campaign(path)
        assert str(info.value) == f"{path}: unknown key lai at line 2; did you mean lia?"

    def test_unknown_table(self, tmp_path: Path) -> None:
        path = write(tmp_path, "c.toml", 'name = "Q1"\n\n[campaign]\nlia = "passed"\n')
        with pytest.raises(CampaignError, match="unknown table campaign at line 3"):
            load_campaign(path)

    @pytest.mark.parametrize("text", ["", "# nothing yet\n\n"])
    def test_empty_campaign_file_is_an_error(self, tmp_path: Path, text: str) -> None:
        with pytest.raises(CampaignError, match="the campaign file is empty"):
            load_campaign(write(tmp_path, "c.toml", text))

    def test_a_good_campaign_still_loads(self) -> None:
        sample = Path(__file__).parents[1] / "src" / "lawfulreach" / "sample" / "data" / "campaign.toml"
        campaign, _ = load_campaign(sample)
        assert campaign.legal_entity == "Northwind Analytics Ltd"


def test_cli_reports_the_override_typo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "mine.toml", "[dnc.max_age_dayz]\nTPS = 14\n")
    with pytest.raises(SystemExit) as exit_info:
        main(["--rules", str(path), "rules", "show", "GB"])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "unknown table dnc.max_age_dayz at line 1; did you mean dnc.max_age_days?" in err
    assert "Traceback" not in err
