"""Commands that create, check, save and show maps: init, templates, validate, apply, show,
export, compare, schema."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from journeymap.cli.context import WorkspaceOption, open_workspace, workspace_dir
from journeymap.cli.output import FORMAT_OPTION, OutputFormat, console, emit, error_console
from journeymap.mapfile import list_templates, validate_file, workspace_json_schema
from journeymap.model import MomentKind, Touchpoint, Workspace
from journeymap.services import WorkspaceService
from journeymap.services.layout import WorkspaceLayout

MESSAGE_OPTION = typer.Option("--message", "-m", help="Why you made this change (kept in history).")
AUTHOR_OPTION = typer.Option(
    "--author", envvar="JOURNEYMAP_AUTHOR", help="Who saves (default: your login name)."
)


def init(
    ctx: typer.Context,
    directory: Annotated[
        Path | None,
        typer.Argument(help="Folder to create (default: --workspace or the current folder)."),
    ] = None,
    template: Annotated[
        str | None,
        typer.Option("--template", "-t", help="Start from a template; see `journeymap templates`."),
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="The workspace's name.")] = None,
    author: Annotated[str | None, AUTHOR_OPTION] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Create a workspace folder (map file and store), empty or from a template."""
    target = directory or workspace_dir(ctx, workspace)
    with WorkspaceService.init(target, template=template, name=name, author=author) as service:
        current = service.load()
    console.print(
        f"Created workspace [bold]{current.name}[/bold] in {target} with "
        f"{len(current.personas)} persona(s) and {len(current.journeys)} journey(s).\n"
        f"Edit {WorkspaceLayout(target).map_file.name}, then save it with "
        "`journeymap apply journeymap.yaml -m 'what changed'`."
    )


def templates(output: OutputFormat = FORMAT_OPTION) -> None:
    """List the templates `journeymap init --template NAME` can start from."""
    rows = [
        {"name": t.name, "title": t.title, "description": t.description} for t in list_templates()
    ]
    emit(rows, columns=["name", "title", "description"], output=output, title="Templates")


