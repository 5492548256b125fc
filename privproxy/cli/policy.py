"""`privproxy policy`: validate, test and compare policy files (and the detector packs they load)."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer

from ..errors import PolicyError, PrivProxyError
from ._shared import err, make_guard, out, policy_app, progress, summary, usage_error

FilesArgument = Annotated[
    list[Path], typer.Argument(help="Policy files, or folders of them (each *.yaml / *.yml in it).")
]


def _expand(targets: list[Path]) -> list[Path]:
    """Files as given, folders as the policy files in them; a folder without any is an error."""
    files: list[Path] = []
    for target in targets:
        if target.is_dir():
            found = sorted([*target.glob("*.yaml"), *target.glob("*.yml")])
            if not found:
                raise usage_error(f"no policy files (*.yaml) in the folder {target}")
            files.extend(found)
        else:
            files.append(target)
    return files


@policy_app.command("validate")
def policy_validate(files: FilesArgument) -> None:
    """Check each policy and every pack it loads: schema, meaning, regexes, duplicated keys, detector
    examples. Print every problem as file:line:col: problem (hint); exit 1 on any."""
    from ..policy.validate import validate_file

    paths = _expand(files)
    started = time.perf_counter()
    bad = problems_total = 0
    with progress("validating", total=len(paths)) as advance:
        for path in paths:

            def stage(text: str, name: str = path.name) -> None:
                advance(0, description=f"{name}: {text}")

            stage("reading")
            notes: list[str] = []
            problems = validate_file(path, progress=stage, notes=notes)
            if not problems:
                out.print(f"{path}: OK", highlight=False, markup=False)
            for note in notes:
                out.print(f"note: {note}", markup=False, highlight=False, soft_wrap=True)
            for problem in problems:
                out.print(str(problem), markup=False, highlight=False, soft_wrap=True)
            bad += bool(problems)
            problems_total += len(problems)
            advance()
    result = f"{len(paths) - bad} OK" + (f", {bad} with {problems_total} problems" if bad else "")
    summary(started, f"validated {len(paths)} policy files: {result}")
    raise typer.Exit(1 if bad else 0)


@policy_app.command("schema")
def policy_schema() -> None:
    """Print the policy file's JSON Schema (for editor autocompletion)."""
    from ..policy.validate import json_schema

    print(json.dumps(json_schema(), indent=2))


@policy_app.command("test")
def policy_test(
    targets: Annotated[
        list[Path] | None, typer.Argument(help="Policy files, or folders of them (default: policies/).")
    ] = None,
) -> None:
    """Run each policy's `tests:` and every detector example of its packs; print a pass/fail table;
    exit 1 on a failure or a policy without tests. Placeholders use a fixed test key, so a
    `sanitized:` expectation can be written out (see policies/README.md)."""
    from .._console import new_table
    from ..detect.examples import example_count, example_problems
    from ..policy.fixtures import POLICY_TEST_KEY, run_policy_tests

    paths = _expand(targets or [Path("policies")])
    view = new_table("policy tests", ("policy", "#", "test", "result", "detail"))
    failed = False
    started = time.perf_counter()
    counts = {"pass": 0, "FAIL": 0}
    with tempfile.TemporaryDirectory() as scratch, progress("policy tests", total=len(paths)) as advance:
        for path in paths:
            advance(0, description=f"{path.name}: loading the policy and detectors")
            try:
                guard = make_guard(
                    path, audit_log=str(Path(scratch) / "audit.jsonl"), hmac_key=POLICY_TEST_KEY
                )
            except PrivProxyError as exc:
                failed = True
                counts["FAIL"] += 1
                view.add_row(path.name, "-", "(policy does not load)", "[red]ERROR[/red]", _plain(exc))
                advance()
                continue
            advance(0, description=f"{path.name}: running {len(guard.policy.tests)} tests")
            results = run_policy_tests(guard)
            if not results:
                failed = True
                counts["FAIL"] += 1
                view.add_row(path.name, "-", "(no tests)", "[red]FAIL[/red]", "a policy must carry tests:")
            for result in results:
                failed = failed or not result.passed
                counts["pass" if result.passed else "FAIL"] += 1
                verdict = "[green]pass[/green]" if result.passed else "[red]FAIL[/red]"
                view.add_row(
                    path.name,
                    str(result.index + 1),
                    _plain(result.name),
                    verdict,
                    _plain("; ".join(result.problems)),
                )
            packs = guard.detector.packs
            advance(0, description=f"{path.name}: checking {example_count(packs)} detector examples")
            wrong = example_problems(guard.detector, guard.policy.detection)
            if wrong:
                failed = True
                counts["FAIL"] += len(wrong)
                for problem in wrong:
                    view.add_row(path.name, "-", "detector example", "[red]FAIL[/red]", _plain(problem))
            else:
                counts["pass"] += 1
                view.add_row(
                    path.name, "-", f"detector examples ({example_count(packs)})", "[green]pass[/green]", ""
                )
            advance()
    out.print(view)
    summary(started, f"policy tests: {counts['pass']} passed, {counts['FAIL']} failed")
    raise typer.Exit(1 if failed else 0)


def _plain(value: object) -> str:
    """Text for a table cell, with rich markup characters escaped (a test name may hold '[')."""
    from rich.markup import escape

    return escape(str(value))


@policy_app.command("diff")
def policy_diff(
    old: Annotated[Path, typer.Argument(help="The policy in force.")],
    new: Annotated[Path, typer.Argument(help="The proposed policy.")],
    corpus: Annotated[
        Path,
        typer.Option(
            "--corpus", metavar="FILE", help='JSONL of prompts, one {"text": ..., "context": {...}} per line.'
        ),
    ],
    examples: Annotated[int, typer.Option(metavar="N", help="Examples to show per change.")] = 3,
) -> None:
    """Run both policies over a corpus and show where their decisions differ (values masked)."""
    from ..corpus import count_lines
    from ..explain import diff_policies, render_diff

    if not corpus.is_file():  # before two detector builds, not after
        raise usage_error(f"cannot read {corpus}: no such file")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        try:
            with progress("loading both policies"):
                guards = (
                    make_guard(old, audit_log=str(Path(scratch) / "a.jsonl")),
                    make_guard(new, audit_log=str(Path(scratch) / "b.jsonl")),
                )
            with progress(f"comparing over {corpus.name}", total=count_lines(corpus)) as advance:
                report = diff_policies(*guards, corpus, examples, progress=advance)
        except (PolicyError, PrivProxyError, OSError, ValueError) as exc:
            err.print(f"error: {exc}", markup=False)
            raise typer.Exit(1) from None
    render_diff(report, out)
    summary(started, f"compared {report['prompts']} prompts: {report['changed']} decisions differ")
