"""People: your account and API tokens; for owners, the team's accounts and invitations."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from journeymap.store.people import ApiToken, Invitation, User
from journeymap.web.pages import page
from journeymap.web.security import Access, access, context_of, require_principal

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["people"])


class UserOut(BaseModel):
    """An account as others see it (never its password hash)."""

    id: int
    username: str
    display_name: str
    role: str
    team_id: str | None
    journey_id: str | None
    disabled: bool

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(
            id=user.id,
            username=user.username,
            display_name=user.display_name,
            role=user.role,
            team_id=user.team_id,
            journey_id=user.journey_id,
            disabled=user.disabled_at is not None,
        )


class UserIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1000)
    role: Literal["owner", "editor", "viewer"]
    display_name: str | None = Field(default=None, max_length=200)
    team_id: str | None = Field(default=None, max_length=64)


class RoleIn(BaseModel):
    role: Literal["owner", "editor", "viewer"]


class TokenOut(BaseModel):
    """An API token's record; the secret is never shown again after creation."""

    id: int
    name: str
    prefix: str
    scope: str
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked: bool
    last_used_at: dt.datetime | None

    @classmethod
    def of(cls, token: ApiToken) -> TokenOut:
        return cls(
            id=token.id,
            name=token.name,
            prefix=token.prefix,
            scope=token.scope,
            created_at=token.created_at,
            expires_at=token.expires_at,
            revoked=token.revoked_at is not None,
            last_used_at=token.last_used_at,
        )


class NewTokenOut(TokenOut):
    secret: str = Field(description="The token itself: shown this once, store it now.")


class TokenIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    scope: Literal["read", "write"] = "read"
    days: int = Field(default=90, ge=1, le=366)


class InvitationIn(BaseModel):
    name: str = Field(min_length=1, max_length=200, description="Whom it is for.")
    days: int = Field(default=14, ge=1, le=90)


class InvitationOut(BaseModel):
    id: int
    journey_id: str
    name: str
    created_at: dt.datetime
    expires_at: dt.datetime
    used: bool

    @classmethod
    def of(cls, invitation: Invitation) -> InvitationOut:
        return cls(
            id=invitation.id,
            journey_id=invitation.journey_id,
            name=invitation.name,
            created_at=invitation.created_at,
            expires_at=invitation.expires_at,
            used=invitation.used_at is not None,
        )


class NewInvitationOut(InvitationOut):
    link: str = Field(description="The single-use link to send the customer.")


def invitation_link(request: Request, secret: str) -> str:
    return f"{str(request.base_url).rstrip('/')}/invite/{secret}"


# -- your account ------------------------------------------------------------------------


@router.get("/account")
@access(Access.READ)
def account_page(request: Request) -> Response:
    principal = require_principal(request)
    tokens = context_of(request).accounts.tokens(principal.user)
    return page(request, "account.html", title="Account", tokens=tokens, new_token=None)


@router.post("/account/tokens")
@access(Access.READ)
def create_token_page(
    request: Request,
    name: Annotated[str, Form(min_length=1, max_length=200)],
    scope: Annotated[Literal["read", "write"], Form()] = "read",
    days: Annotated[int, Form(ge=1, le=366)] = 90,
) -> Response:
    principal = require_principal(request)
    accounts = context_of(request).accounts
    issued = accounts.issue_token(principal.user, name=name, scope=scope, days=days)
    return page(
        request,
        "account.html",
        title="Account",
        tokens=accounts.tokens(principal.user),
        new_token=issued,
    )


@router.post("/account/tokens/{token_id}/revoke")
@access(Access.READ)
def revoke_token_page(request: Request, token_id: int) -> Response:
    principal = require_principal(request)
    context_of(request).accounts.revoke_token(token_id, by=principal.user)
    return RedirectResponse("/account", status_code=303)


@api.get("/tokens", response_model=list[TokenOut])
@access(Access.READ)
def list_tokens(request: Request) -> list[TokenOut]:
    """Your API tokens (owners: everyone's)."""
    principal = require_principal(request)
    accounts = context_of(request).accounts
    tokens = accounts.tokens(None if principal.role == "owner" else principal.user)
    return [TokenOut.of(token) for token in tokens]


@api.post("/tokens", response_model=NewTokenOut, status_code=201)
@access(Access.READ)
def create_token(request: Request, body: TokenIn) -> NewTokenOut:
    """A new token acting as you; ``secret`` is in this answer only."""
    principal = require_principal(request)
    if principal.token is not None:
        # A token must not mint tokens: a leaked one could otherwise outlive its revocation.
        raise HTTPException(403, "create API tokens from a logged-in session, not with a token")
    issued = context_of(request).accounts.issue_token(
        principal.user, name=body.name, scope=body.scope, days=body.days
    )
    return NewTokenOut(**TokenOut.of(issued.token).model_dump(), secret=issued.secret)


