"""The first schema: workspace meta, personas, teams, journeys and their parts, versions.

Revision ID: 0001
Revises:
Created: 2025-01-01

Written out in full (not imported from ``tables.py``) because a migration must keep
describing the schema as it was at this revision, whatever the tables look like later.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

ID = sa.String(64)


def _part_columns() -> list[sa.Column[object]]:
    """journey_id, id and position: the leading columns of every journey part."""
    return [
        sa.Column("journey_id", ID, nullable=False),
        sa.Column("id", ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "workspace_meta",
        sa.Column("key", ID, nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_workspace_meta"),
    )
    for name in ("personas", "teams"):
        op.create_table(
            name,
            sa.Column("id", ID, nullable=False),
            sa.Column("position", sa.Integer(), nullable=False),
            sa.Column("name", sa.Text(), nullable=False),
            sa.Column("body", sa.JSON(), nullable=False),
            sa.PrimaryKeyConstraint("id", name=f"pk_{name}"),
        )
    op.create_table(
        "journeys",
        sa.Column("id", ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("persona_id", ID, nullable=False),
        sa.Column("head_version", sa.Integer(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_journeys"),
        sa.ForeignKeyConstraint(
            ["persona_id"], ["personas.id"], name="fk_journeys_persona_id_personas"
        ),
    )
    op.create_index("ix_journeys_persona_id", "journeys", ["persona_id"])
    op.create_table(
        "stages",
        *_part_columns(),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("journey_id", "id", name="pk_stages"),
        sa.ForeignKeyConstraint(
            ["journey_id"], ["journeys.id"], name="fk_stages_journey_id_journeys"
        ),
    )
    op.create_table(
        "touchpoints",
        *_part_columns(),
        sa.Column("stage_id", ID, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("owner_team_id", ID, nullable=True),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("journey_id", "id", name="pk_touchpoints"),
        sa.ForeignKeyConstraint(
            ["journey_id", "stage_id"],
            ["stages.journey_id", "stages.id"],
            name="fk_touchpoints_journey_id_stage_id_stages",
        ),
        sa.ForeignKeyConstraint(
            ["owner_team_id"], ["teams.id"], name="fk_touchpoints_owner_team_id_teams"
        ),
    )
    op.create_index("ix_touchpoints_owner_team_id", "touchpoints", ["owner_team_id"])
    op.create_table(
        "outcomes",
        *_part_columns(),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("journey_id", "id", name="pk_outcomes"),
        sa.ForeignKeyConstraint(
            ["journey_id"], ["journeys.id"], name="fk_outcomes_journey_id_journeys"
        ),
    )
    op.create_table(
        "evidence",
        *_part_columns(),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("stage_id", ID, nullable=True),
        sa.Column("touchpoint_id", ID, nullable=True),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("journey_id", "id", name="pk_evidence"),
        sa.ForeignKeyConstraint(
            ["journey_id"], ["journeys.id"], name="fk_evidence_journey_id_journeys"
        ),
        sa.ForeignKeyConstraint(
            ["journey_id", "stage_id"],
            ["stages.journey_id", "stages.id"],
            name="fk_evidence_journey_id_stage_id_stages",
        ),
        sa.ForeignKeyConstraint(
            ["journey_id", "touchpoint_id"],
            ["touchpoints.journey_id", "touchpoints.id"],
            name="fk_evidence_journey_id_touchpoint_id_touchpoints",
        ),
    )
    op.create_table(
        "opportunities",
        *_part_columns(),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("owner_team_id", ID, nullable=True),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("journey_id", "id", name="pk_opportunities"),
        sa.ForeignKeyConstraint(
            ["journey_id"], ["journeys.id"], name="fk_opportunities_journey_id_journeys"
        ),
        sa.ForeignKeyConstraint(
            ["owner_team_id"], ["teams.id"], name="fk_opportunities_owner_team_id_teams"
        ),
    )
    op.create_index("ix_opportunities_owner_team_id", "opportunities", ["owner_team_id"])
    op.create_table(
        "journey_versions",
        sa.Column("journey_id", ID, nullable=False),
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("journey_id", "number", name="pk_journey_versions"),
        sa.CheckConstraint("number >= 1", name="ck_journey_versions_number_from_one"),
    )
    op.create_table(
        "journey_deletions",
        sa.Column("journey_id", ID, nullable=False),
        sa.Column("after_version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("journey_id", "after_version", name="pk_journey_deletions"),
    )


def downgrade() -> None:
    for index, table in (
        ("ix_opportunities_owner_team_id", "opportunities"),
        ("ix_touchpoints_owner_team_id", "touchpoints"),
        ("ix_journeys_persona_id", "journeys"),
    ):
        op.drop_index(index, table_name=table)
    for table in (
        "journey_deletions",
        "journey_versions",
        "opportunities",
        "evidence",
        "outcomes",
        "touchpoints",
        "stages",
        "journeys",
        "teams",
        "personas",
        "workspace_meta",
    ):
        op.drop_table(table)
