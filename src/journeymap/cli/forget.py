"""``journeymap forget CUSTOMER_ID``: erase a customer everywhere (the right to erasure)."""

from __future__ import annotations

from typing import Annotated

import typer

from journeymap.cli.context import WorkspaceOption, workspace_dir
from journeymap.cli.output import FORMAT_OPTION, OutputFormat, console, emit
from journeymap.services.feedback import FeedbackService, Forgotten


def forget(
    ctx: typer.Context,
    customer_id: Annotated[str, typer.Argument(help="The customer's id, as in the events.")],
    email: Annotated[
        list[str] | None,
        typer.Option(
            "--email",
            help="Another e-mail address of the customer to look for (the customers "
            "table's is always used). Repeat for several.",
        ),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    output: OutputFormat = FORMAT_OPTION,
    workspace: WorkspaceOption = None,
) -> None:
    """Erase a customer's events, customer row, feedback and evidence from the analytics
    database, the rejects files and the store (current maps and every saved version), and
    report what was removed. Refuses while events or customers are attached in place."""
    if not yes:
        typer.confirm(
            f"Erase customer {customer_id} from this workspace? This cannot be undone",
            abort=True,
        )
    with FeedbackService.open(workspace_dir(ctx, workspace)) as feedback:
        result = feedback.forget(customer_id, addresses=tuple(email or ()))
    _report(result, output)


def _report(result: Forgotten, output: OutputFormat) -> None:
    rows = [{"where": where, "removed": count} for where, count in result.removed.items()]
    emit(rows, columns=["where", "removed"], output=output, title=f"Forgot {result.customer_id}")
    if output is not OutputFormat.TABLE:
        return
    if not result.total:
        console.print(f"Nothing of {result.customer_id} was found; nothing was removed.")
    if result.addresses:
        console.print(f"Looked for their address(es) too: {', '.join(result.addresses)}.")
    if result.source_files:
        listed = ", ".join(str(path) for path in result.source_files)
        console.print(
            "[yellow]Source files in the workspace folder were not rewritten[/yellow] and may "
            f"still hold the customer's data: {listed}. Delete or re-export them.",
            soft_wrap=True,
        )