@api.delete("/tokens/{token_id}", response_model=TokenOut)
@access(Access.READ)
def revoke_token(request: Request, token_id: int) -> TokenOut:
    """End a token now (yours; owners: anyone's)."""
    principal = require_principal(request)
    return TokenOut.of(context_of(request).accounts.revoke_token(token_id, by=principal.user))


# -- people (owners) -------------------------------------------------------------------------


@router.get("/people")
@access(Access.OWNER)
def people_page(request: Request) -> Response:
    context = context_of(request)
    return page(
        request,
        "people.html",
        title="People",
        users=context.accounts.users(),
        teams=context.workspace.load().teams,
        invitations=context.accounts.invitations(),
    )


@router.post("/people")
@access(Access.OWNER)
def add_user_page(
    request: Request,
    username: Annotated[str, Form(min_length=1, max_length=64)],
    password: Annotated[str, Form(min_length=1, max_length=1000)],
    role: Annotated[Literal["owner", "editor", "viewer"], Form()],
    display_name: Annotated[str, Form(max_length=200)] = "",
    team_id: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    context_of(request).accounts.add_user(
        username, password, role=role, display_name=display_name or None, team_id=team_id or None
    )
    return RedirectResponse("/people", status_code=303)


@router.post("/people/{user_id}/role")
@access(Access.OWNER)
def set_role_page(
    request: Request, user_id: int, role: Annotated[Literal["owner", "editor", "viewer"], Form()]
) -> Response:
    context_of(request).accounts.set_role(user_id, role)
    return RedirectResponse("/people", status_code=303)


@router.post("/people/{user_id}/disable")
@access(Access.OWNER)
def disable_page(request: Request, user_id: int) -> Response:
    context_of(request).accounts.disable(user_id)
    return RedirectResponse("/people", status_code=303)


@api.get("/users", response_model=list[UserOut])
@access(Access.OWNER)
def list_users(request: Request) -> list[UserOut]:
    """Every account of the workspace."""
    return [UserOut.of(user) for user in context_of(request).accounts.users()]


@api.post("/users", response_model=UserOut, status_code=201)
@access(Access.OWNER)
def add_user(request: Request, body: UserIn) -> UserOut:
    """A staff account with a password."""
    user = context_of(request).accounts.add_user(
        body.username,
        body.password,
        role=body.role,
        display_name=body.display_name,
        team_id=body.team_id,
    )
    return UserOut.of(user)


@api.put("/users/{user_id}/role", response_model=UserOut)
@access(Access.OWNER)
def set_role(request: Request, user_id: int, body: RoleIn) -> UserOut:
    """Change a staff member's role (the last owner stays an owner)."""
    return UserOut.of(context_of(request).accounts.set_role(user_id, body.role))


@api.post("/users/{user_id}/disable", response_model=UserOut)
@access(Access.OWNER)
def disable_user(request: Request, user_id: int) -> UserOut:
    """Lock an account out and end its sessions and tokens."""
    return UserOut.of(context_of(request).accounts.disable(user_id))


# -- customer invitations ------------------------------------------------------------------


@router.post("/journeys/{journey_id}/invitations")
@access(Access.OWNER)
def invite_page(
    request: Request,
    journey_id: str,
    name: Annotated[str, Form(min_length=1, max_length=200)],
    days: Annotated[int, Form(ge=1, le=90)] = 14,
) -> Response:
    principal = require_principal(request)
    issued = context_of(request).accounts.invite(
        journey_id, name=name, by=principal.user, days=days
    )
    return page(
        request,
        "invited.html",
        title="Invitation",
        invitation=issued.invitation,
        link=invitation_link(request, issued.secret),
    )


@api.post("/journeys/{journey_id}/invitations", response_model=NewInvitationOut, status_code=201)
@access(Access.OWNER)
def invite(request: Request, journey_id: str, body: InvitationIn) -> NewInvitationOut:
    """A single-use link for one customer to review this journey."""
    principal = require_principal(request)
    issued = context_of(request).accounts.invite(
        journey_id, name=body.name, by=principal.user, days=body.days
    )
    return NewInvitationOut(
        **InvitationOut.of(issued.invitation).model_dump(),
        link=invitation_link(request, issued.secret),
    )


@api.get("/journeys/{journey_id}/invitations", response_model=list[InvitationOut])
@access(Access.OWNER)
def list_invitations(request: Request, journey_id: str) -> list[InvitationOut]:
    """The journey's invitations, used or not (their links are never shown again)."""
    return [InvitationOut.of(i) for i in context_of(request).accounts.invitations(journey_id)]
