"""Course packages (docs/course-format.md): load, validate, export, and render their Markdown.

Pure Python: no Flask, no database. The app imports packages through `load_package`, the
`training-app validate-courses` command prints `validate_paths`, and `export-course` calls
`export_package`.
"""

from .export import export_package
from .load import load_package
from .markdown import ImageReference, ImageSource, image_references, render_markdown
from .model import (
    QUESTION_KINDS,
    SOURCE_LANGUAGE,
    SUPPORTED_LANGUAGES,
    TOPICS,
    Case,
    CoursePackage,
    CourseText,
    DrawRule,
    LessonText,
    Module,
    ModuleText,
    PackageError,
    Problem,
    Quiz,
    QuizText,
    Source,
    Translation,
)
from .validate import validate_paths

__all__ = [
    "QUESTION_KINDS",
    "SOURCE_LANGUAGE",
    "SUPPORTED_LANGUAGES",
    "TOPICS",
    "Case",
    "CoursePackage",
    "CourseText",
    "DrawRule",
    "ImageReference",
    "ImageSource",
    "LessonText",
    "Module",
    "ModuleText",
    "PackageError",
    "Problem",
    "Quiz",
    "QuizText",
    "Source",
    "Translation",
    "export_package",
    "image_references",
    "load_package",
    "render_markdown",
    "validate_paths",
]
