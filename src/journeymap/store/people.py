"""People in a workspace: accounts, their sessions, API tokens and customer invitations.

This module only keeps rows; what makes them safe (hashing passwords with argon2, random
secrets, timeouts, who may do what) is policy and lives in
:mod:`journeymap.services.accounts`. Secrets never reach the database in the clear:
sessions, tokens and invitations are stored by the SHA-256 of their secret, so a copy of
the store cannot be replayed as a login.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from journeymap.store.engine import writer
from journeymap.store.errors import ConflictError, NotFoundError
from journeymap.store.rows import record_of
from journeymap.store.tables import api_tokens, invitations, sessions, users


@dataclass(frozen=True, slots=True)
class User:
    """An account: staff (owner, editor, viewer) or an invited customer bound to one journey."""

    id: int
    username: str
    display_name: str
    role: str
    password_hash: str | None
    team_id: str | None
    journey_id: str | None
    created_at: dt.datetime
    disabled_at: dt.datetime | None

    @property
    def is_customer(self) -> bool:
        return self.role == "customer"


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """A server-side login session; the cookie holds only its secret."""

    id: str
    user_id: int
    csrf_token: str
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class ApiToken:
    """A scoped, expiring token for scripts; ``prefix`` lets people tell tokens apart."""

    id: int
    user_id: int
    name: str
    prefix: str
    scope: str
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class Invitation:
    """A single-use link that lets one customer review one journey."""

    id: int
    journey_id: str
    name: str
    created_by: int
    created_at: dt.datetime
    expires_at: dt.datetime
    used_at: dt.datetime | None
    user_id: int | None


def _user(row: Any) -> User:
    return record_of(User, row)


class People:
    """The accounts side of a store; get it from :attr:`journeymap.store.Store.people`."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._writer = writer(engine)

    # -- users -----------------------------------------------------------------------------

    def add_user(
        self,
        *,
        username: str,
        display_name: str,
        role: str,
        password_hash: str | None,
        now: dt.datetime,
        team_id: str | None = None,
        journey_id: str | None = None,
    ) -> User:
        """Create an account; :class:`ConflictError` if the username is taken."""
        try:
            with self._writer.begin() as connection:
                new_id = connection.execute(
                    users.insert().values(
                        username=username,
                        display_name=display_name,
                        role=role,
                        password_hash=password_hash,
                        team_id=team_id,
                        journey_id=journey_id,
                        created_at=now,
                    )
                ).inserted_primary_key
        except IntegrityError:
            raise ConflictError(
                f"there is already a user called {username!r}; choose another username",
                journey_id=None,
            ) from None
        assert new_id is not None
        return self.user(int(new_id[0]))

    def user(self, user_id: int) -> User:
        with self._engine.connect() as connection:
            row = connection.execute(users.select().where(users.c.id == user_id)).first()
        if row is None:
            raise NotFoundError(f"no user with id {user_id}")
        return _user(row)

    def user_named(self, username: str) -> User | None:
        with self._engine.connect() as connection:
            row = connection.execute(users.select().where(users.c.username == username)).first()
        return None if row is None else _user(row)

    def list_users(self) -> list[User]:
        with self._engine.connect() as connection:
            rows = connection.execute(users.select().order_by(users.c.id)).all()
        return [_user(row) for row in rows]

    def update_user(self, user_id: int, **values: Any) -> User:
        """Change an account's fields (role, display_name, password_hash, team_id, disabled_at)."""
        allowed = {"role", "display_name", "password_hash", "team_id", "disabled_at"}
        unknown = set(values) - allowed
        if unknown:
            raise ValueError(f"cannot change {sorted(unknown)} of a user")
        with self._writer.begin() as connection:
            changed = connection.execute(
                users.update().where(users.c.id == user_id).values(**values)
            ).rowcount
        if not changed:
            raise NotFoundError(f"no user with id {user_id}")
        return self.user(user_id)

    def count_owners(self) -> int:
        with self._engine.connect() as connection:
            count = connection.execute(
                sa.select(sa.func.count())
                .select_from(users)
                .where(users.c.role == "owner", users.c.disabled_at.is_(None))
            ).scalar_one()
        return int(count)

    # -- sessions --------------------------------------------------------------------------

    def add_session(self, record: SessionRecord) -> None:
        with self._writer.begin() as connection:
            connection.execute(sessions.insert().values(asdict(record)))

    def session(self, session_id: str) -> SessionRecord | None:
        with self._engine.connect() as connection:
            row = connection.execute(sessions.select().where(sessions.c.id == session_id)).first()
        if row is None:
            return None
        return record_of(SessionRecord, row)

    def touch_session(self, session_id: str, now: dt.datetime) -> None:
        with self._writer.begin() as connection:
            connection.execute(
                sessions.update().where(sessions.c.id == session_id).values(last_seen_at=now)
            )

    def revoke_session(self, session_id: str, now: dt.datetime) -> None:
        with self._writer.begin() as connection:
            connection.execute(
                sessions.update()
                .where(sessions.c.id == session_id, sessions.c.revoked_at.is_(None))
                .values(revoked_at=now)
            )

    def revoke_sessions_of(self, user_id: int, now: dt.datetime) -> int:
        """End every live session of a user (password change, disabled account)."""
        with self._writer.begin() as connection:
            return connection.execute(
                sessions.update()
                .where(sessions.c.user_id == user_id, sessions.c.revoked_at.is_(None))
                .values(revoked_at=now)
            ).rowcount

    def delete_sessions_before(self, cutoff: dt.datetime) -> int:
        """Forget sessions that expired before ``cutoff`` (housekeeping)."""
        with self._writer.begin() as connection:
            return connection.execute(
                sessions.delete().where(sessions.c.expires_at < cutoff)
            ).rowcount

    # -- API tokens ------------------------------------------------------------------------

    def add_token(
        self,
        *,
        user_id: int,
        name: str,
        token_hash: str,
        prefix: str,
        scope: str,
        now: dt.datetime,
        expires_at: dt.datetime,
    ) -> ApiToken:
        with self._writer.begin() as connection:
            new_id = connection.execute(
                api_tokens.insert().values(
                    user_id=user_id,
                    name=name,
                    token_hash=token_hash,
                    prefix=prefix,
                    scope=scope,
                    created_at=now,
                    expires_at=expires_at,
                )
            ).inserted_primary_key
        assert new_id is not None
        token = self.token(int(new_id[0]))
        assert token is not None
        return token

    def token(self, token_id: int) -> ApiToken | None:
        return self._one_token(api_tokens.c.id == token_id)

    def token_by_hash(self, token_hash: str) -> ApiToken | None:
        return self._one_token(api_tokens.c.token_hash == token_hash)

    def tokens_of(self, user_id: int | None = None) -> list[ApiToken]:
        query = api_tokens.select().order_by(api_tokens.c.id)
        if user_id is not None:
            query = query.where(api_tokens.c.user_id == user_id)
        with self._engine.connect() as connection:
            rows = connection.execute(query).all()
        return [self._token(row) for row in rows]

    def mark_token_used(self, token_id: int, now: dt.datetime) -> None:
        with self._writer.begin() as connection:
            connection.execute(
                api_tokens.update().where(api_tokens.c.id == token_id).values(last_used_at=now)
            )

    def revoke_token(self, token_id: int, now: dt.datetime) -> bool:
        with self._writer.begin() as connection:
            return bool(
                connection.execute(
                    api_tokens.update()
                    .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
                    .values(revoked_at=now)
                ).rowcount
            )

    def _one_token(self, condition: sa.ColumnElement[bool]) -> ApiToken | None:
        with self._engine.connect() as connection:
            row = connection.execute(api_tokens.select().where(condition)).first()
        return None if row is None else self._token(row)

    @staticmethod
    def _token(row: Any) -> ApiToken:
        return record_of(ApiToken, row)

    # -- invitations -----------------------------------------------------------------------

    def add_invitation(
        self,
        *,
        token_hash: str,
        journey_id: str,
        name: str,
        created_by: int,
        now: dt.datetime,
        expires_at: dt.datetime,
    ) -> Invitation:
        with self._writer.begin() as connection:
            new_id = connection.execute(
                invitations.insert().values(
                    token_hash=token_hash,
                    journey_id=journey_id,
                    name=name,
                    created_by=created_by,
                    created_at=now,
                    expires_at=expires_at,
                )
            ).inserted_primary_key
        assert new_id is not None
        found = self._one_invitation(invitations.c.id == int(new_id[0]))
        assert found is not None
        return found

    def invitation_by_hash(self, token_hash: str) -> Invitation | None:
        return self._one_invitation(invitations.c.token_hash == token_hash)

    def invitations_for(self, journey_id: str | None = None) -> list[Invitation]:
        query = invitations.select().order_by(invitations.c.id)
        if journey_id is not None:
            query = query.where(invitations.c.journey_id == journey_id)
        with self._engine.connect() as connection:
            rows = connection.execute(query).all()
        return [self._invitation(row) for row in rows]

    def use_invitation(self, invitation_id: int, *, user_id: int, now: dt.datetime) -> bool:
        """Mark an invitation used by ``user_id``; ``False`` when someone used it first.

        The guarded update (``used_at IS NULL``) decides a race in the database, so a link
        opened twice at once still makes one customer account.
        """
        with self._writer.begin() as connection:
            return bool(
                connection.execute(
                    invitations.update()
                    .where(invitations.c.id == invitation_id, invitations.c.used_at.is_(None))
                    .values(used_at=now, user_id=user_id)
                ).rowcount
            )

    def _one_invitation(self, condition: sa.ColumnElement[bool]) -> Invitation | None:
        with self._engine.connect() as connection:
            row = connection.execute(invitations.select().where(condition)).first()
        return None if row is None else self._invitation(row)

    @staticmethod
    def _invitation(row: Any) -> Invitation:
        return record_of(Invitation, row)
