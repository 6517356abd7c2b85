"""``journeymap import events|customers|feedback|attach``: bring customer data into a workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from journeymap.cli.context import WorkspaceOption, workspace_dir
from journeymap.cli.output import FORMAT_OPTION, OutputFormat, console, emit
from journeymap.cli.progress import progress_bar
from journeymap.engine import ImportSummary
from journeymap.ingest import ColumnMapping, PropertyType
from journeymap.ingest.feedback import MAPPABLE, FeedbackMapping
from journeymap.services.analysis import AnalysisService, ImportOptions
from journeymap.services.feedback import FeedbackImport, FeedbackImportOptions, FeedbackService

import_app = typer.Typer(
    name="import",
    help="Import event logs, customer tables and feedback into the workspace (or attach them in place).",
    no_args_is_help=True,
)

FilesArgument = Annotated[
    list[Path],
    typer.Argument(
        help="Files: CSV/TSV (optionally .gz), Parquet, JSON Lines or XES.", exists=True
    ),
]
CustomerOption = Annotated[
    str | None, typer.Option("--customer", help="Column with the customer id (or case id).")
]
DelimiterOption = Annotated[
    str | None, typer.Option("--delimiter", help="CSV field separator (default: by extension).")
]
MaxRejectsOption = Annotated[
    float | None,
    typer.Option(
        "--max-rejects",
        help="Fail (and store nothing) beyond this many rejected rows, or this share if below 1.",
    ),
]
InputFormatOption = Annotated[
    str | None,
    typer.Option("--input-format", help="csv, parquet, jsonl or xes (default: by file extension)."),
]
TypeOption = Annotated[
    list[str] | None,
    typer.Option(
        "--type",
        help="Enforce a property's type, NAME=TYPE (string, integer, float, boolean, date, "
        "timestamp); values that do not fit are rejected. Repeat for several.",
    ),
]
TimezoneOption = Annotated[
    str, typer.Option("--timezone", help="Time zone of timestamps written without one.")
]


def _types(pairs: list[str] | None) -> dict[str, PropertyType]:
    types: dict[str, PropertyType] = {}
    for pair in pairs or []:
        name, separator, kind = pair.partition("=")
        if not separator or not name:
            raise typer.BadParameter(f"--type {pair!r}: write NAME=TYPE, e.g. amount=float")
        try:
            types[name.strip()] = PropertyType(kind.strip().lower())
        except ValueError:
            choices = ", ".join(t.value for t in PropertyType)
            raise typer.BadParameter(f"--type {pair!r}: TYPE is one of {choices}") from None
    return types


def _threshold(value: float | None) -> int | float | None:
    if value is None:
        return None
    return value if value < 1 else int(value)


def _report(summary: ImportSummary, what: str, output: OutputFormat) -> None:
    rows: list[dict[str, object]] = [
        {"item": "files", "value": summary.files},
        {"item": "rows read", "value": summary.rows_read},
        {"item": f"{what} imported", "value": summary.rows_imported},
        {"item": "duplicates skipped", "value": summary.duplicates_skipped},
        {"item": "rejected", "value": summary.rejected},
        {"item": "rejects file", "value": str(summary.rejects_file or "")},
        {"item": "seconds", "value": round(summary.seconds, 2)},
    ]
    if summary.rows_updated:
        rows.insert(3, {"item": f"{what} updated", "value": summary.rows_updated})
    emit(rows, columns=["item", "value"], output=output, title=f"Imported {what}")
    if summary.rejected and output is OutputFormat.TABLE:
        console.print(
            f"[yellow]{summary.rejected} row(s) were rejected[/yellow]; each is listed with its "
            f"row number and reason in {summary.rejects_file}."
        )


def _run_import(
    ctx: typer.Context,
    workspace: Path | None,
    output: OutputFormat,
    what: Literal["events", "customers"],
    files: list[Path],
    options: ImportOptions,
) -> None:
    """Import with a progress bar (table output only), then print the summary."""
    with (
        AnalysisService.open(workspace_dir(ctx, workspace)) as analysis,
        progress_bar(output is OutputFormat.TABLE) as report,
    ):
        summary = analysis.import_files(what, files, options, progress=report)
    _report(summary, what, output)


@import_app.command("events")
def import_events(
    ctx: typer.Context,
    files: FilesArgument,
    customer: CustomerOption = None,
    time: Annotated[str | None, typer.Option("--time", help="Column with the timestamp.")] = None,
    event: Annotated[
        str | None, typer.Option("--event", help="Column with the event (activity) name.")
    ] = None,
    channel: Annotated[
        str | None, typer.Option("--channel", help="Column with the channel.")
    ] = None,
    event_id: Annotated[
        str | None,
        typer.Option("--event-id", help="Column with a unique event id (default: content hash)."),
    ] = None,
    timezone: TimezoneOption = "UTC",
    time_format: Annotated[
        str | None,
        typer.Option(
            "--time-format",
            help="iso, epoch_s, epoch_ms, epoch_us, epoch_ns or a strptime pattern "
            "like '%d/%m/%Y %H:%M' (default: ISO 8601, numbers as epoch).",
        ),
    ] = None,
    delimiter: DelimiterOption = None,
    input_format: InputFormatOption = None,
    types: TypeOption = None,
    max_rejects: MaxRejectsOption = None,
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """Import event files into the workspace's analytics database, all or nothing.

    Extra columns become event properties. Bad rows are never dropped silently: each goes
    to a rejects file with its row number and reason. Re-importing a file adds nothing twice.
    """
    try:
        mapping = ColumnMapping(
            customer=customer,
            ts=time,
            event=event,
            channel=channel,
            event_id=event_id,
            timezone=timezone,
            time_format=time_format,
            types=_types(types),
        )
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    options = ImportOptions(mapping, delimiter, input_format, _threshold(max_rejects))
    _run_import(ctx, workspace, output, "events", files, options)


@import_app.command("customers")
def import_customers(
    ctx: typer.Context,
    files: FilesArgument,
    customer: CustomerOption = None,
    timezone: TimezoneOption = "UTC",
    delimiter: DelimiterOption = None,
    input_format: InputFormatOption = None,
    types: TypeOption = None,
    max_rejects: MaxRejectsOption = None,
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """Import (upsert) customer tables: one row per customer, the columns are properties
    that persona segment rules select on."""
    try:
        mapping = ColumnMapping(customer=customer, timezone=timezone, types=_types(types))
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    options = ImportOptions(mapping, delimiter, input_format, _threshold(max_rejects))
    _run_import(ctx, workspace, output, "customers", files, options)


def _feedback_map(pairs: list[str] | None) -> dict[str, str]:
    columns: dict[str, str] = {}
    for pair in pairs or []:
        name, separator, column = pair.partition("=")
        if not separator or name.strip() not in MAPPABLE or not column.strip():
            raise typer.BadParameter(
                f"--map {pair!r}: write FIELD=COLUMN, FIELD one of {', '.join(MAPPABLE)}"
            )
        columns[name.strip()] = column.strip()
    return columns


def _feedback_report(result: FeedbackImport, output: OutputFormat) -> None:
    summary = result.summary
    redacted = ", ".join(f"{kind.value} {n}" for kind, n in sorted(result.redacted.items()))
    rows: list[dict[str, object]] = [
        {"item": "files", "value": summary.files},
        {"item": "items read", "value": summary.items_read},
        {"item": "feedback imported", "value": summary.imported},
        {"item": "duplicates skipped", "value": summary.duplicates_skipped},
        {"item": "agent messages skipped", "value": summary.agent_messages_skipped},
        {"item": "unlinked (no customer found)", "value": summary.unlinked},
        {"item": "linked now (imported before)", "value": summary.linked_now},
        {"item": "rejected", "value": summary.rejected},
        {"item": "rejects file", "value": str(summary.rejects_file or "")},
        {"item": "personal data redacted", "value": redacted or "none found"},
        {"item": "raw text kept", "value": "yes" if result.raw_text_kept else "no"},
        {"item": "seconds", "value": round(summary.seconds, 2)},
    ]
    emit(rows, columns=["item", "value"], output=output, title="Imported feedback")
    if summary.rejected and output is OutputFormat.TABLE:
        console.print(
            f"[yellow]{summary.rejected} item(s) were rejected[/yellow]; each is listed with "
            f"its row (or message number) and reason in {summary.rejects_file}."
        )


@import_app.command("feedback")
def import_feedback(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Mailboxes (mbox, .eml, folders of .eml) or CSV / JSON Lines tables.",
            exists=True,
        ),
    ],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="email, tickets, reviews, nps, csat or survey (default: from the file).",
        ),
    ] = None,
    map_columns: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="FIELD=COLUMN: the column holding a field (feedback_id, customer_id, sender, "
            "ts, subject, text, rating, thread_id). Repeat for several.",
        ),
    ] = None,
    company_address: Annotated[
        list[str] | None,
        typer.Option(
            "--company-address",
            help="An address or domain of your own mail: its messages are agent replies, "
            "skipped (default: the mailbox's main recipient and its domain). Repeatable.",
        ),
    ] = None,
    timezone: TimezoneOption = "UTC",
    time_format: Annotated[
        str | None,
        typer.Option("--time-format", help="iso, epoch_s... or a strptime pattern."),
    ] = None,
    delimiter: DelimiterOption = None,
    input_format: Annotated[
        str | None,
        typer.Option("--input-format", help="mbox, eml, csv or jsonl (default: by the name)."),
    ] = None,
    max_rejects: MaxRejectsOption = None,
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """Import customer feedback (support mail, tickets, reviews, survey answers), with
    personal data redacted, linked to customers by id or e-mail address, all or nothing."""
    try:
        mapping = FeedbackMapping(
            columns=_feedback_map(map_columns), timezone=timezone, time_format=time_format
        )
        options = FeedbackImportOptions(
            kind=kind,
            mapping=mapping,
            format=input_format,
            delimiter=delimiter,
            company_addresses=tuple(company_address or ()),
            max_rejects=_threshold(max_rejects),
        )
        with (
            FeedbackService.open(workspace_dir(ctx, workspace)) as feedback,
            progress_bar(output is OutputFormat.TABLE) as report,
        ):
            result = feedback.import_feedback(files, options, progress=report)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    _feedback_report(result, output)


@import_app.command("attach")
def attach(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="events or customers.")],
    location: Annotated[
        str, typer.Argument(help="A Parquet file or glob, or a backend URL with --table.")
    ],
    table: Annotated[
        str | None, typer.Option("--table", help="Table name in the backend at LOCATION.")
    ] = None,
    customer: CustomerOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Read events or customers in place (Parquet files, or a table in any Ibis backend)
    instead of importing a copy."""
    if kind not in ("events", "customers"):
        raise typer.BadParameter("KIND must be events or customers")
    mapping = ColumnMapping(customer=customer)
    with AnalysisService.open(workspace_dir(ctx, workspace)) as analysis:
        database = analysis.database
        attached = (
            database.attach_events(location, table=table, mapping=mapping)
            if kind == "events"
            else database.attach_customers(location, table=table, mapping=mapping)
        )
    console.print(f"Attached {kind}: {attached.describe()}")


@import_app.command("detach")
def detach(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="events or customers.")],
    workspace: WorkspaceOption = None,
) -> None:
    """Stop reading events or customers in place (the attached files are not touched)."""
    if kind not in ("events", "customers"):
        raise typer.BadParameter("KIND must be events or customers")
    with AnalysisService.open(workspace_dir(ctx, workspace)) as analysis:
        analysis.database.detach(kind)
    console.print(f"Detached {kind}.")
