"""Course drafts, course editors and authoring settings

Revision ID: f3700c6cc9fc
Revises: e0448e85e746
Create Date: 2026-11-26 18:03:00.242493
"""

import sqlalchemy as sa
from alembic import op

import training_app.db

revision = 'f3700c6cc9fc'
down_revision = 'e0448e85e746'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('authoring_settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_at', training_app.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_authoring_settings'))
    )
    op.create_table('course_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.Column('translated_from', sa.JSON(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('base_version', sa.Integer(), nullable=True),
    sa.Column('created_at', training_app.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', training_app.db.UTCDateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_course_drafts_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_drafts')),
    sa.UniqueConstraint('slug', name=op.f('uq_course_drafts_slug'))
    )
    op.create_table('course_editors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_slug', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('is_owner', sa.Boolean(), nullable=False),
    sa.Column('added_at', training_app.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_course_editors_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_editors')),
    sa.UniqueConstraint('course_slug', 'user_id', name=op.f('uq_course_editors_course_slug'))
    )
    with op.batch_alter_table('course_editors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_editors_course_slug'), ['course_slug'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_editors_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('course_editors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_editors_user_id'))
        batch_op.drop_index(batch_op.f('ix_course_editors_course_slug'))

    op.drop_table('course_editors')
    op.drop_table('course_drafts')
    op.drop_table('authoring_settings')
