"""What README "Run in production" promises of the processes: the Procfile's web process takes its worker count
from WEB_CONCURRENCY or MALL_WORKERS, neither process starts with the job queue on a Redis Cluster, and the
demo (published passwords) is never seeded into a mall with demo = false."""

import subprocess
from pathlib import Path

import pytest

from mall import cli
from mall.app import Misconfigured, check_topology
from mall.config import load_settings

ROOT = Path(__file__).resolve().parents[2]
CLUSTER = "redis+cluster://10.0.0.1:7000,10.0.0.2:7000"
PRODUCTION = {"MALL_MONGO_URL": "mongodb://db1/?replicaSet=rs0", "MALL_REDIS_URL": CLUSTER}


def web_command(**environ) -> str:
    line = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:"))
    said = subprocess.run(["/bin/sh", "-c", f"echo {line[4:]}"], env={"PORT": "5000", **environ}, capture_output=True)
    return said.stdout.decode().strip()


def test_the_procfile_web_process_takes_web_concurrency_then_mall_workers_then_4():
    assert web_command().endswith("--port 5000 --workers 4")
    assert web_command(MALL_WORKERS="3").endswith("--workers 3")
    assert web_command(MALL_WORKERS="3", WEB_CONCURRENCY="6").endswith("--workers 6")


def test_a_job_queue_on_a_redis_cluster_is_refused_with_the_reason_and_a_plain_one_beside_it_is_fine():
    with pytest.raises(Misconfigured, match="MALL_QUEUE_REDIS_URL to a plain Redis"):
        check_topology(load_settings(environ=PRODUCTION))
    check_topology(load_settings(environ={**PRODUCTION, "MALL_QUEUE_REDIS_URL": "redis://queue:6379"}))


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_neither_process_starts_with_the_queue_on_the_cluster(command, monkeypatch, capsys):
    for key, value in PRODUCTION.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("MALL_QUEUE_REDIS_URL", raising=False)
    assert cli.main([command]) == 2
    assert "cannot run on a Redis Cluster" in capsys.readouterr().err


def test_the_demo_is_never_seeded_into_a_mall_with_demo_off(monkeypatch, capsys):
    monkeypatch.setenv("MALL_DEMO", "false")
    monkeypatch.setenv("MALL_MONGO_URL", "mongodb://db1/?replicaSet=rs0")  # never reached: refused before
    assert cli.main(["seed"]) == 2
    assert "published password" in capsys.readouterr().err
