"""`/settings`: your name, your units, and links to access tokens and sign-out."""

from __future__ import annotations

import dataclasses

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from recipebox.web.auth import login_required, require_user
from recipebox.web.context import get_store
from recipebox.web.preferences import UNITS_CHOICES, remember_units, units_choice

bp = Blueprint("account", __name__)
NAME_MAX = 80


@bp.get("/settings")
@login_required
def settings() -> ResponseReturnValue:
    """The settings page."""
    user = require_user()
    return render_template(
        "settings.html",
        user=user,
        units=units_choice(),
        units_choices=UNITS_CHOICES,
        error=None,
        display_name=user.display_name or user.name,
    )


@bp.post("/settings")
@login_required
def save_settings() -> ResponseReturnValue:
    """Save the display name and the units preference."""
    user = require_user()
    display_name = " ".join(request.form.get("display_name", "").split())
    if not display_name or len(display_name) > NAME_MAX:
        error = f"Use a name of 1 to {NAME_MAX} characters."
        page = render_template(
            "settings.html",
            user=user,
            units=request.form.get("units", units_choice()),
            units_choices=UNITS_CHOICES,
            error=error,
            display_name=display_name,
        )
        return page, 400
    remember_units(request.form.get("units", ""))
    if display_name != user.display_name:
        get_store().update_user(dataclasses.replace(user, display_name=display_name))
    flash("Settings saved.")
    return redirect(url_for("account.settings"))
