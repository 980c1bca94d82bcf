"""What several benchmarks start or fill before they measure: a moto server, a demo storage.

Imported by the bench scripts (bench/ is on sys.path when a script runs); never by recipebox.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def moto_endpoint() -> Iterator[str]:
    """A moto server on a free 127.0.0.1 port; stopped (killed if it will not stop) on exit.

    Sets fake AWS credentials in this process: only that local endpoint is ever called.
    """
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1"
    )
    cmd = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("moto server did not start") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:  # a busy moto server can ignore SIGTERM for long
            proc.kill()
            proc.wait()


def prepare_demo_storage(url: str) -> None:
    """Migrate the storage at `url` and add the demo recipes (idempotent)."""
    from recipebox.services.seeding import load_demo
    from recipebox.store import open_store

    store = open_store(url)
    try:
        store.upgrade()
        load_demo(store)
    finally:
        store.close()
