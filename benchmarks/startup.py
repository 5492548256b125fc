"""`make bench` (second part): how long the tools people touch every day take to start, cold.

Each row runs a fresh process (median of several): `import privproxy`, `privproxy --help`, the
`audit` commands on a small log, and a first `Guard()` on the embedded default policy (which loads
litellm, Presidio and spaCy); then, in one process, a second `Guard()` after the first (what a policy
reload or another Guard pays once the models are loaded). Writes benchmarks/results/startup.md.

`--repo PATH` measures another checkout (e.g. the commit before lazy imports) with the same venv.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGETS = {  # row → target in seconds (the "instant CLI" bar)
    "import privproxy": 1.0,
    "privproxy --help": 1.0,
    "privproxy audit verify (8 records)": 1.0,
    "privproxy audit query --entity EMAIL_ADDRESS": 1.0,
    "privproxy audit report": 1.0,
}


def timed(command: list[str], env: dict[str, str], cwd: Path, runs: int) -> float:
    """Median wall seconds of `runs` fresh processes (each must exit 0 or 1)."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
        samples.append(time.perf_counter() - started)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return statistics.median(samples)


def second_guard(python: str, env: dict[str, str], cwd: Path) -> float:
    """Seconds to build a Guard in a process that has already built (and used) one."""
    code = (
        "import time, privproxy\n"
        "privproxy.Guard(audit_log='a.jsonl').inspect('warm up')\n"
        "started = time.perf_counter()\n"
        "privproxy.Guard(audit_log='b.jsonl')\n"
        "print(time.perf_counter() - started)\n"
    )
    done = subprocess.run([python, "-c", code], env=env, cwd=cwd, capture_output=True, text=True, check=True)
    return float(done.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repo", type=Path, default=REPO, help="the checkout to measure")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "startup.md")
    args = parser.parse_args()
    python = sys.executable
    cli = [python, "-c", "import sys; from privproxy.cli import app; sys.argv[0] = 'privproxy'; app()"]
    env = {**os.environ, "PYTHONPATH": str(args.repo.resolve()), "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        log = work / "audit.jsonl"
        env["PRIVPROXY_AUDIT_LOG"] = str(log)
        subprocess.run(  # a small real log: 8 records from a Guard on the default policy
            [
                python,
                "-c",
                "import sys, privproxy\n"
                "from privproxy.audit import AuditLog\n"
                "log = AuditLog(sys.argv[1])\n"
                "for i in range(8):\n"
                "    log.append({'event': 'request', 'request_id': f'pp-{i:032x}', 'action': 'redact',"
                " 'route': 'closed', 'findings': {'EMAIL_ADDRESS': {'count': 1, 'operator': 'placeholder'}}})\n",
                str(log),
            ],
            env=env,
            check=True,
        )
        rows = {
            "import privproxy": [python, "-c", "import privproxy"],
            "privproxy --help": [*cli, "--help"],
            "privproxy audit verify (8 records)": [*cli, "audit", "verify", str(log)],
            "privproxy audit query --entity EMAIL_ADDRESS": [
                *cli,
                "audit",
                "query",
                str(log),
                "--entity",
                "EMAIL_ADDRESS",
            ],
            "privproxy audit report": [*cli, "audit", "report", str(log), "-o", str(work / "r.html")],
            "Guard() ready (imports + policy + detectors)": [
                python,
                "-c",
                "import privproxy; privproxy.Guard(audit_log=r'%s')" % (work / "g.jsonl"),
            ],
        }
        results = {}
        for name, command in rows.items():
            runs = 1 if name.startswith("Guard()") else args.runs
            results[name] = timed(command, env, work, runs)
            print(f"{name:55s} {results[name]:6.2f} s", flush=True)
        again = "a second Guard() in the same process (as a policy reload)"
        results[again] = second_guard(python, env, work)
        print(f"{again:55s} {results[again]:6.2f} s", flush=True)
    lines = [
        "# privproxy start-up times (cold processes)",
        "",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; "
        f"median of {args.runs} runs (Guard rows: 1 run)",
        "",
        "| command | seconds | target |",
        "|---|---|---|",
    ]
    for name, seconds in results.items():
        target = TARGETS.get(name)
        lines.append(f"| `{name}` | {seconds:.2f} | {f'≤ {target:.0f} s' if target else ''} |")
    args.out.write_text("\n".join(lines) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
