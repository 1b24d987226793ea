"""Lighthouse (mobile, its default) on the home, search and product pages of the mall with its demo data.

Starts the mall (embedded, demo data, one worker), installs Lighthouse 12.2.3 with npm into a cache folder
the first time (13.x needs Node 22; 12.2.3 runs on Node 20), and runs it against Debian's Chromium for each
page, `--runs` times. Prints the four scores (median performance of the runs) with the metrics behind
performance, and the performance audits that did not pass, so what to fix is in front of you.

    python bench/lighthouse.py [--runs 3] [--preset desktop] [--url http://127.0.0.1:8000] [--keep DIR]

Performance moves with the machine's load (FACTS.md); accessibility, best practices and SEO do not."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from screenshots import ROOT, free_port, wait_ready

LIGHTHOUSE = "lighthouse@12.2.3"
CACHE = Path(os.environ.get("MALL_LIGHTHOUSE_DIR", Path.home() / ".cache" / "mall-lighthouse"))
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
    "speed-index": "SI",
}


def lighthouse_bin() -> Path:
    binary = CACHE / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        print(f"installing {LIGHTHOUSE} into {CACHE} (once)", flush=True)
        subprocess.run(["npm", "i", "-E", LIGHTHOUSE, "--no-audit", "--no-fund"], cwd=CACHE, check=True)
    return binary


def a_product(base: str) -> str:
    """A listed product of the demo (the first result for 茶)."""
    with urllib.request.urlopen(f"{base}/api/v1/products?q=%E8%8C%B6", timeout=30) as answer:  # noqa: S310 (loopback)
        return json.loads(answer.read())["items"][0]["id"]


def audit(binary: Path, url: str, out: Path, preset: str | None) -> dict:
    command = [str(binary), url, f"--chrome-flags={CHROME_FLAGS}", "--output=json", f"--output-path={out}", "--quiet"]
    if preset:
        command.append(f"--preset={preset}")
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": "/usr/bin/chromium"}, timeout=300)
    return json.loads(out.read_text())


def summary(report: dict) -> tuple[dict, dict, list[str]]:
    scores = {name: round(100 * (report["categories"][name]["score"] or 0)) for name in CATEGORIES}
    audits = report["audits"]
    metrics = {short: audits[key].get("displayValue", "?") for key, short in METRICS.items() if key in audits}
    performance = {ref["id"] for ref in report["categories"]["performance"]["auditRefs"]}
    failing = [
        f"{audits[key]['title']}: {audits[key].get('displayValue', '')}".rstrip(": ")
        for key in sorted(performance)
        if audits[key].get("score") is not None and audits[key]["score"] < 0.9 and key not in METRICS
    ]
    return scores, metrics, failing


def run(base: str, args) -> None:
    binary = lighthouse_bin()
    pages = [("home", "/"), ("search 茶", "/search?q=%E8%8C%B6"), ("product", f"/p/{a_product(base)}")]
    out_dir = Path(args.keep or tempfile.mkdtemp(prefix="mall-lighthouse-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    print(f"Lighthouse {LIGHTHOUSE.split('@')[1]}, {args.preset or 'mobile'}, {args.runs} run(s) per page; "
          f"load average {os.getloadavg()[0]:.2f}")  # fmt: skip
    rows = []
    for label, path in pages:
        runs = []
        for n in range(args.runs):
            report = audit(binary, base + path, out_dir / f"{label.split()[0]}-{n}.json", args.preset)
            runs.append(summary(report))
        runs.sort(key=lambda found: found[0]["performance"])
        scores, metrics, failing = runs[len(runs) // 2]  # the median run by performance
        rows.append((label, [found[0]["performance"] for found in runs], scores, metrics, failing))
    print(f"\n{'page':12} {'perf':>5} {'a11y':>5} {'b.p.':>5} {'seo':>5}  runs   metrics of the median run")
    for label, all_performance, scores, metrics, _failing in rows:
        values = " ".join(f"{k} {v}" for k, v in metrics.items())
        print(f"{label:12} {scores['performance']:5d} {scores['accessibility']:5d} {scores['best-practices']:5d} "
              f"{scores['seo']:5d}  {'/'.join(map(str, all_performance)):6} {values}")  # fmt: skip
    for label, _all, _scores, _metrics, failing in rows:
        if failing:
            print(f"\n{label}: performance audits below 90")
            for line in failing:
                print(f"  - {line}")
    if not args.keep:
        shutil.rmtree(out_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--preset", choices=("desktop",), help="laptop instead of the default mobile")
    parser.add_argument("--url", help="an already running mall (default: start one with the demo)")
    parser.add_argument("--keep", help="keep the JSON reports in this folder")
    args = parser.parse_args()
    if not shutil.which("npm"):
        raise SystemExit("npm is missing: Lighthouse needs Node 20 and npm")
    if args.url:
        run(args.url.rstrip("/"), args)
        return
    port = free_port()
    var = tempfile.mkdtemp(prefix="mall-lh-")
    env = {**os.environ, "MALL_PORT": str(port), "MALL_VAR_DIR": var, "MALL_PUBLIC_URL": f"http://127.0.0.1:{port}",
           "MALL_ACCESS_LOG": "false"}  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "mall", "serve"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_ready(f"http://127.0.0.1:{port}/")
        run(f"http://127.0.0.1:{port}", args)
    finally:
        server.terminate()
        server.wait(15)
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
