"""``journeymap feedback ...``: sentiment, assignment to touchpoints, pain-point themes, NPS/CSAT.

Thin: options in, :class:`~journeymap.services.voice.VoiceService` call, table out. How each
analysis works is explained in ``docs/feedback.md``.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from journeymap.cli.analyze import JourneyArgument
from journeymap.cli.context import WorkspaceOption, workspace_dir
from journeymap.cli.output import FORMAT_OPTION, OutputFormat, console, emit
from journeymap.services.errors import JourneymapError
from journeymap.services.voice import VoiceService
from journeymap.voice.assignment import AssignmentSettings
from journeymap.voice.embeddings import DEFAULT_ENCODER, encoder_named

feedback_app = typer.Typer(
    name="feedback",
    help="Understand imported customer text: sentiment, which touchpoint each item is about, "
    "pain-point themes, and NPS and CSAT per persona, stage and touchpoint.",
    no_args_is_help=True,
)

EncoderOption = Annotated[
    str,
    typer.Option(
        "--encoder",
        help="Sentence encoder: minilm (all-MiniLM-L6-v2, bundled, default) or hashing "
        "(a bag of words: no model, for quick looks and tests).",
    ),
]
ThresholdOption = Annotated[
    float,
    typer.Option(
        "--threshold",
        min=0.0,
        max=1.0,
        help="Least confidence for the model to assign an item; below it the item stays "
        "unassigned.",
    ),
]
LimitOption = Annotated[
    int | None,
    typer.Option(
        "--limit", min=1, help="Show at most this many items (default: 50 in a table, all else)."
    ),
]


def _service(ctx: typer.Context, workspace: Any, encoder: str) -> VoiceService:
    try:
        chosen = encoder_named(encoder)
    except KeyError as error:
        raise JourneymapError(str(error.args[0])) from None
    return VoiceService.open(workspace_dir(ctx, workspace), encoder=chosen)


def _limited(
    rows: list[dict[str, Any]], limit: int | None, output: OutputFormat
) -> list[dict[str, Any]]:
    if limit is None and output is OutputFormat.TABLE:
        limit = 50
    return rows if limit is None else rows[:limit]


@feedback_app.command("sentiment")
def sentiment(
    ctx: typer.Context,
    model: Annotated[
        str, typer.Option("--model", help="Text sentiment model (default vader).")
    ] = "vader",
    limit: LimitOption = None,
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """Sentiment of every item from -1 to +1: the rating where there is one, else the text.

    The text model's score is kept beside a rating (text_sentiment).
    """
    with VoiceService.open(workspace_dir(ctx, workspace)) as voice:
        scores = voice.sentiment(model=model)
        sources = {
            row["feedback_id"]: row["source"]
            for row in voice.feedback().select("feedback_id", "source").to_pyarrow().to_pylist()
        }
    rows = [{**row, "source": sources.get(row["feedback_id"])} for row in scores.rows()]
    columns = ["feedback_id", "source", "sentiment", "text_sentiment", "sentiment_source"]
    negative = sum(1 for row in rows if row["sentiment"] < 0)
    title = f"Sentiment of {len(rows):,} items ({negative:,} negative), text model {scores.model}"
    emit(_limited(rows, limit, output), columns=columns, output=output, title=title)


@feedback_app.command("assign")
def assign(
    ctx: typer.Context,
    journey_id: JourneyArgument,
    threshold: ThresholdOption = AssignmentSettings.threshold,
    no_context: Annotated[
        bool,
        typer.Option(
            "--no-context", help="Words only: leave out the customers' recent touchpoints."
        ),
    ] = False,
    unassigned: Annotated[
        bool, typer.Option("--unassigned", help="List only the items left unassigned.")
    ] = False,
    encoder: EncoderOption = DEFAULT_ENCODER,
    limit: LimitOption = None,
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """Which touchpoint and stage of the journey each item is about, with the confidence.

    Overrides (journeymap feedback override) win; items below the threshold stay unassigned.
    """
    settings = AssignmentSettings(threshold=threshold)
    with _service(ctx, workspace, encoder) as voice:
        found = voice.assign(journey_id, settings=settings, context=not no_context)
    rows = found.rows()
    if unassigned:
        rows = [row for row in rows if row["touchpoint"] is None]
    columns = ["feedback_id", "touchpoint", "stage", "confidence", "assigned_by",
               "best_touchpoint", "context_touchpoint"]  # fmt: skip
    title = (
        f"{found.assigned:,} of {len(found):,} items assigned ({found.coverage:.0%}) "
        f"at threshold {threshold:g}"
    )
    emit(_limited(rows, limit, output), columns=columns, output=output, title=title)


@feedback_app.command("themes")
def themes(
    ctx: typer.Context,
    journey_id: JourneyArgument,
    touchpoint: Annotated[
        str | None, typer.Option("--touchpoint", help="Only this touchpoint (or stage) id.")
    ] = None,
    by_stage: Annotated[
        bool, typer.Option("--by-stage", help="Themes per stage instead of per touchpoint.")
    ] = False,
    max_themes: Annotated[
        int, typer.Option("--max-themes", min=1, max=20, help="Most themes per touchpoint.")
    ] = 6,
    threshold: ThresholdOption = AssignmentSettings.threshold,
    encoder: EncoderOption = DEFAULT_ENCODER,
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """Pain-point themes: the negative feedback of each touchpoint, clustered and named.

    Each theme has its distinctive terms, its size, its weekly trend and three quotes.
    """
    by = "stage" if by_stage else "touchpoint"
    with _service(ctx, workspace, encoder) as voice:
        found = voice.themes(journey_id, by=by, only=touchpoint, max_themes=max_themes,
                             settings=AssignmentSettings(threshold=threshold))  # fmt: skip
    rows = found.rows()
    if output is OutputFormat.TABLE:
        for row in rows:
            row["quotes"] = "\n".join(f"“{_short(q)}”" for q in row["quotes"])
        columns = [by, "theme", "name", "items", "share", "trend", "quotes"]
    else:
        columns = list(rows[0]) if rows else [by, "theme", "name", "items"]
    if not rows:
        console.print("No negative feedback assigned to a touchpoint yet.")
        if output is OutputFormat.TABLE:
            return
    emit(rows, columns=columns, output=output, title=f"Pain-point themes per {by}")


def _short(text: str, width: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


@feedback_app.command("scores")
def scores(
    ctx: typer.Context,
    journey_id: JourneyArgument,
    csat_source: Annotated[
        list[str] | None,
        typer.Option(
            "--csat-source",
            help="Sources whose 1-5 ratings count as CSAT (default csat; repeat, e.g. "
            "--csat-source csat --csat-source review).",
        ),
    ] = None,
    level: Annotated[
        str | None,
        typer.Option("--level", help="Only one level: all, persona, stage or touchpoint."),
    ] = None,
    threshold: ThresholdOption = AssignmentSettings.threshold,
    encoder: EncoderOption = DEFAULT_ENCODER,
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """NPS and CSAT with 95 % intervals, overall and per persona, stage and touchpoint."""
    if level is not None and level not in ("all", "persona", "stage", "touchpoint"):
        raise typer.BadParameter("use all, persona, stage or touchpoint", param_hint="--level")
    with _service(ctx, workspace, encoder) as voice:
        found = voice.scores(journey_id, csat_sources=tuple(csat_source or ("csat",)),
                             settings=AssignmentSettings(threshold=threshold))  # fmt: skip
    rows = [row.row() for row in found.rows if level is None or row.level == level]
    columns = ["level", "group", "nps_responses", "nps", "nps_low", "nps_high",
               "csat_responses", "csat", "csat_low", "csat_high"]  # fmt: skip
    if output is not OutputFormat.TABLE:
        columns = list(rows[0]) if rows else columns
    emit(rows, columns=columns, output=output, title="NPS and CSAT (95 % intervals)")


@feedback_app.command("override")
def override(
    ctx: typer.Context,
    journey_id: JourneyArgument,
    feedback_id: Annotated[
        str | None, typer.Argument(help="The item (its feedback id); leave out to list.")
    ] = None,
    touchpoint: Annotated[
        str | None, typer.Argument(help="The touchpoint id the item is about.")
    ] = None,
    remove: Annotated[
        bool, typer.Option("--remove", help="Drop the item's override: the model decides again.")
    ] = False,
    note: Annotated[str, typer.Option("--note", help="Why, for the next person.")] = "",
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """Say which touchpoint an item is about; people's word wins and teaches the model.

    Without FEEDBACK_ID, lists the journey's overrides.
    """
    with VoiceService.open(workspace_dir(ctx, workspace)) as voice:
        if feedback_id is None:
            rows = [{"feedback_id": k, "touchpoint": v}
                    for k, v in sorted(voice.overrides(journey_id).items())]  # fmt: skip
            emit(rows, columns=["feedback_id", "touchpoint"], output=output,
                 title=f"Overrides of {journey_id}")  # fmt: skip
            return
        if remove == (touchpoint is not None):
            raise typer.BadParameter("give a TOUCHPOINT, or --remove to drop the override")
        voice.override(journey_id, feedback_id, None if remove else touchpoint, note=note)
    what = "removed" if remove else f"set to {touchpoint}"
    console.print(f"Override of {feedback_id} {what} in {journey_id}.")


@feedback_app.command("emotions")
def emotions(
    ctx: typer.Context,
    journey_id: JourneyArgument,
    gap: Annotated[
        float,
        typer.Option(
            "--gap", min=0.0, max=2.0, help="Least difference (on -1..1) that flags a stage."
        ),
    ] = 0.25,
    threshold: ThresholdOption = AssignmentSettings.threshold,
    encoder: EncoderOption = DEFAULT_ENCODER,
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """The measured emotion curve: each stage's mean feedback sentiment (95 % interval, count)
    beside the emotion the team assumed, flagged where they disagree."""
    with _service(ctx, workspace, encoder) as voice:
        found = voice.measured_emotions(
            journey_id, gap=gap, settings=AssignmentSettings(threshold=threshold)
        )
    rows = [
        {"stage": e.stage, "name": e.name, "assumed": e.assumed, "items": e.items,
         "measured": e.mean, "low": e.low, "high": e.high, "flagged": e.flagged,
         "note": e.note}
        for e in found
    ]  # fmt: skip
    emit(rows, columns=list(rows[0]) if rows else ["stage"], output=output,
         title="Emotion per stage: assumed by the team, measured from feedback")  # fmt: skip


@feedback_app.command("evidence")
def evidence(
    ctx: typer.Context,
    journey_id: JourneyArgument,
    negative: Annotated[
        int, typer.Option("--negative", min=0, max=20, help="Most negative quotes per touchpoint.")
    ] = 2,
    positive: Annotated[
        int, typer.Option("--positive", min=0, max=20, help="Most positive quotes per touchpoint.")
    ] = 1,
    save: Annotated[
        bool,
        typer.Option(
            "--save",
            help="Put the quotes on the map as evidence (a new version; earlier feedback "
            "evidence is replaced, hand-written evidence kept).",
        ),
    ] = False,
    threshold: ThresholdOption = AssignmentSettings.threshold,
    encoder: EncoderOption = DEFAULT_ENCODER,
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """Customer quotes per touchpoint as evidence for the map: its most negative and most
    positive assigned feedback, redacted as stored."""
    with _service(ctx, workspace, encoder) as voice:
        found = voice.feedback_evidence(
            journey_id, negative=negative, positive=positive,
            settings=AssignmentSettings(threshold=threshold),
        )  # fmt: skip
        saved = voice.save_feedback_evidence(journey_id, found) if save else None
    rows = [
        {"id": e.id, "touchpoint": e.touchpoint, "stage": e.stage, "source": e.source.value,
         "sentiment": e.sentiment, "customer_id": e.customer_id, "recorded_on": e.recorded_on,
         "text": e.text if output is not OutputFormat.TABLE else _short(e.text)}
        for e in found
    ]  # fmt: skip
    emit(rows, columns=list(rows[0]) if rows else ["id"], output=output,
         title=f"Feedback evidence for {journey_id}")  # fmt: skip
    if saved is not None:
        typer.echo(
            f"Saved {len(found)} quotes on {journey_id} as version {saved.number}.", err=True
        )
