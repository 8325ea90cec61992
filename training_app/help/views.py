"""Help pages for learners, trainers and administrators, in the page's language. Public: a person who
cannot sign in, or who checks a certificate, needs them too."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("help", __name__, url_prefix="/help")


@bp.get("")
def index():
    return render_template("help/index.html")


@bp.get("/learners")
def learners():
    return render_template("help/learners.html")


@bp.get("/trainers")
def trainers():
    return render_template("help/trainers.html")


@bp.get("/administrators")
def administrators():
    return render_template("help/administrators.html")