def validate(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Map files (YAML) to check.")],
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """Check map files and report every problem with file, line, column and a fix hint.

    References to personas and teams are also checked against the workspace's store when
    the command runs inside a workspace. Exits with 1 when any problem is found.
    """
    layout = WorkspaceLayout(workspace_dir(ctx, workspace))
    problems = []
    for file in files:
        if layout.exists():
            with WorkspaceService.open(layout.root) as service:
                problems += service.validate(file)
        else:
            problems += validate_file(file)
    if output is OutputFormat.TABLE:
        for problem in problems:
            error_console.print(f"[red]error[/red] {problem}", highlight=False, soft_wrap=True)
        count = len(problems)
        if count:
            error_console.print(f"{count} problem(s) in {len(files)} file(s).")
        else:
            console.print(f"{len(files)} file(s) valid.")
    else:
        rows = [vars(problem) for problem in problems]
        emit(rows, columns=["file", "line", "column", "path", "message", "hint"], output=output)
    if problems:
        raise typer.Exit(1)


def apply(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Map file with the personas and journeys to save.")],
    message: Annotated[str, MESSAGE_OPTION] = "Saved from map file",
    author: Annotated[str | None, AUTHOR_OPTION] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Save a map file into the workspace: each changed journey becomes a new version."""
    with open_workspace(ctx, workspace) as service:
        result = service.apply(file, author=author, message=message)
    if not result.versions:
        console.print("Nothing changed; no new versions.")
    for info in result.versions:
        console.print(f"Saved [bold]{info.journey_id}[/bold] as version {info.number}.")


def _workspace_rows(workspace: Workspace) -> list[dict[str, Any]]:
    rows = []
    for journey in workspace.journeys:
        touchpoints = [t for _, t in journey.touchpoints()]
        rows.append(
            {
                "journey": journey.id,
                "name": journey.name,
                "persona": journey.persona,
                "stages": len(journey.stages),
                "touchpoints": len(touchpoints),
                "moments_of_truth": sum(t.moment is not MomentKind.NONE for t in touchpoints),
                "evidence": len(journey.evidence),
                "opportunities": len(journey.opportunities),
            }
        )
    return rows


def show(
    ctx: typer.Context,
    journey_id: Annotated[
        str | None, typer.Argument(help="A journey to show stage by stage (default: all).")
    ] = None,
    version: Annotated[
        int | None, typer.Option("--version", help="Show this version instead of the head.")
    ] = None,
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """Show the workspace's journeys, or one journey's spine with its touchpoints and moments."""
    with open_workspace(ctx, workspace) as service:
        if journey_id is None:
            current = service.load()
            columns = [
                "journey",
                "name",
                "persona",
                "stages",
                "touchpoints",
                "moments_of_truth",
                "evidence",
                "opportunities",
            ]
            title = f"{current.name}: {len(current.personas)} personas"
            emit(_workspace_rows(current), columns=columns, output=output, title=title)
            return
        journey = service.journey(journey_id, version)
    rows = []
    for position, stage in enumerate(journey.stages, start=1):
        stage_touchpoints: list[Touchpoint | None] = list(stage.touchpoints) or [None]
        for touchpoint in stage_touchpoints:
            rows.append(
                {
                    "position": position,
                    "stage": stage.name,
                    "emotion": stage.emotion.score if stage.emotion else None,
                    "touchpoint": touchpoint.name if touchpoint else None,
                    "channel": touchpoint.channel if touchpoint else None,
                    "owner": touchpoint.owner_team if touchpoint else None,
                    "moment": _moment_label(touchpoint, output) if touchpoint else None,
                    "rank": touchpoint.impact_rank if touchpoint else None,
                }
            )
    columns = ["position", "stage", "emotion", "touchpoint", "channel", "owner", "moment", "rank"]
    emit(rows, columns=columns, output=output, title=f"{journey.name} (persona {journey.persona})")


def export(
    ctx: typer.Context,
    journey_id: Annotated[
        str | None, typer.Argument(help="Export one journey with its persona (default: all).")
    ] = None,
    version: Annotated[
        int | None, typer.Option("--version", help="Export this version instead of the head.")
    ] = None,
    output_file: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (default: stdout).")
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Write the workspace, or one journey, as a YAML map file."""
    with open_workspace(ctx, workspace) as service:
        text = service.export(journey_id, version=version)
    if output_file is None:
        sys.stdout.write(text)
    else:
        output_file.write_text(text, encoding="utf-8")
        console.print(f"Wrote {output_file}.")


def compare(
    ctx: typer.Context,
    left: Annotated[str, typer.Argument(help="A journey id (usually one persona's map).")],
    right: Annotated[str, typer.Argument(help="Another journey id to set beside it.")],
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """Compare two personas' maps side by side: emotions, touchpoints and moments per stage."""
    with open_workspace(ctx, workspace) as service:
        comparison = service.compare(left, right)
    rows = [
        {
            "stage": pair.name,
            "left_emotion": pair.left.emotion.score if pair.left and pair.left.emotion else None,
            "right_emotion": pair.right.emotion.score
            if pair.right and pair.right.emotion
            else None,
            "emotion_gap": pair.emotion_gap,
            "only_left": ", ".join(t.name for t in pair.touchpoints if t.right is None),
            "only_right": ", ".join(t.name for t in pair.touchpoints if t.left is None),
            "left_moments": ", ".join(_marked(t) for t in pair.moments("left")),
            "right_moments": ", ".join(_marked(t) for t in pair.moments("right")),
        }
        for pair in comparison.stages
    ]
    columns = [
        "stage",
        "left_emotion",
        "right_emotion",
        "emotion_gap",
        "only_left",
        "only_right",
        "left_moments",
        "right_moments",
    ]
    emit(rows, columns=columns, output=output, title=f"left: {left}   right: {right}")
    if output is OutputFormat.TABLE:
        console.print(f"{MOMENT_LEGEND}; emotion from -2 (distressed) to +2 (delighted).")
        gap = comparison.largest_emotion_gap
        if gap is not None and gap.emotion_gap:
            console.print(f"The personas feel most differently in [bold]{gap.name}[/bold].")


MOMENT_SYMBOLS = {
    MomentKind.DELIGHTER: "▲",
    MomentKind.HYGIENE_FACTOR: "■",
    MomentKind.PAIN_POINT: "▼",
}
MOMENT_LEGEND = "▲ delighter, ■ hygiene factor, ▼ pain point"


def _moment_label(touchpoint: Touchpoint, output: OutputFormat) -> str | None:
    """Tables show the shape and words; JSON and CSV keep the plain value for scripts."""
    if output is not OutputFormat.TABLE:
        return str(touchpoint.moment)
    if touchpoint.moment is MomentKind.NONE:
        return None
    return f"{MOMENT_SYMBOLS[touchpoint.moment]} {touchpoint.moment.replace('_', ' ')}"


def _marked(touchpoint: Touchpoint) -> str:
    """A moment of truth with its shape, so the kind reads without colour."""
    return f"{MOMENT_SYMBOLS.get(touchpoint.moment, '')} {touchpoint.name}".strip()


def schema(
    output_file: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (default: stdout).")
    ] = None,
) -> None:
    """Print the JSON Schema of map files, for editors that validate YAML as you type."""
    text = json.dumps(workspace_json_schema(), indent=2, sort_keys=True) + "\n"
    if output_file is None:
        sys.stdout.write(text)
    else:
        output_file.write_text(text, encoding="utf-8")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    for command in (init, templates, validate, apply, show, export, compare, schema):
        app.command()(command)
