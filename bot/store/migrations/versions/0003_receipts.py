"""receipt: the platform events acted on, so several processes act on each once

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.store.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "receipt",
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("received_at", bot.store.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "key"),
    )
    op.create_index(op.f("ix_receipt_received_at"), "receipt", ["received_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_receipt_received_at"), table_name="receipt")
    op.drop_table("receipt")
