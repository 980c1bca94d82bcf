"""recipebox: recipes and one merged shopping list, on a WSGI server or AWS Lambda."""

__version__ = "0.1.0"
