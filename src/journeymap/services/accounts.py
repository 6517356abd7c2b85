"""Accounts and their credentials: passwords, login sessions, API tokens, customer invitations.

The policy lives here, the rows in :mod:`journeymap.store.people`:

* passwords are hashed with argon2id (argon2-cffi's defaults, the OWASP recommendation)
  and rehashed on login when those defaults grow;
* every secret handed out (session cookie, API token, invitation link) is 256 random
  bits from :mod:`secrets`; the store keeps only its SHA-256, and lookups compare
  digests, so neither a database copy nor a timing probe yields a usable secret;
* a session ends when revoked, after ``idle`` without a request, or ``absolute`` after
  login, whichever comes first; logging in always makes a new session id (no fixation).

>>> accounts = AccountsService(store)  # doctest: +SKIP
>>> owner = accounts.add_user("ada", "correct horse battery", role="owner")  # doctest: +SKIP
>>> started = accounts.start_session(owner)  # doctest: +SKIP
>>> accounts.resolve_session(started.secret).user.username  # doctest: +SKIP
'ada'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from journeymap.services.errors import JourneymapError
from journeymap.store import ConflictError, NotFoundError, Store
from journeymap.store.people import ApiToken, Invitation, SessionRecord, User

STAFF_ROLES = ("owner", "editor", "viewer")
TOKEN_SCOPES = ("read", "write")
MIN_PASSWORD_LENGTH = 12  # OWASP ASVS 4.0.3, 2.1.1
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
TOKEN_PREFIX = "jm_"
_TOUCH_EVERY = dt.timedelta(seconds=60)  # idle tracking to the minute spares a write per request


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def digest(secret: str) -> str:
    """What the store keeps of a secret: its SHA-256, hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


class AccountError(JourneymapError):
    """A credential was refused or an account change is not allowed."""


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    """How long a login lasts: ``idle`` without requests, ``absolute`` in all."""

    idle: dt.timedelta = dt.timedelta(hours=2)
    absolute: dt.timedelta = dt.timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class StartedSession:
    """A new session and the secret for the cookie (shown to nobody else, stored hashed)."""

    secret: str
    record: SessionRecord


