"""A hello-world Flask app on apig-wsgi: the baseline the Lambda benches measure against.

`app` is the WSGI app (one route, `/`, answering text); `lambda_handler` is the smallest
usual way to put it on Lambda, as a deployed function would define it at import.
"""

from __future__ import annotations

from apig_wsgi import make_lambda_handler
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, world!"


lambda_handler = make_lambda_handler(app, binary_support=True)
