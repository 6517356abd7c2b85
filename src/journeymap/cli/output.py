"""Output of listing commands as a Rich table, JSON or CSV, chosen by ``--format``."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any, Protocol

import pyarrow as pa
import typer
from rich.console import Console
from rich.table import Table

console = Console()
error_console = Console(stderr=True)


class OutputFormat(StrEnum):
    """How a listing command prints its rows."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"


FORMAT_OPTION = typer.Option(
    OutputFormat.TABLE,
    "--format",
    "-f",
    help="table for people, json or csv for scripts and spreadsheets.",
    case_sensitive=False,
)


def _plain(value: Any) -> Any:
    if isinstance(value, StrEnum):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


# Spreadsheet programs run cells that start with these as formulas; a leading quote defuses them.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(value: Any) -> Any:
    plain = _plain(value)
    if isinstance(plain, str) and plain.startswith(_FORMULA_PREFIXES):
        return "'" + plain
    return plain


def emit(
    rows: Sequence[Mapping[str, Any]],
    *,
    columns: Sequence[str],
    output: OutputFormat,
    title: str | None = None,
) -> None:
    """Print rows in the chosen format; JSON and CSV go to stdout untouched by Rich."""
    if output is OutputFormat.JSON:
        data = [{column: _plain(row.get(column)) for column in columns} for row in rows]
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
        return
    if output is OutputFormat.CSV:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_csv_safe(row.get(column)) for column in columns])
        return
    table = Table(title=title, title_justify="left", header_style="bold")
    for column in columns:
        table.add_column(column.replace("_", " "))
    for row in rows:
        table.add_row(*(_cell(row.get(c)) for c in columns))
    console.print(table)


def _cell(value: Any) -> str:
    """Readable numbers for people: thousands separators, four significant digits."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e6 else f"{value:,.0f}"
    return str(_plain(value))


class HasArrow(Protocol):
    """A result that can show itself as an Arrow table (every analytics result can)."""

    def to_arrow(self) -> pa.Table: ...


def emit_result(result: HasArrow, *, output: OutputFormat, title: str | None = None) -> None:
    """Print an analytics result: its Arrow table's columns and rows."""
    table = result.to_arrow()
    emit(table.to_pylist(), columns=table.column_names, output=output, title=title)
