"""Reading and writing pabulib .pb files, and the pb_tally command's handling of bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from participation.tally import PbFormatError, format_money, parse_money, parse_pb, write_pb
from participation.tally.pabulib import PbInstance

REPO = Path(__file__).resolve().parents[2]
REFERENCE = REPO.parent / "shared" / "reference" / "pabulib"
FILES = sorted(REFERENCE.glob("*.pb"))


def read(name: str) -> PbInstance:
    return parse_pb((REFERENCE / name).read_text(encoding="utf-8"))


def test_the_reference_files_are_there() -> None:
    assert len(FILES) >= 14, f"expected the pabulib reference files in {REFERENCE}"


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_every_reference_file_parses_with_its_announced_counts(path: Path) -> None:
    instance = parse_pb(path.read_text(encoding="utf-8"))
    assert len(instance.projects) == int(instance.meta["num_projects"])
    assert len(instance.votes) == int(instance.meta["num_votes"])
    assert instance.budget == parse_money(instance.meta["budget"])
    supporters = Counter(pid for vote in instance.votes for pid, pts in vote.points.items() if pts)
    for project in instance.projects.values():
        # The votes column counts the voters who gave the project something.
        assert int(project.extra["votes"]) == supporters[project.project_id]


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_write_then_parse_gives_back_the_same_instance(path: Path) -> None:
    instance = parse_pb(path.read_text(encoding="utf-8"))
    text = write_pb(instance)
    assert parse_pb(text) == instance
    assert write_pb(parse_pb(text)) == text


def test_toulouse_cumulative_ballots_keep_their_points() -> None:
    instance = read("france_toulouse_2019.pb")
    assert instance.vote_type == "cumulative"
    assert instance.votes[0].voter_id == "0"
    assert instance.votes[0].points == {"15": 2, "22": 2, "25": 2, "10": 1}
    assert instance.votes[1].points == {"6": 3, "25": 2, "5": 1, "22": 1}
    assert all(max(vote.points.values()) <= 3 for vote in instance.votes if vote.points)
    assert max(sum(vote.points.values()) for vote in instance.votes) == 7
    points = Counter()
    for vote in instance.votes:
        points.update(vote.points)
    assert points["1"] == 318  # 215 voters, 318 points
    assert points["4"] == 1090


def test_warsaw_decimal_budgets_are_exact_and_extra_columns_kept() -> None:
    instance = read("poland_warszawa_2017_przyczolek-grochowski.pb")
    assert instance.budget == Fraction("102533.36")
    assert instance.projects["1772"].extra["score"] == "156"
    assert instance.votes[0].extra == {"age": "54", "sex": "F", "voting_method": "internet"}
    assert "key;value" not in write_pb(instance).splitlines()[2:]  # header written once


def test_quoted_names_with_quotes_and_semicolons_survive() -> None:
    instance = read("poland_wieliczka_2023.pb")
    assert instance.projects["81"].name.endswith(
        '"Stok pod Baranem" - wykonane z ekologicznych recyklingowanych materiałów'
    )
    instance.projects["81"].name = 'Park "A"; etap 2'
    assert parse_pb(write_pb(instance)).projects["81"].name == 'Park "A"; etap 2'


SMALL = """META
key;value
budget;100.50
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name;votes
1;60;"Benches; trees";2
2;40.25;Lights;1
VOTES
voter_id;vote;age
a;1,2;30
b;1;
c;;41
"""


def test_bom_crlf_and_an_empty_ballot() -> None:
    text = "\ufeff" + SMALL.replace("\n", "\r\n")
    instance = parse_pb(text)
    assert instance.budget == Fraction("100.5")
    assert instance.projects["1"].name == "Benches; trees"
    assert instance.projects["2"].cost == Fraction("40.25")
    assert [vote.points for vote in instance.votes] == [{"1": 1, "2": 1}, {"1": 1}, {}]
    assert instance.votes[2].extra == {"age": "41"}
    assert parse_pb(write_pb(instance)) == instance


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (SMALL.replace("VOTES\nvoter_id;vote;age\na;1,2;30\nb;1;\nc;;41\n", ""), 9, "VOTES"),
        (SMALL.replace("2;40.25;Lights;1", "2;forty;Lights;1"), 9, "bad cost"),
        (SMALL.replace("2;40.25;Lights;1", "2;-4;Lights;1"), 9, "negative"),
        (SMALL.replace("b;1;", "b;1,7;"), 13, "unknown project '7'"),
        (SMALL.replace("b;1;", "b;1,1;"), 13, "twice"),
        (SMALL.replace("b;1;", "b;1"), 13, "fields"),
        (SMALL.replace("2;40.25;Lights;1", "1;40.25;Lights;1"), 9, "appears twice"),
        (SMALL.replace("budget;100.50\n", ""), 1, "no budget"),
        (SMALL.replace("budget;100.50", "budget;lots"), 3, "bad budget"),
        (SMALL.replace("vote_type;approval", "vote_type;ordinal"), 4, "not supported"),
        (SMALL.replace("vote_type;approval", "vote_type;cumulative"), 11, "points"),
        (SMALL.replace("project_id;cost", "project_id;price"), 7, "'cost'"),
        ("", 1, "META"),
        ("hello\n" + SMALL, 1, "before the META"),
        (SMALL.replace('"Benches; trees"', '"Benches; trees'), 8, "CSV"),
    ],
)
def test_malformed_input_names_the_line(text: str, line: int, words: str) -> None:
    with pytest.raises(PbFormatError) as caught:
        parse_pb(text)
    assert caught.value.line == line, str(caught.value)
    assert str(caught.value).startswith(f"line {line}: ")
    assert words in str(caught.value)


def test_cumulative_points_must_match_and_be_whole() -> None:
    cumulative = SMALL.replace("vote_type;approval", "vote_type;cumulative").replace(
        "voter_id;vote;age\na;1,2;30\nb;1;\nc;;41", "voter_id;vote;points\na;1,2;3,1\nb;1;x\n"
    )
    with pytest.raises(PbFormatError, match="line 13: points 'x' is not a whole number"):
        parse_pb(cumulative)
    good = parse_pb(cumulative.replace("b;1;x", "b;1;2"))
    assert [vote.points for vote in good.votes] == [{"1": 3, "2": 1}, {"1": 2}]
    assert parse_pb(write_pb(good)) == good


def test_money_text() -> None:
    assert parse_money(" 102533.36 ") == Fraction(10253336, 100)
    assert format_money(Fraction(10253336, 100)) == "102533.36"
    assert format_money(Fraction(1, 8)) == "0.125"
    assert format_money(Fraction(-5, 2)) == "-2.5"
    assert format_money(Fraction(80000)) == "80000"
    with pytest.raises(ValueError, match="finite"):
        format_money(Fraction(1, 3))
    with pytest.raises(ValueError, match="finite"):
        parse_money("NaN")


# -- the command's input handling ----------------------------------------------------------------


def test_command_rejects_a_missing_file_with_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot read") as caught:
        call_command("pb_tally", pb_file=str(tmp_path / "nope.pb"), rule="mes", json=True)
    assert caught.value.returncode == 2


def test_command_rejects_a_malformed_file_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.pb"
    path.write_text(SMALL.replace("2;40.25;Lights;1", "2;forty;Lights;1"), encoding="utf-8")
    with pytest.raises(CommandError, match="line 9: bad cost") as caught:
        call_command("pb_tally", pb_file=str(path), rule="greedy")
    assert caught.value.returncode == 2


def test_command_exits_2_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.pb"
    path.write_bytes(b"\xff\xfe not utf-8")
    for target in (path, tmp_path / "missing.pb"):
        done = subprocess.run(
            [sys.executable, "manage.py", "pb_tally", "--pb-file", str(target), "--rule", "mes"],
            cwd=REPO,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test"},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr
        assert "cannot read" in done.stderr


def test_command_prints_json_and_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "small.pb"
    path.write_text(SMALL, encoding="utf-8")
    call_command("pb_tally", pb_file=str(path), rule="greedy", json=True)
    assert json.loads(capsys.readouterr().out) == {
        "selected": ["1", "2"],
        "rule": "greedy",
        "cost": "100.25",
    }
    call_command("pb_tally", pb_file=str(path), rule="mes")
    out = capsys.readouterr().out
    assert "Rule: mes" in out
    assert "Benches; trees" in out
    assert "Total cost:" in out
