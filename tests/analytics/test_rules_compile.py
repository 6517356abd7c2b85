"""The rule compiler: two-valued null semantics, missing columns, and type mistakes."""

from __future__ import annotations

from typing import Any

import ibis
import pyarrow as pa
import pytest

from journeymap.analytics.rules import RuleTypeError, compile_rule, missing_fields
from journeymap.model import parse_rule

ROWS = pa.table(
    {
        "row": [0, 1, 2],
        "status": ["ok", None, "failed"],
        "amount": [1.0, None, 60.0],
        "gift": [True, None, False],
        "items": [0, 2, None],
        "note": ["", "hi", None],
    }
)

# rule -> rows (0, 1, 2) where it holds
EXPECTED = {
    'status == "ok"': [True, False, False],
    'status != "ok"': [False, False, True],
    "status == null": [False, True, False],
    "status != null": [True, False, True],
    'status in ["ok", "failed"]': [True, False, True],
    'status in ["ok", null]': [True, True, False],
    'status not in ["ok"]': [False, False, True],
    'status not in ["ok", null]': [False, False, True],
    "status in []": [False, False, False],
    "status not in []": [True, False, True],
    "amount > 10": [False, False, True],
    "amount <= 1": [True, False, False],
    "not amount > 10": [True, True, False],
    "amount >= 1 and amount < 100": [True, False, True],
    'amount > 50 or status == "ok"': [True, False, True],
    "gift": [True, False, False],
    "not gift": [False, True, True],
    "items": [False, True, False],
    "note": [False, True, False],
    "amount in [1, 60]": [True, False, True],
    "missing == null": [True, True, True],
    "missing != null": [False, False, False],
    "missing > 1": [False, False, False],
    'missing in ["x", null]': [True, True, True],
    "not missing": [True, True, True],
}


def test_every_operator_and_null_case_on_both_engines(engine: Any) -> None:
    table = engine.table(ROWS)
    flags = {f"r{i}": compile_rule(rule, table) for i, rule in enumerate(EXPECTED)}
    result = table.mutate(**flags).order_by("row").to_pyarrow()
    for i, (rule, expected) in enumerate(EXPECTED.items()):
        assert result[f"r{i}"].to_pylist() == expected, rule


def test_a_parsed_rule_compiles_like_its_text() -> None:
    table = ibis.memtable(ROWS)
    text = 'status == "ok" or amount > 10'
    by_text = table.mutate(hit=compile_rule(text, table)).hit.to_pyarrow().to_pylist()
    by_rule = table.mutate(hit=compile_rule(parse_rule(text), table)).hit.to_pyarrow().to_pylist()
    assert by_text == by_rule == [True, False, True]


def test_missing_fields_names_the_columns_the_table_lacks() -> None:
    table = ibis.memtable(ROWS)
    assert missing_fields('statsu == "ok" and amount > 1 or nope', table) == {"statsu", "nope"}
    assert missing_fields(parse_rule("amount > 1"), table) == set()


@pytest.mark.parametrize(
    ("rule", "column"), [('amount == "50"', "amount"), ("status > 5", "status")]
)
def test_comparing_text_with_numbers_says_how_to_fix_it(rule: str, column: str) -> None:
    with pytest.raises(RuleTypeError, match=f"compares '{column}'") as raised:
        compile_rule(rule, ibis.memtable(ROWS))
    assert raised.value.field == column
    assert "quoted text" in str(raised.value)
