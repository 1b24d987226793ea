"""The Makefile installs the Debian packages it needs the same way everywhere: apt-get as root, through sudo
otherwise (`make bench` used to call apt-get bare)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGETS = ("bench", "bench-flash", "browser-deps", "redis-deps")


def dry_run(target: str, uid: int, bin_dir: Path) -> str:
    """`make -n target` (nothing runs) as a user with this uid (a stand-in `id` on the PATH)."""
    fake_id = bin_dir / "id"
    fake_id.write_text(f"#!/bin/sh\necho {uid}\n")
    fake_id.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    make = shutil.which("make")
    done = subprocess.run([make, "-n", target], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def test_a_user_who_is_not_root_installs_through_sudo(tmp_path):
    for target in TARGETS:
        said = dry_run(target, 1000, tmp_path)
        assert "sudo apt-get update" in said and "sudo env DEBIAN_FRONTEND=noninteractive apt-get install" in said
        through_sudo = said.count("sudo apt-get") + said.count("sudo env DEBIAN_FRONTEND=noninteractive apt-get")
        assert said.count("apt-get") == through_sudo  # every call


def test_root_installs_without_sudo(tmp_path):
    for target in TARGETS:
        said = dry_run(target, 0, tmp_path)
        assert "apt-get install" in said and "sudo" not in said


def test_make_test_installs_redis_server_for_the_cluster_tests_when_it_is_missing(tmp_path):
    said = dry_run("test", 0, tmp_path)
    assert "command -v redis-server" in said and "apt-get install -y -qq redis-server" in said
