"""Broken map files: every problem is reported at its exact line and column, with a fix."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from journeymap.mapfile import LocatedProblem, MapFileError, load_file, load_text, validate_file
from journeymap.mapfile import validate_text as validate

MAPS = Path(__file__).parents[1] / "data" / "maps"


@dataclass(frozen=True)
class Expected:
    file: str
    line: int
    column: int
    message: str
    hint: str
    path: str


CASES = [
    Expected(
        "syntax-error.yaml",
        4,
        14,
        "YAML syntax error: mapping values are not allowed",
        'Put text that contains ": " in quotes',
        "",
    ),
    Expected(
        "duplicate-key.yaml",
        6,
        5,
        "duplicate key 'name' (first at line 4)",
        "YAML keeps only the last value of a repeated key",
        "personas[0].name",
    ),
    Expected(
        "unknown-field.yaml",
        11,
        9,
        "unknown field 'emotin' in a stage",
        "Did you mean 'emotion'?",
        "journeys[0].stages[0].emotin",
    ),
    Expected(
        "emotion-out-of-range.yaml",
        12,
        18,
        "'score' should be less than or equal to 2, got 3",
        "Emotion scores go from -2 (distressed) through 0 (neutral) to +2 (delighted).",
        "journeys[0].stages[0].emotion.score",
    ),
    Expected(
        "duplicate-touchpoint.yaml",
        17,
        17,
        "duplicate touchpoint id 'checkout'",
        "Touchpoint ids must be unique across all stages of a journey.",
        "journeys[0].stages[1].touchpoints[0].id",
    ),
    Expected(
        "evidence-unknown-stage.yaml",
        15,
        16,
        "unknown stage 'checkout'",
        "Use one of: purchase.",
        "journeys[0].evidence[0].stage",
    ),
    Expected(
        "unknown-persona.yaml",
        8,
        14,
        "unknown persona 'samm'",
        "Use one of: sam.",
        "journeys[0].persona",
    ),
    Expected(
        "bad-segment-rule.yaml",
        4,
        43,  # the D of DE inside the rule, not the start of the value (column 14)
        "invalid rule in 'segment': 'DE' is not a literal value",
        'Did you mean the text "DE"? Text values need quotes.',
        "personas[0].segment",
    ),
    Expected(
        "wrong-enum.yaml",
        14,
        22,
        "'channel' should be 'web', 'app', 'email'",
        "Did you mean 'email'? Use one of: web, app, email, phone, store, social, partner, chat, sms, mail, event, other.",
        "journeys[0].stages[0].touchpoints[0].channel",
    ),
    Expected(
        "missing-field.yaml",
        5,
        5,  # the journey mapping that lacks the field
        "a journey is missing the required field 'name'",
        "Add a line `name: ...` to this journey.",
        "journeys[0].name",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.file for case in CASES])
def test_broken_file_reports_line_column_and_hint(case: Expected) -> None:
    path = MAPS / case.file

    problems = validate_file(path)

    assert len(problems) == 1, problems
    [problem] = problems
    assert (problem.file, problem.line, problem.column) == (str(path), case.line, case.column)
    assert problem.message.startswith(case.message), problem.message
    assert case.hint in problem.hint
    assert problem.path == case.path


@pytest.mark.parametrize("case", CASES, ids=[case.file for case in CASES])
def test_loading_a_broken_file_raises_with_the_same_problems(case: Expected) -> None:
    path = MAPS / case.file

    with pytest.raises(MapFileError) as raised:
        load_file(path)

    assert raised.value.problems == validate_file(path)
    assert str(raised.value) == "\n".join(str(problem) for problem in raised.value.problems)


def test_every_pydantic_error_in_a_file_is_reported_in_file_order() -> None:
    problems = validate_file(MAPS / "many-problems.yaml")

    assert [(p.line, p.column, p.path) for p in problems] == [
        (3, 9, "personas[0].id"),
        (6, 17, "personas[0].attributes.knows_us"),
        (10, 11, "teams[0].tier"),
        (18, 17, "journeys[0].stages[0].effort"),
        (19, 26, "journeys[0].stages[0].emotion.score"),
    ]
    assert "try 'sam'" in problems[0].hint
    assert 'Put it in quotes ("yes")' in problems[1].hint
    assert "Use one of: frontline, support, decision_maker, executive." in problems[2].hint
    assert "Use one of: low, medium, high." in problems[3].hint


def test_every_integrity_problem_is_reported() -> None:
    text = """\
personas:
  - {id: sam, name: Sam}
  - {id: sam, name: Sam again}
journeys:
  - id: buy
    name: Buying
    persona: alex
    stages:
      - id: purchase
        name: Purchase
        touchpoints:
          - {id: checkout, name: Checkout, owner_team: payments}
    opportunities:
      - {id: faster, title: Faster checkout, touchpoints: [checkout, chekout]}
