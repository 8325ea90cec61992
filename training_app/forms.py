"""Forms shared by every capability."""

from flask_wtf import FlaskForm


class ActionForm(FlaskForm):
    """A token-only form for buttons that just POST."""
