"""A local stand-in for Lambda's HTTP front doors: browse the site as it behaves on AWS.

``recipebox lambda serve --shape rest|http|url|alb`` listens on 127.0.0.1 (no Docker), turns
every request into exactly the event that front door would send (``doors``), invokes the
handler (``recipebox.aws.handlers:web`` by default) once per request like one warm container,
and turns its result back into the HTTP response AWS would send (``server``). The site then
lives where it would on AWS: under ``/dev/`` for a REST API stage, with API Gateway's own 403
for URLs outside the stage.

From a test::

    server, url = start_emulator("rest", "dev")   # url == "http://127.0.0.1:PORT/dev/"
    ...
    server.stop()
"""

from recipebox.aws.emulator.doors import SHAPES, FrontDoor, front_door
from recipebox.aws.emulator.exchange import Reply, Request
from recipebox.aws.emulator.server import (
    DEFAULT_HANDLER,
    EmulatorServer,
    LambdaContext,
    load_handler,
    start_emulator,
)

__all__ = [
    "DEFAULT_HANDLER",
    "SHAPES",
    "EmulatorServer",
    "FrontDoor",
    "LambdaContext",
    "Reply",
    "Request",
    "front_door",
    "load_handler",
    "start_emulator",
]
