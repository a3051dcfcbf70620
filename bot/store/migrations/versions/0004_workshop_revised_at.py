"""workshop.revised_at: when the program was last saved, so an older file is not loaded over it

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.store.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workshop") as batch_op:
        batch_op.add_column(sa.Column("revised_at", bot.store.types.UTCDateTime(),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("workshop") as batch_op:
        batch_op.drop_column("revised_at")
