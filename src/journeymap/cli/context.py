"""State shared by the commands of one CLI invocation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from journeymap.services import WorkspaceService
from journeymap.services.layout import default_workspace_dir


@dataclass
class CliState:
    """Options given before the command name."""

    workspace_dir: Path | None

    @property
    def directory(self) -> Path:
        """The workspace folder this invocation acts on."""
        return self.workspace_dir or default_workspace_dir()


WorkspaceOption = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        envvar="JOURNEYMAP_WORKSPACE",
        help="The workspace folder (default: the current folder).",
        file_okay=False,
    ),
]
"""``--workspace`` is accepted before the command name and after it, as users type both."""


def workspace_dir(ctx: typer.Context, workspace: Path | None = None) -> Path:
    """The folder the invocation acts on: the command's --workspace, the global one, the cwd."""
    if workspace is not None:
        return workspace
    state: CliState | None = ctx.obj
    return state.directory if state else default_workspace_dir()


def open_workspace(ctx: typer.Context, workspace: Path | None = None) -> WorkspaceService:
    """Open the workspace the invocation acts on."""
    return WorkspaceService.open(workspace_dir(ctx, workspace))
