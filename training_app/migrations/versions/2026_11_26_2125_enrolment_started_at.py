"""When each enrolment was started, so reports need not search progress and attempts per row

Revision ID: 5b1d0e7a9c42
Revises: e6a1cf4f4368
Create Date: 2026-11-26 21:25:00
"""

import sqlalchemy as sa
from alembic import op

import training_app.db

revision = '5b1d0e7a9c42'
down_revision = 'e6a1cf4f4368'
branch_labels = None
depends_on = None

# The first lesson read or quiz started in the enrolment's course; a completed enrolment without either
# (not made by the application, but possible in old data) counts as started when it was completed.
BACKFILL = """
UPDATE enrolments SET started_at = (
    SELECT MIN(event.at) FROM (
        SELECT lesson_progress.completed_at AS at FROM lesson_progress
        JOIN lessons ON lessons.id = lesson_progress.lesson_id
        WHERE lesson_progress.user_id = enrolments.user_id AND lessons.course_id = enrolments.course_id
        UNION ALL
        SELECT attempts.started_at AS at FROM attempts
        JOIN quizzes ON quizzes.id = attempts.quiz_id
        JOIN modules ON modules.id = quizzes.module_id
        WHERE attempts.user_id = enrolments.user_id AND modules.course_id = enrolments.course_id
    ) AS event
)
"""


def upgrade() -> None:
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('started_at', training_app.db.UTCDateTime(), nullable=True))
    op.execute(BACKFILL)
    op.execute("UPDATE enrolments SET started_at = completed_at WHERE started_at IS NULL AND completed_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_column('started_at')
