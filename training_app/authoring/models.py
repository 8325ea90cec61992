"""Trainers' drafts of courses, who may edit which course, and the authoring settings.

The published course stays in the learn tables (what learners see). A draft holds the course as a
package document: the same structure and per-language words as the files of docs/course-format.md.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from training_app.db import Base, UTCDateTime


class CourseDraft(Base):
    __tablename__ = "course_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    #: the course as a package document: structure, quizzes, {lang: words}, media (see authoring/document.py)
    document: Mapped[dict] = mapped_column(JSON)
    #: {json path of a field: {lang: hash of the English text it was translated from}}
    translated_from: Mapped[dict] = mapped_column(JSON)
    #: raised at every save; a save that read an older revision is refused
    revision: Mapped[int]
    #: the published version this draft started from (None: never published)
    base_version: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class CourseEditor(Base):
    """A trainer who may edit a course (by slug, so a course not yet published has editors too)."""

    __tablename__ = "course_editors"
    __table_args__ = (UniqueConstraint("course_slug", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_slug: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: the owner may add and remove the other editors
    is_owner: Mapped[bool] = mapped_column(default=False)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuthoringSetting(Base):
    """Site-wide authoring settings an administrator changes (key → JSON value)."""

    __tablename__ = "authoring_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ImageUpload(Base):
    """An image a trainer uploaded, weighed against their upload quota; the same image counts once per user."""

    __tablename__ = "image_uploads"
    __table_args__ = (UniqueConstraint("user_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: the stored file's name without its extension (media files are named by the hash of their bytes)
    sha256: Mapped[str] = mapped_column(String(64))
    #: what the upload put in the media folder: the re-encoded image and its smaller copies
    size_bytes: Mapped[int]
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
