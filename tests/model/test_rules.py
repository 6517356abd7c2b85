from __future__ import annotations

import pytest

from journeymap.model.rules import (
    AllOf,
    AnyOf,
    Comparison,
    IsTrue,
    Not,
    Operator,
    RuleSyntaxError,
    parse_rule,
)


def test_segment_rule_parses_to_a_typed_tree() -> None:
    rule = parse_rule('plan == "pro" and country in ["DE", "AT"]')
    assert rule.predicate == AllOf(
        (
            Comparison("plan", Operator.EQ, "pro"),
            Comparison("country", Operator.IN, ("DE", "AT")),
        )
    )
    assert rule.fields == {"plan", "country"}


def test_or_not_bare_names_and_literals() -> None:
    rule = parse_rule("not gift or amount >= -5.5 or error != null")
    assert rule.predicate == AnyOf(
        (
            Not(IsTrue("gift")),
            Comparison("amount", Operator.GE, -5.5),
            Comparison("error", Operator.NE, None),
        )
    )


def test_bare_name_is_truthiness() -> None:
    assert parse_rule("gift").predicate == IsTrue("gift")


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ('plan == pro"', 12, "not a valid expression"),
        ("plan == pro", 9, 'Did you mean the text "pro"'),
        ('"pro" == plan', 1, "must be a property name"),
        ("country in 'DE'", 12, "needs a list"),
        ("len(plan) > 3", 1, "must be a property name"),
        ("18 <= age < 65", 1, "chained comparisons"),
        ("plan is None", 1, "unsupported operator"),
        ("", 1, "empty rule"),
        ("a + 1 == 2", 1, "must be a property name"),
        ("__import__('os')", 1, "unsupported expression"),
    ],
)
def test_errors_name_the_column(text: str, column: int, fragment: str) -> None:
    with pytest.raises(RuleSyntaxError) as caught:
        parse_rule(text)
    assert caught.value.column == column
    assert fragment in str(caught.value)
    assert caught.value.hint


def test_columns_count_characters_of_the_text_as_written() -> None:
    # Leading blanks and non-ASCII text before the error must not shift the column.
    with pytest.raises(RuleSyntaxError) as caught:
        parse_rule('  city == "Zürich" and plan == pro')
    assert caught.value.column == 32
    with pytest.raises(RuleSyntaxError) as caught:
        parse_rule('  city == "Zürich" and plan = "pro"')
    assert caught.value.column == 29
