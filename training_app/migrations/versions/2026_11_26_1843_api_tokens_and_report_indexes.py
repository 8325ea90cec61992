"""API tokens, and the indexes of the completion report and item analysis

Revision ID: e6a1cf4f4368
Revises: f3700c6cc9fc
Create Date: 2026-11-26 18:43:25.889242
"""

import sqlalchemy as sa
from alembic import op

import training_app.db

revision = 'e6a1cf4f4368'
down_revision = 'f3700c6cc9fc'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('created_at', training_app.db.UTCDateTime(), nullable=False),
    sa.Column('expires_at', training_app.db.UTCDateTime(), nullable=True),
    sa.Column('revoked_at', training_app.db.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.create_index('ix_attempts_quiz_id_number', ['quiz_id', 'number'], unique=False)

    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.create_index('ix_enrolments_course_id_completed_at', ['course_id', 'completed_at'], unique=False)
        batch_op.create_index('ix_enrolments_course_id_enrolled_at', ['course_id', 'enrolled_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_index('ix_enrolments_course_id_enrolled_at')
        batch_op.drop_index('ix_enrolments_course_id_completed_at')

    with op.batch_alter_table('attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_attempts_quiz_id_number')

    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
