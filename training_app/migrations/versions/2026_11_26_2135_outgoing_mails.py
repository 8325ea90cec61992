"""The mail outbox: invitations and reset links queued in the transaction that causes them

Revision ID: 0c7d2e9b14a6
Revises: 7c3e5a91d2b4
Create Date: 2026-11-26 21:35:00.000000
"""

import sqlalchemy as sa
from alembic import op

import training_app.db

revision = '0c7d2e9b14a6'
down_revision = '7c3e5a91d2b4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('outgoing_mails',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('to', sa.String(length=320), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', training_app.db.UTCDateTime(), nullable=False),
    sa.Column('next_attempt_at', training_app.db.UTCDateTime(), nullable=True),
    sa.Column('expires_at', training_app.db.UTCDateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('sent_at', training_app.db.UTCDateTime(), nullable=True),
    sa.Column('failed_at', training_app.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_outgoing_mails_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_mails'))
    )
    with op.batch_alter_table('outgoing_mails', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outgoing_mails_next_attempt_at'), ['next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outgoing_mails_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outgoing_mails', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outgoing_mails_user_id'))
        batch_op.drop_index(batch_op.f('ix_outgoing_mails_next_attempt_at'))

    op.drop_table('outgoing_mails')
