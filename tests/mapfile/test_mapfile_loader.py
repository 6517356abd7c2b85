"""YAML parsing with positions: both PyYAML loaders agree, repeated keys are caught."""

from __future__ import annotations

import pytest
import yaml

from journeymap.mapfile import MapFileError
from journeymap.mapfile.loader import SafeLoader, parse_yaml
from journeymap.mapfile.positions import format_path, locate, position_in_scalar

LOADERS = [yaml.SafeLoader] + ([yaml.CSafeLoader] if yaml.__with_libyaml__ else [])


def test_the_fast_loader_is_used_when_pyyaml_has_libyaml() -> None:
    expected = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
    assert SafeLoader is expected


@pytest.mark.parametrize("loader", LOADERS, ids=lambda loader: loader.__name__)
@pytest.mark.parametrize(
    ("text", "line", "column", "hint"),
    [
        ("a:\n  b: c: d\n", 2, 7, "in quotes"),
        ("a:\n\tb: 1\n", 2, 1, "tabs"),
        ("a: [1, 2\nb: 3\n", 2, 2, "bracket"),
        ("a:\n  b: 1\n c: 2\n", 3, 2, "indentation"),
        ("a: 1\n---\nb: 2\n", 2, 1, "one YAML document"),
        ("a: 'x\n", 2, 1, "Close the quote"),
        ("a: *x\n", 1, 4, "anchor"),
        ("a: 2023-13-01\n", 1, 4, "YYYY-MM-DD"),
    ],
)
def test_both_loaders_report_syntax_errors_at_the_same_place(
    loader: type[yaml.SafeLoader], text: str, line: int, column: int, hint: str
) -> None:
    with pytest.raises(MapFileError) as raised:
        parse_yaml(text, file="m.yaml", loader=loader)

    [problem] = raised.value.problems
    assert (problem.file, problem.line, problem.column) == ("m.yaml", line, column)
    assert hint in problem.hint


@pytest.mark.parametrize("loader", LOADERS, ids=lambda loader: loader.__name__)
def test_every_repeated_key_is_found_at_every_depth(loader: type[yaml.SafeLoader]) -> None:
    text = """\
name: a
journeys:
  - id: j
    stages:
      - {id: s, id: t}
    id: k
name: b
"""
    parsed = parse_yaml(text, file="m.yaml", loader=loader)

    found = [(p.line, p.column, p.path) for p in parsed.duplicate_keys]
    assert found == [
        (5, 17, "journeys[0].stages[0].id"),
        (6, 5, "journeys[0].id"),
        (7, 1, "name"),
    ]
    assert parsed.data["name"] == "b"  # what PyYAML would silently have kept


def test_merge_keys_and_aliases_are_not_repeated_keys() -> None:
    text = "base: &base {name: P}\npersonas:\n  - <<: *base\n    id: p\n  - *base\n"

    parsed = parse_yaml(text, file="m.yaml")

    assert parsed.duplicate_keys == []
    assert parsed.data["personas"][0] == {"name": "P", "id": "p"}


def test_an_explicit_key_wins_over_a_merged_one_when_locating() -> None:
    text = "base: &base {name: P}\nperson:\n  <<: *base\n  name: Q\n"
    parsed = parse_yaml(text, file="m.yaml")
    assert parsed.root is not None

    target = locate(parsed.root, ("person", "name"))

    assert (target.node.start_mark.line, target.node.value) == (3, "Q")


def test_locate_reports_the_part_of_a_path_the_file_does_not_have() -> None:
    parsed = parse_yaml("personas:\n  - id: p\n", file="m.yaml")
    assert parsed.root is not None

    target = locate(parsed.root, ("personas", 0, "name"))

    assert target.missing == ("name",)
    assert target.node.start_mark.line == 1  # the mapping that lacks it


def test_format_path_reads_like_python() -> None:
    assert format_path(("journeys", 0, "stages", 2, "emotion", "score")) == (
        "journeys[0].stages[2].emotion.score"
    )
    assert format_path(("personas", 0, "attributes", "age band", "[key]")) == (
        "personas[0].attributes['age band']"
    )
    assert format_path(()) == ""


@pytest.mark.parametrize(
    ("source", "offset", "column"),
    [
        ("a: plain text here\n", 6, 10),
        ("a: 'it''s here'\n", 5, 11),  # the h
        ('a: "tab\\there"\n', 4, 10),
        ('a: "\\x41\\u0042\\U00000043 here"\n', 4, 26),  # the h
        ("a: >-\n  folded\n  text\n", 7, 4),  # more than one line: the scalar's start
    ],
)
@pytest.mark.parametrize("loader", LOADERS, ids=lambda loader: loader.__name__)
def test_position_in_scalar_follows_quotes_and_escapes(
    loader: type[yaml.SafeLoader], source: str, offset: int, column: int
) -> None:
    parsed = parse_yaml(source, file="m.yaml", loader=loader)
    assert parsed.root is not None
    node = locate(parsed.root, ("a",)).node

    assert position_in_scalar(node, source, offset) == (1, column)
