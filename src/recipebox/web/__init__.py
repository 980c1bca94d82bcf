"""The recipebox web application."""

from recipebox.web.app import create_app

__all__ = ["create_app"]
