"""Autosave sequence numbers, the history of audited regrades, and certificates to review after one

Revision ID: 7c3e5a91d2b4
Revises: 466b819ffddc
Create Date: 2026-11-26 21:32:00.000000
"""

import sqlalchemy as sa
from alembic import op

import training_app.db

revision = '7c3e5a91d2b4'
down_revision = '466b819ffddc'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('regrade_history', sa.JSON(), nullable=True))
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_needed_at', training_app.db.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_column('review_needed_at')
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.drop_column('regrade_history')
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_column('seq')
