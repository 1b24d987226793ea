"""A real Redis Cluster for the tests: three masters of Debian's redis-server (7.0) on loopback ports, joined with
`redis-cli --cluster create`, each slot range on its own node; stopped and deleted afterwards."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

SERVER = "redis-server"
CLI = "redis-cli"
MISSING = "redis-server / redis-cli (7.0) are missing: run `make redis-deps` (apt-get install redis-server)"


class LoopbackCluster:
    def __init__(self, directory: Path, masters: int = 3):
        self.directory = Path(directory)
        self.masters = masters
        self.ports: list[int] = []
        self.processes: list[subprocess.Popen] = []

    @property
    def url(self) -> str:
        """The app's cluster URL (mall.infra.redis): every node as a seed."""
        return "redis+cluster://" + ",".join(f"127.0.0.1:{port}" for port in self.ports)

    def start(self, timeout: float = 20.0) -> LoopbackCluster:
        if not (shutil.which(SERVER) and shutil.which(CLI)):
            raise RuntimeError(MISSING)
        try:
            for n in range(self.masters):
                self._launch(n)
            for port in self.ports:
                _wait(lambda port=port: _cli(port, "PING") == "PONG", timeout, f"redis-server on {port}")
            nodes = [f"127.0.0.1:{port}" for port in self.ports]
            created = subprocess.run(
                [CLI, "--cluster", "create", *nodes, "--cluster-replicas", "0", "--cluster-yes"],
                capture_output=True, text=True, timeout=timeout, check=False,
            )  # fmt: skip
            if created.returncode != 0:
                raise RuntimeError(f"redis-cli --cluster create failed: {created.stdout[-500:]}{created.stderr}")
            _wait(self._agreed, timeout, "the cluster to agree on its slots")
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()
        shutil.rmtree(self.directory, ignore_errors=True)

    def process_of(self, port: int) -> subprocess.Popen:
        return self.processes[self.ports.index(int(port))]

    def _launch(self, n: int) -> None:
        port, bus = _free_port(), _free_port()  # a node's cluster bus gets its own port (redis 7's cluster-port)
        home = self.directory / str(n)
        home.mkdir(parents=True, exist_ok=True)
        args = [
            SERVER,
            *("--port", str(port), "--bind", "127.0.0.1", "--cluster-port", str(bus)),
            *("--cluster-enabled", "yes", "--cluster-config-file", str(home / "nodes.conf")),
            *("--cluster-node-timeout", "2000", "--dir", str(home), "--save", "", "--appendonly", "no"),
            *("--logfile", str(home / "redis.log"), "--daemonize", "no"),
        ]
        self.processes.append(subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        self.ports.append(port)

    def _agreed(self) -> bool:
        """Every node says the cluster is ok and knows every other node."""
        for port in self.ports:
            info = _cli(port, "CLUSTER", "INFO")
            if "cluster_state:ok" not in info or f"cluster_known_nodes:{self.masters}" not in info:
                return False
        return True


def _cli(port: int, *command: str) -> str:
    done = subprocess.run([CLI, "-p", str(port), *command], capture_output=True, text=True, timeout=5, check=False)
    return done.stdout.strip()


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.05)  # polling a condition, bounded by the deadline


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