"""
    problems = validate(text, file="shop.yaml")

    assert [(p.line, p.column, p.message) for p in problems] == [
        (3, 10, "duplicate persona id 'sam' (first at line 2, column 10)"),
        (7, 14, "unknown persona 'alex'"),
        (12, 56, "unknown team 'payments'"),
        (14, 70, "unknown touchpoint 'chekout'"),
    ]
    assert all(p.file == "shop.yaml" and p.hint for p in problems)


def test_duplicate_keys_are_reported_with_field_errors() -> None:
    text = "personas:\n  - id: sam\n    id: sam\n    name: Sam\n    tier: frontline\n"

    problems = validate(text)

    assert [(p.line, p.column, p.message.split(" (")[0]) for p in problems] == [
        (3, 5, "duplicate key 'id'"),
        (5, 5, "unknown field 'tier' in a persona"),
    ]


def test_extra_ids_from_the_store_resolve_references_in_a_journey_file() -> None:
    path = MAPS / "journey-file.yaml"

    assert [p.message for p in validate_file(path)] == ["unknown team 'payments'"]
    assert validate_file(path, extra_teams=["payments"]) == []
    workspace = load_file(path, extra_teams=["payments"], extra_personas=["alex"])
    assert [journey.id for journey in workspace.journeys] == ["buy"]


@pytest.mark.parametrize(
    ("segment", "column"),
    [
        ('plan == "pro" and country == DE', 43),
        ("'plan == ''pro'' and country == DE'", 46),  # '' is one quote in the value
        ('"plan == \\"pro\\" and country == DE"', 46),  # \" is one quote in the value
        ('"plan == \\u0022pro\\u0022 and country == DE"', 54),
        ('city == "München" and country == DE', 47),  # characters, not UTF-8 bytes
        ('"  plan == \\"pro\\" and country == DE"', 48),  # the parser strips leading blanks
    ],
)
def test_rule_errors_point_inside_a_one_line_rule(segment: str, column: int) -> None:
    text = f"personas:\n  - id: sam\n    name: Sam\n    segment: {segment}\n"

    [problem] = validate(text)

    assert (problem.line, problem.column) == (4, column)
    assert text.splitlines()[3][column - 1 : column + 1] == "DE"


def test_rule_syntax_errors_from_the_tokenizer_point_inside_the_rule() -> None:
    [problem] = validate('personas:\n  - id: sam\n    name: Sam\n    segment: plan == "pro\n')

    assert (problem.line, problem.column) == (4, 22)
    assert "not a valid expression" in problem.message
    assert "Quote text values" in problem.hint


def test_rule_errors_in_a_block_scalar_point_at_the_rule() -> None:
    text = (
        "personas:\n  - id: sam\n    name: Sam\n    segment: >-\n"
        '      plan == "pro"\n      and country == DE\n'
    )

    [problem] = validate(text)

    assert (problem.line, problem.column) == (4, 14)
    assert problem.path == "personas[0].segment"


def test_event_rule_where_and_customer_rule_errors_are_located_too() -> None:
    text = """\
personas: [{id: sam, name: Sam}]
journeys:
  - id: buy
    name: Buying
    persona: sam
    outcomes:
      - id: churned
        name: Churned
        event_rule: {events: [cancelled], where: reason = "price"}
        customer_rule: active is false
