"""The store's schema as SQLAlchemy Core tables: current state plus the journeys' history.

Why Core and not the typed ORM: the domain objects already exist (the Pydantic model is
the contract), so an ORM would add a second, mutable object graph with an identity map
that we would convert to and from on every call. The store's work is set-shaped —
replace a journey's rows, append a version, and one guarded ``UPDATE ... WHERE
head_version = :base`` whose row count decides a race — which Core states directly.

Layout. Each table of the current state has the columns one queries or constrains by
(ids, ``journey_id``, ``position`` for stable order, the name, references to personas,
teams, stages and touchpoints as real foreign keys) and a JSON ``body`` with the rest of
the object's Pydantic dump, so a field added to the model needs no migration and nothing
is lost. ``journey_versions`` keeps every saved journey whole, as JSON; it is append-only
and has no foreign key to ``journeys`` so that history outlives a deleted journey.
Constraint names come from one naming convention, which keeps Alembic's comparison of
these tables with the migrated database exact on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.schema import SchemaItem

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

ID_LENGTH = 64  # the model's Identifier pattern allows at most 64 characters


class UtcDateTime(sa.TypeDecorator[dt.datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite has no timezone type and returns naive values; PostgreSQL returns them in the
    session's zone. Both come back as UTC here, so callers compare like with like.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("store timestamps must be timezone-aware")
        return value.astimezone(dt.UTC)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def _id(name: str = "id", *, primary_key: bool = False, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(ID_LENGTH), primary_key=primary_key, nullable=nullable)


def _journey_part(name: str, *columns: SchemaItem) -> sa.Table:
    """A table of things inside one journey: keyed by (journey, id), ordered by position."""
    return sa.Table(
        name,
        metadata,
        _id("journey_id", primary_key=True),
        _id(primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        *columns,
        sa.Column("body", sa.JSON, nullable=False),
    )


workspace_meta = sa.Table(
    "workspace_meta",
    metadata,
    sa.Column("key", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

personas = sa.Table(
    "personas",
    metadata,
    _id(primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("body", sa.JSON, nullable=False),
)

teams = sa.Table(
    "teams",
    metadata,
    _id(primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("body", sa.JSON, nullable=False),
)

journeys = sa.Table(
    "journeys",
    metadata,
    _id(primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    _id("persona_id", nullable=False),
    sa.Column("head_version", sa.Integer, nullable=False),
    sa.Column("body", sa.JSON, nullable=False),
    sa.ForeignKeyConstraint(["persona_id"], ["personas.id"]),
    sa.Index(None, "persona_id"),
)

stages = _journey_part(
    "stages",
    sa.Column("name", sa.Text, nullable=False),
    sa.ForeignKeyConstraint(["journey_id"], ["journeys.id"]),
)

touchpoints = _journey_part(
    "touchpoints",
    _id("stage_id", nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    _id("owner_team_id", nullable=True),
    sa.ForeignKeyConstraint(["journey_id", "stage_id"], ["stages.journey_id", "stages.id"]),
    sa.ForeignKeyConstraint(["owner_team_id"], ["teams.id"]),
    sa.Index(None, "owner_team_id"),
)

outcomes = _journey_part(
    "outcomes",
    sa.Column("name", sa.Text, nullable=False),
    sa.ForeignKeyConstraint(["journey_id"], ["journeys.id"]),
)

# Evidence has no name: its text is what identifies it to people, so that is the column.
evidence = _journey_part(
    "evidence",
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("source", sa.String(32), nullable=False),
    _id("stage_id", nullable=True),
    _id("touchpoint_id", nullable=True),
    sa.ForeignKeyConstraint(["journey_id"], ["journeys.id"]),
    sa.ForeignKeyConstraint(["journey_id", "stage_id"], ["stages.journey_id", "stages.id"]),
    sa.ForeignKeyConstraint(
        ["journey_id", "touchpoint_id"], ["touchpoints.journey_id", "touchpoints.id"]
    ),
)

opportunities = _journey_part(
    "opportunities",
    sa.Column("title", sa.Text, nullable=False),
    _id("owner_team_id", nullable=True),
    sa.ForeignKeyConstraint(["journey_id"], ["journeys.id"]),
    sa.ForeignKeyConstraint(["owner_team_id"], ["teams.id"]),
    sa.Index(None, "owner_team_id"),
)

journey_versions = sa.Table(
    "journey_versions",
    metadata,
    _id("journey_id", primary_key=True),
    sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("author", sa.Text, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("document", sa.JSON, nullable=False),
    sa.CheckConstraint("number >= 1", name="number_from_one"),
)

journey_deletions = sa.Table(
    "journey_deletions",
    metadata,
    _id("journey_id", primary_key=True),
    sa.Column("after_version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("author", sa.Text, nullable=False),
    sa.Column("deleted_at", UtcDateTime, nullable=False),
)

JOURNEY_PARTS: tuple[sa.Table, ...] = (evidence, opportunities, outcomes, touchpoints, stages)
"""A journey's child tables, in an order that deletes children before their parents."""

