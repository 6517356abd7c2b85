"""Turn the errors a user can fix into a short message and exit code 1, never a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
import typer.core

from journeymap.analytics.rules import RuleTypeError
from journeymap.analytics.scope import ScopeError
from journeymap.cli.output import error_console
from journeymap.engine import EngineError
from journeymap.ingest import IngestError
from journeymap.mapfile import MapFileError
from journeymap.model import RuleSyntaxError
from journeymap.services.errors import JourneymapError
from journeymap.store import ConflictError, InvalidWorkspaceError, StoreError


@contextmanager
def report_errors() -> Iterator[None]:
    """Print known errors plainly on stderr and exit with code 1."""
    try:
        yield
    except MapFileError as error:
        for problem in error.problems:
            error_console.print(f"[red]error[/red] {problem}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    except InvalidWorkspaceError as error:
        error_console.print(f"[red]error[/red] {error}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    except ConflictError as error:
        error_console.print(f"[red]conflict[/red] {error}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    except (
        JourneymapError,
        StoreError,
        EngineError,
        IngestError,
        ScopeError,
        RuleTypeError,
        RuleSyntaxError,
    ) as error:
        error_console.print(f"[red]error[/red] {error}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None


class ReportingGroup(typer.core.TyperGroup):
    """The command group that reports known errors for every command (also under CliRunner)."""

    def invoke(self, ctx: Any) -> Any:
        with report_errors():
            return super().invoke(ctx)
