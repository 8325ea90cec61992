"""Image uploads, weighed against each trainer's upload quota

Revision ID: 466b819ffddc
Revises: 5b1d0e7a9c42
Create Date: 2026-11-26 21:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

import training_app.db

revision = '466b819ffddc'
down_revision = '5b1d0e7a9c42'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('image_uploads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', training_app.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_image_uploads_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_image_uploads')),
    sa.UniqueConstraint('user_id', 'sha256', name=op.f('uq_image_uploads_user_id'))
    )


def downgrade() -> None:
    op.drop_table('image_uploads')
