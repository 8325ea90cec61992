"""The learner's pages: dashboard, catalogue, course and lesson player."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

bp = Blueprint("learn", __name__)


@bp.get("/")
def home():
    return redirect(url_for("learn.dashboard" if current_user.is_authenticated else "auth.login"))


@bp.get("/dashboard")
@login_required
def dashboard():
    return render_template("learn/dashboard.html")
