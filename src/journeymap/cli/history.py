"""Commands over a journey's history: versions, diff, restore."""

from __future__ import annotations

from typing import Annotated

import typer

from journeymap.cli.context import WorkspaceOption, open_workspace
from journeymap.cli.output import FORMAT_OPTION, OutputFormat, console, emit

JOURNEY_ARGUMENT = typer.Argument(help="The journey's id (see `journeymap show`).")


def versions(
    ctx: typer.Context,
    journey_id: Annotated[str, JOURNEY_ARGUMENT],
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """List every saved version of a journey: number, author, time and message."""
    with open_workspace(ctx, workspace) as service:
        history = service.versions(journey_id)
    rows = [
        {
            "version": info.number,
            "author": info.author,
            "saved_at": info.created_at
            if output is not OutputFormat.TABLE
            else f"{info.created_at:%Y-%m-%d %H:%M} UTC",
            "message": info.message,
        }
        for info in history
    ]
    emit(
        rows, columns=["version", "author", "saved_at", "message"], output=output, title=journey_id
    )


def diff(
    ctx: typer.Context,
    journey_id: Annotated[str, JOURNEY_ARGUMENT],
    old: Annotated[int, typer.Argument(help="The older version number.")],
    new: Annotated[
        int | None, typer.Argument(help="The newer version number (default: the head).")
    ] = None,
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """Show what was added, removed, moved or changed (field by field) between two versions."""
    with open_workspace(ctx, workspace) as service:
        changes = service.diff(journey_id, old, new)
    rows = [
        {
            "change": change.kind,
            "item": change.item,
            "id": change.item_id,
            "path": change.path,
            "field": change.field,
            "old": change.old,
            "new": change.new,
        }
        for change in changes.changes
    ]
    if output is OutputFormat.TABLE and not rows:
        console.print("No differences.")
        return
    columns = ["change", "item", "id", "path", "field", "old", "new"]
    emit(rows, columns=columns, output=output, title=f"{journey_id}: {old} → {new or 'head'}")


def restore(
    ctx: typer.Context,
    journey_id: Annotated[str, JOURNEY_ARGUMENT],
    version: Annotated[int, typer.Argument(help="The version to bring back.")],
    author: Annotated[
        str | None,
        typer.Option("--author", envvar="JOURNEYMAP_AUTHOR", help="Who restores."),
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Bring back an old version of a journey as a new version; history is never rewritten."""
    with open_workspace(ctx, workspace) as service:
        info = service.restore(journey_id, version, author=author)
    console.print(f"Restored {journey_id} version {version} as version {info.number}.")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    for command in (versions, diff, restore):
        app.command()(command)
