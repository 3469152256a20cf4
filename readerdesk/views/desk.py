"""The moderation desk (staff only)."""

from flask import Blueprint, render_template
from sqlalchemy import select

from readerdesk.extensions import db
from readerdesk.models import Correction
from readerdesk.views.access import staff_required

bp = Blueprint("desk", __name__, url_prefix="/desk")


@bp.get("/")
@staff_required
def index():
    corrections = db.session.scalars(select(Correction).order_by(Correction.id.desc()).limit(50)).all()
    return render_template("desk/index.html", corrections=corrections)
