"""A Mosquitto broker of the test's own on a free port (started by the test, stopped after it)."""

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, process: subprocess.Popen, *, seconds: float = 10.0) -> None:
    """Bounded: connect until the broker listens, or fail after ``seconds`` (or when it exited)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"mosquitto exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            continue
    raise RuntimeError(f"mosquitto did not listen on {port} within {seconds}s")


@pytest.fixture
def mosquitto(tmp_path: Path) -> Iterator[str]:
    """``mqtt://127.0.0.1:<port>`` of a fresh broker. Skips where mosquitto is not installed, except in
    CI (CI=true), whose .ci/run installs it: there a missing broker fails."""
    with start_mosquitto(tmp_path, "allow_anonymous true\n") as url:
        yield url


@contextmanager
def start_mosquitto(tmp_path: Path, settings: str) -> Iterator[str]:
    """A broker of its own with ``settings`` (mosquitto.conf lines) after its listener."""
    binary = shutil.which("mosquitto") or ("/usr/sbin/mosquitto" if Path("/usr/sbin/mosquitto").exists() else None)
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("mosquitto is not installed (.ci/run installs it)")
        pytest.skip("mosquitto is not installed: apt-get install mosquitto (or make mqtt)")
    port = _free_port()
    config = tmp_path / "mosquitto.conf"
    config.write_text(f"listener {port} 127.0.0.1\npersistence false\n{settings}")
    process = subprocess.Popen(  # noqa: S603 (the installed broker with our own config)
        [binary, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_for_port(port, process)
        yield f"mqtt://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