"""
    problems = validate(text)

    assert [(p.line, p.column, p.path) for p in problems] == [
        (9, 57, "journeys[0].outcomes[0].event_rule.where"),
        (10, 24, "journeys[0].outcomes[0].customer_rule"),
    ]
    assert "Use == or != instead of is / is not." in problems[1].hint


@pytest.mark.parametrize(
    ("text", "line", "column", "message", "hint"),
    [
        ("", 1, 1, "the map file is empty", "name:"),
        ("# only a comment\n", 1, 1, "the map file is empty", "name:"),
        ("- a\n- b\n", 1, 1, "a map file should be a mapping", "`journeys:`"),
        ("format: 2\n", 1, 9, "unsupported map-file format 2", "write `format: 1`"),
        ("personas: sam\n", 1, 11, "'personas' should be a valid list", "`- item`"),
        ("personas:\n  - id: sam\n    name:\n", 3, 10, "'name' should be a valid string", "after"),
        ("name: Shop\nspeakers: []\n", 2, 1, "unknown field 'speakers'", "Fields of a map file"),
        ("yes: 1\n", 1, 1, "key yes is not text", '("yes")'),
        ("name: a\n\tdescription: b\n", 2, 1, "YAML syntax error", "not allow tabs"),
        ("name: a\x07b\n", 1, 8, "control character U+0007", "escape"),
        ("name: 1\n---\nname: 2\n", 2, 1, "YAML syntax error", "one YAML document"),
        ("name: !!python/object x\n", 1, 7, "could not determine a constructor", "the '!' tag"),
        ("name: *nowhere\n", 1, 7, "YAML syntax error", "Define the anchor"),
        ("name: 'open\n", 2, 1, "YAML syntax error", "Close the quote"),
        ("personas: [{id: a, name: b\n", 2, 1, "YAML syntax error", "bracket"),
    ],
)
def test_document_level_problems(
    text: str, line: int, column: int, message: str, hint: str
) -> None:
    [problem] = validate(text)

    assert (problem.line, problem.column) == (line, column)
    assert message in problem.message
    assert hint in problem.hint


@pytest.mark.parametrize(
    ("snippet", "message", "hint"),
    [
        (
            "    evidence:\n      - {id: e, source: survey, text: t}\n",
            "evidence must name the stage or the touchpoint",
            "Add `stage:` or `touchpoint:`",
        ),
        (
            "    outcomes:\n      - {id: o, name: O}\n",
            "an outcome needs an event_rule, a customer_rule or both",
            "Add an `event_rule:`",
        ),
        (
            "    outcomes:\n      - {id: o, name: O, event_rule: {events: []}}\n",
            "'events' needs at least one event name",
            "events: [checkout_started]",
        ),
        (
            "    stages:\n      - {id: s, name: S, touchpoints: [{id: t, name: T, impact_rank: 1}]}\n",
            "impact_rank is set but moment is none",
            "Set `moment:` to delighter, hygiene_factor or pain_point",
        ),
        (
            "    evidence:\n      - {id: e, source: survey, text: t, stage: s, validation: {status: confirmed}}\n",
            "status confirmed needs confirmed_by",
            "Set `confirmed_by`",
        ),
        (
            "    evidence:\n      - {id: e, source: survey, text: t, stage: s, recorded_on: last week}\n",
            "'recorded_on' should be a valid date",
            "YYYY-MM-DD",
        ),
        (
            "    stages:\n      - {id: s, name: S, emotion: 2}\n",
            "'emotion' should be an emotion",
            "indented `field: value` lines",
        ),
        (
            "    evidence:\n      - {id: e, source: survey, text: t, stage: s, sentiment: 1.5}\n",
            "'sentiment' should be less than or equal to 1",
            "Sentiment goes from -1.0 (negative) to 1.0 (positive).",
        ),
    ],
)
def test_model_rules_explain_what_to_write(snippet: str, message: str, hint: str) -> None:
    text = "personas: [{id: p, name: P}]\njourneys:\n  - id: j\n    name: J\n    persona: p\n"

    problems = validate(text + snippet)

    assert len(problems) == 1, problems
    assert problems[0].line == 7
    assert message in problems[0].message
    assert hint in problems[0].hint


def test_an_impossible_date_is_located() -> None:
    text = "personas: [{id: p, name: P}]\njourneys:\n  - id: j\n    name: J\n    persona: p\n    evidence:\n      - {id: e, source: survey, text: t, stage: s, recorded_on: 2024-02-30}\n"

    [problem] = validate(text)

    assert (problem.line, problem.column) == (7, 65)
    assert "cannot read '2024-02-30': day is out of range for month" in problem.message


def test_unreadable_and_non_utf8_files_are_problems_not_tracebacks(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes("name: Shop\ndescription: Café\n".encode("latin-1"))

    [unreadable] = validate_file(missing)
    [not_utf8] = validate_file(latin1)

    assert (unreadable.file, unreadable.line) == (str(missing), 1)
    assert "cannot read the map file" in unreadable.message
    assert (not_utf8.line, not_utf8.column) == (2, 17)
    assert "not UTF-8 text (byte 0xe9)" in not_utf8.message
    assert "UTF-8" in not_utf8.hint
    with pytest.raises(MapFileError, match="cannot read the map file"):
        load_file(missing)


def test_a_byte_order_mark_does_not_shift_columns() -> None:
    [problem] = validate("\ufeffformat: 2\n")

    assert (problem.line, problem.column) == (1, 9)


def test_load_text_returns_the_workspace_without_file_only_keys() -> None:
    workspace = load_text(
        "$schema: https://example.org/s.json\nformat: 1\nname: Shop\n", file="shop.yaml"
    )

    assert workspace.name == "Shop"
    assert workspace.model_fields_set == {"name"}
    assert type(workspace).__name__ == "Workspace"


def test_located_problem_prints_like_a_compiler_error() -> None:
    problem = LocatedProblem("m.yaml", 3, 14, "bad", "Fix it.", "journeys[0].persona")

    assert str(problem) == "m.yaml:3:14: bad (journeys[0].persona). Fix it."
    assert str(LocatedProblem("m.yaml", 1, 1, "empty", "")) == "m.yaml:1:1: empty"
