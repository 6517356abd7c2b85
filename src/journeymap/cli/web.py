"""The web app from the command line: ``serve``, and the accounts it needs (``user``, ``token``)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from journeymap.cli.context import WorkspaceOption, open_workspace, workspace_dir
from journeymap.cli.output import FORMAT_OPTION, OutputFormat, console, emit
from journeymap.services.accounts import STAFF_ROLES, AccountsService, now_utc
from journeymap.services.errors import JourneymapError
from journeymap.store import Store

user_app = typer.Typer(
    name="user", help="People who use the web app: add, list, change roles.", no_args_is_help=True
)
token_app = typer.Typer(
    name="token", help="API tokens for scripts: create, list, revoke.", no_args_is_help=True
)


def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option(help="Address to listen on; keep 127.0.0.1 unless behind a proxy.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    secure_cookies: Annotated[
        bool,
        typer.Option(
            help="Mark the session cookie Secure (sent over HTTPS only; browsers also "
            "send it to 127.0.0.1 and localhost)."
        ),
    ] = True,
    workspace: WorkspaceOption = None,
) -> None:
    """Start the web app over the workspace (Ctrl+C stops it)."""
    import uvicorn

    from journeymap.web import WebSettings, create_app

    directory = workspace_dir(ctx, workspace)
    base_url = f"http://{host}:{port}"
    app = create_app(
        directory, settings=WebSettings(secure_cookies=secure_cookies, base_url=base_url)
    )
    with open_workspace(ctx, workspace) as service:
        owners = [u for u in service.store.people.list_users() if u.role == "owner"]
    if not owners:
        console.print(
            "[yellow]No owner account yet.[/] Create one first: "
            "`journeymap user add NAME --role owner`"
        )
    console.print(f"journeymap serves {directory} at [bold]{base_url}[/] (Ctrl+C stops it)")
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@user_app.command("add")
def add_user(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Login name: lowercase letters, digits, .-_")],
    role: Annotated[
        str, typer.Option(help=f"One of {', '.join(STAFF_ROLES)}.", case_sensitive=False)
    ] = "editor",
    name: Annotated[str | None, typer.Option(help="Display name (default: username).")] = None,
    team: Annotated[
        str | None, typer.Option(help="Team id, for the team's 'my touchpoints' view.")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option(help="Read the password from standard input instead of a prompt.")
    ] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Create an account; the first one should be an owner."""
    password = _read_password(password_stdin)
    with open_workspace(ctx, workspace) as service:
        if team is not None and team not in {t.id for t in service.load().teams}:
            raise JourneymapError(
                f"there is no team {team!r}",
                hint="see the teams in journeymap.yaml, or leave --team out",
            )
        user = AccountsService(service.store).add_user(
            username, password, role=role.lower(), display_name=name, team_id=team
        )
    console.print(f"Added {user.username} ({user.role}).")


@user_app.command("list")
def list_users(
    ctx: typer.Context, output: OutputFormat = FORMAT_OPTION, workspace: WorkspaceOption = None
) -> None:
    """List the accounts: username, name, role, team and whether disabled."""
    with open_workspace(ctx, workspace) as service:
        users = service.store.people.list_users()
    rows = [
        {
            "username": u.username,
            "name": u.display_name,
            "role": u.role,
            "team": u.team_id or "",
            "journey": u.journey_id or "",
            "status": "disabled" if u.disabled_at else "active",
        }
        for u in users
    ]
    emit(rows, columns=list(rows[0]) if rows else ["username"], output=output, title="Users")


def _user_named(store: Store, username: str) -> int:
    user = store.people.user_named(username)
    if user is None:
        raise JourneymapError(f"there is no user {username!r}", hint="see `journeymap user list`")
    return user.id


@user_app.command("role")
def set_role(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The account to change.")],
    role: Annotated[str, typer.Argument(help=f"One of {', '.join(STAFF_ROLES)}.")],
    workspace: WorkspaceOption = None,
) -> None:
    """Change an account's role (the last owner stays an owner)."""
    with open_workspace(ctx, workspace) as service:
        user = AccountsService(service.store).set_role(
            _user_named(service.store, username), role.lower()
        )
    console.print(f"{user.username} is now {user.role}.")


@user_app.command("password")
def set_password(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The account to change.")],
    password_stdin: Annotated[
        bool, typer.Option(help="Read the password from standard input instead of a prompt.")
    ] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Set a new password; the account's sessions end everywhere."""
    password = _read_password(password_stdin)
    with open_workspace(ctx, workspace) as service:
        AccountsService(service.store).set_password(_user_named(service.store, username), password)
    console.print(f"New password set for {username}; their sessions have ended.")


@user_app.command("disable")
def disable_user(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="The account to lock out.")],
    workspace: WorkspaceOption = None,
) -> None:
    """Lock an account out: its sessions and API tokens end now."""
    with open_workspace(ctx, workspace) as service:
        AccountsService(service.store).disable(_user_named(service.store, username))
    console.print(f"{username} is disabled.")


@token_app.command("add")
def add_token(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Whom the token acts as.")],
    name: Annotated[str, typer.Option(help="What uses it (e.g. nightly import).")],
    scope: Annotated[str, typer.Option(help="read or write.")] = "read",
    days: Annotated[int, typer.Option(help="Days until it expires (1-366).")] = 90,
    workspace: WorkspaceOption = None,
) -> None:
    """Create an API token and print it once (it is stored hashed)."""
    with open_workspace(ctx, workspace) as service:
        accounts = AccountsService(service.store)
        user = accounts.user(_user_named(service.store, username))
        issued = accounts.issue_token(user, name=name, scope=scope, days=days)
    console.print(
        f"Token {issued.token.name!r} ({issued.token.scope}, expires "
        f"{issued.token.expires_at:%Y-%m-%d}); copy it now, it is not shown again:"
    )
    typer.echo(issued.secret)


@token_app.command("list")
def list_tokens(
    ctx: typer.Context, output: OutputFormat = FORMAT_OPTION, workspace: WorkspaceOption = None
) -> None:
    """List API tokens: id, user, name, scope, expiry, last use (never the secret)."""
    with open_workspace(ctx, workspace) as service:
        people = service.store.people
        names = {u.id: u.username for u in people.list_users()}
        tokens = people.tokens_of()
    rows = [
        {
            "id": t.id,
            "user": names.get(t.user_id, "?"),
            "name": t.name,
            "prefix": t.prefix,
            "scope": t.scope,
            "expires": f"{t.expires_at:%Y-%m-%d}",
            "last_used": f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never",
            "status": "revoked" if t.revoked_at else "active",
        }
        for t in tokens
    ]
    emit(rows, columns=list(rows[0]) if rows else ["id"], output=output, title="API tokens")


@token_app.command("revoke")
def revoke_token(
    ctx: typer.Context,
    token_id: Annotated[int, typer.Argument(help="The token's id (see `journeymap token list`).")],
    workspace: WorkspaceOption = None,
) -> None:
    """End an API token now."""
    with open_workspace(ctx, workspace) as service:
        if not service.store.people.revoke_token(token_id, now_utc()):
            raise JourneymapError(f"no active token {token_id}", hint="see `journeymap token list`")
    console.print(f"Token {token_id} revoked.")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(user_app)
    app.add_typer(token_app)
