"""attempt results

Revision ID: 0e9c425febad
Revises: 4624069a5ddb
Create Date: 2026-11-26 17:54:26.578751
"""

import sqlalchemy as sa
from alembic import op

revision = '0e9c425febad'
down_revision = '4624069a5ddb'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('results', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.drop_column('results')