# --- People and collaboration (the web app) -------------------------------------------------
# Integer surrogate keys: these rows are created by the app, never named by people, and never
# travel in a map file. No foreign keys to journeys or teams: a user, a comment or a customer's
# validation outlives a deleted journey or team the way versions do, and a workspace save that
# replaces the teams must not cascade into people.

ROLES = ("owner", "editor", "viewer", "customer")
"""Workspace roles, most powerful first; the web app's authorisation reads them."""

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(ID_LENGTH), nullable=False, unique=True),
    sa.Column("display_name", sa.Text, nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.Text, nullable=True),
    _id("team_id", nullable=True),
    _id("journey_id", nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("disabled_at", UtcDateTime, nullable=True),
    sa.CheckConstraint("role IN ('owner', 'editor', 'viewer', 'customer')", name="known_role"),
)

# A session row is keyed by the SHA-256 of the cookie's secret, so a copy of the database does
# not hand out live sessions.
sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("last_seen_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("revoked_at", UtcDateTime, nullable=True),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("prefix", sa.String(16), nullable=False),
    sa.Column("scope", sa.String(8), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("revoked_at", UtcDateTime, nullable=True),
    sa.Column("last_used_at", UtcDateTime, nullable=True),
    sa.CheckConstraint("scope IN ('read', 'write')", name="known_scope"),
)

invitations = sa.Table(
    "invitations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    _id("journey_id", nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("used_at", UtcDateTime, nullable=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
)

validations = sa.Table(
    "validations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _id("journey_id", nullable=False),
    sa.Column("item_kind", sa.String(16), nullable=False),
    _id("item_id", nullable=False),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("verdict", sa.String(16), nullable=True),
    sa.Column("feeling", sa.Integer, nullable=True),
    sa.Column("comment", sa.Text, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("journey_id", "item_kind", "item_id", "user_id"),
    sa.CheckConstraint("verdict IN ('confirmed', 'disputed')", name="known_verdict"),
    sa.CheckConstraint("feeling BETWEEN -2 AND 2", name="feeling_in_range"),
)

comments = sa.Table(
    "comments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _id("journey_id", nullable=False),
    sa.Column("item_kind", sa.String(16), nullable=False),
    _id("item_id", nullable=False),
    sa.Column("parent_id", sa.Integer, sa.ForeignKey("comments.id"), nullable=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("mentions", sa.JSON, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("resolved_at", UtcDateTime, nullable=True),
    sa.Index(None, "journey_id", "item_kind", "item_id"),
)

journey_reviews = sa.Table(
    "journey_reviews",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    _id(
        "journey_id",
        nullable=False,
    ),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("reviewed_at", UtcDateTime, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Index(None, "journey_id"),
)

jobs = sa.Table(
    "jobs",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("progress", sa.Float, nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("finished_at", UtcDateTime, nullable=True),
    sa.Column("result", sa.JSON, nullable=True),
    sa.Column("error", sa.Text, nullable=True),
    sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="known_status"),
)