@dataclass(frozen=True, slots=True)
class ActiveSession:
    """The user behind a live session cookie, and the session itself (its CSRF token)."""

    user: User
    record: SessionRecord


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A new API token: ``secret`` is shown once and never again."""

    secret: str
    token: ApiToken


@dataclass(frozen=True, slots=True)
class IssuedInvitation:
    """A new invitation; ``secret`` goes in the link sent to the customer."""

    secret: str
    invitation: Invitation


class AccountsService:
    """Users, sessions, tokens and invitations of one workspace store."""

    def __init__(
        self,
        store: Store,
        *,
        clock: Callable[[], dt.datetime] = now_utc,
        policy: SessionPolicy | None = None,
    ) -> None:
        self._people = store.people
        self._store = store
        self._clock = clock
        self.policy = policy or SessionPolicy()
        self._hasher = PasswordHasher()
        # Verified against when the username is unknown, so a wrong name costs as long as a
        # wrong password and timing does not reveal which accounts exist.
        self._decoy = self._hasher.hash(secrets.token_urlsafe(16))

    # -- users -----------------------------------------------------------------------------

    def add_user(
        self,
        username: str,
        password: str,
        *,
        role: str,
        display_name: str | None = None,
        team_id: str | None = None,
    ) -> User:
        """Create a staff account (owner, editor or viewer) with a password."""
        if role not in STAFF_ROLES:
            raise AccountError(
                f"unknown role {role!r}",
                hint=f"choose one of {', '.join(STAFF_ROLES)}; customers join by invitation",
            )
        if not USERNAME.match(username):
            raise AccountError(
                f"username {username!r} is not allowed",
                hint="use lowercase letters, digits, dots, dashes or underscores (at most 64)",
            )
        self._check_password(password)
        try:
            return self._people.add_user(
                username=username,
                display_name=display_name or username,
                role=role,
                password_hash=self._hasher.hash(password),
                team_id=team_id,
                now=self._clock(),
            )
        except ConflictError as error:
            raise AccountError(str(error)) from None

    def users(self) -> list[User]:
        return self._people.list_users()

    def user(self, user_id: int) -> User:
        return self._people.user(user_id)

    def set_password(self, user_id: int, password: str) -> None:
        """Change a password and end the user's sessions everywhere."""
        self._check_password(password)
        self._people.update_user(user_id, password_hash=self._hasher.hash(password))
        self._people.revoke_sessions_of(user_id, self._clock())

    def set_role(self, user_id: int, role: str) -> User:
        if role not in STAFF_ROLES:
            raise AccountError(f"unknown role {role!r}", hint=f"choose one of {STAFF_ROLES}")
        user = self._people.user(user_id)
        if user.is_customer:
            raise AccountError("a customer's role cannot change; invite staff as users instead")
        if user.role == "owner" and role != "owner" and self._people.count_owners() <= 1:
            raise AccountError("this is the last owner", hint="make someone else owner first")
        return self._people.update_user(user_id, role=role)

    def disable(self, user_id: int) -> User:
        """Lock an account out for good and end its sessions and tokens."""
        user = self._people.user(user_id)
        if user.role == "owner" and self._people.count_owners() <= 1:
            raise AccountError("this is the last owner", hint="make someone else owner first")
        now = self._clock()
        self._people.revoke_sessions_of(user_id, now)
        for token in self._people.tokens_of(user_id):
            self._people.revoke_token(token.id, now)
        return self._people.update_user(user_id, disabled_at=now)

    def authenticate(self, username: str, password: str) -> User | None:
        """The user whose password this is, or ``None`` (unknown, wrong or disabled)."""
        user = self._people.user_named(username)
        stored = user.password_hash if user is not None else None
        try:
            self._hasher.verify(stored or self._decoy, password)
        except (VerificationError, InvalidHashError):
            return None
        if user is None or stored is None or user.disabled_at is not None:
            return None
        if self._hasher.check_needs_rehash(stored):
            self._people.update_user(user.id, password_hash=self._hasher.hash(password))
        return user

    # -- sessions --------------------------------------------------------------------------

    def start_session(self, user: User) -> StartedSession:
        """A brand-new session for ``user`` (call it at every login: new id, new CSRF token)."""
        now = self._clock()
        secret = secrets.token_urlsafe(32)
        record = SessionRecord(
            id=digest(secret),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            last_seen_at=now,
            expires_at=now + self.policy.absolute,
            revoked_at=None,
        )
        self._people.add_session(record)
        return StartedSession(secret=secret, record=record)

    def resolve_session(self, secret: str) -> ActiveSession | None:
        """The live session behind a cookie, or ``None`` if unknown, ended or timed out."""
        record = self._people.session(digest(secret))
        now = self._clock()
        if record is None or record.revoked_at is not None or now >= record.expires_at:
            return None
        if now - record.last_seen_at >= self.policy.idle:
            self._people.revoke_session(record.id, now)
            return None
        user = self._people.user(record.user_id)
        if user.disabled_at is not None:
            return None
        if now - record.last_seen_at >= _TOUCH_EVERY:
            self._people.touch_session(record.id, now)
        return ActiveSession(user=user, record=record)

    def end_session(self, secret: str) -> None:
        self._people.revoke_session(digest(secret), self._clock())

    # -- API tokens ------------------------------------------------------------------------

    def issue_token(self, user: User, *, name: str, scope: str, days: int = 90) -> IssuedToken:
        """A token for scripts, acting as ``user`` within ``scope`` (read or write)."""
        if scope not in TOKEN_SCOPES:
            raise AccountError(f"unknown token scope {scope!r}", hint="use read or write")
        if not 1 <= days <= 366:
            raise AccountError("a token lasts 1 to 366 days", hint="pass --days between 1 and 366")
        if user.is_customer:
            raise AccountError("customers cannot have API tokens")
        if not name.strip():
            raise AccountError("give the token a name that says what uses it")
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = self._clock()
        token = self._people.add_token(
            user_id=user.id,
            name=name.strip(),
            token_hash=digest(secret),
            prefix=secret[:11],
            scope=scope,
            now=now,
            expires_at=now + dt.timedelta(days=days),
        )
        return IssuedToken(secret=secret, token=token)

    def resolve_token(self, secret: str) -> tuple[User, ApiToken] | None:
        """The user and token behind an ``Authorization: Bearer`` secret, if still valid."""
        token = self._people.token_by_hash(digest(secret))
        now = self._clock()
        if token is None or token.revoked_at is not None or now >= token.expires_at:
            return None
        user = self._people.user(token.user_id)
        if user.disabled_at is not None:
            return None
        if token.last_used_at is None or now - token.last_used_at >= _TOUCH_EVERY:
            self._people.mark_token_used(token.id, now)
        return user, token

    def tokens(self, user: User | None = None) -> list[ApiToken]:
        return self._people.tokens_of(None if user is None else user.id)

    def revoke_token(self, token_id: int, *, by: User) -> ApiToken:
        """End a token; only its holder or an owner may."""
        token = self._people.token(token_id)
        if token is None or (token.user_id != by.id and by.role != "owner"):
            raise NotFoundError(f"no API token {token_id} of yours")
        self._people.revoke_token(token_id, self._clock())
        revoked = self._people.token(token_id)
        assert revoked is not None
        return revoked

    # -- customer invitations --------------------------------------------------------------

    def invite(self, journey_id: str, *, name: str, by: User, days: int = 14) -> IssuedInvitation:
        """A single-use link for one customer to review one journey."""
        if by.role != "owner":
            raise AccountError("only an owner can invite customers")
        self._store.head(journey_id)  # NotFoundError names the journeys there are
        if not name.strip():
            raise AccountError("say whom the invitation is for (a name the team recognises)")
        secret = secrets.token_urlsafe(32)
        now = self._clock()
        invitation = self._people.add_invitation(
            token_hash=digest(secret),
            journey_id=journey_id,
            name=name.strip(),
            created_by=by.id,
            now=now,
            expires_at=now + dt.timedelta(days=days),
        )
        return IssuedInvitation(secret=secret, invitation=invitation)

    def invitations(self, journey_id: str | None = None) -> list[Invitation]:
        return self._people.invitations_for(journey_id)

    def accept_invitation(self, secret: str) -> User:
        """Turn an unused invitation into the customer's account (no password: the link is it)."""
        invitation = self._people.invitation_by_hash(digest(secret))
        now = self._clock()
        if invitation is None or invitation.used_at is not None or now >= invitation.expires_at:
            raise AccountError(
                "this invitation link is not valid any more",
                hint="it was used already or has expired; ask the team for a new one",
            )
        user = self._people.add_user(
            username=f"customer-{invitation.id}-{secrets.token_hex(3)}",
            display_name=invitation.name,
            role="customer",
            password_hash=None,
            journey_id=invitation.journey_id,
            now=now,
        )
        if not self._people.use_invitation(invitation.id, user_id=user.id, now=now):
            self._people.update_user(user.id, disabled_at=now)
            raise AccountError("this invitation link was used a moment ago by someone else")
        return user

    # -- internals -------------------------------------------------------------------------

    @staticmethod
    def _check_password(password: str) -> None:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError(
                f"a password needs at least {MIN_PASSWORD_LENGTH} characters",
                hint="a few unrelated words make a long password that is easy to remember",
            )
