#!/usr/bin/env python3
"""`make bench`: measure the project's figures, write them to build/bench.json, print a table.

Each figure has a target; a figure over its target is reported (exit code 1), never hidden.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAMBDA_DIR = ROOT / "build" / "lambda"


@dataclass(frozen=True)
class Figure:
    key: str
    value: float
    target: float
    unit: str

    @property
    def met(self) -> bool:
        return self.value <= self.target


def package_zip_bytes() -> float:
    """All Lambda artifacts together (code and dependencies)."""
    zips = sorted(LAMBDA_DIR.glob("*.zip"))
    if not zips:
        raise SystemExit("no Lambda zips in build/lambda: run `make build` first")
    return float(sum(path.stat().st_size for path in zips))


def code_zip_bytes() -> float:
    """The project's own code."""
    return float((LAMBDA_DIR / "ses_smtp.zip").stat().st_size)


def _api_calls(operation: str) -> float:
    """AWS calls one credential operation makes, counted with botocore event hooks on moto."""
    sys.path.insert(0, str(ROOT))
    from ses_smtp.credentials import Caller
    from ses_smtp.local import emulator_gaps
    from tests.unit.aws_world import aws_world, counted

    emulator_gaps.install()
    with aws_world() as world:
        credentials = world.credentials()
        if operation == "create":
            return float(
                counted(world.log, lambda: credentials.create("alice", ["alice@example.com"], Caller("bench")))
            )
        credentials.create("alice", ["alice@example.com"], Caller("bench"))
        if operation == "rotate":
            return float(counted(world.log, lambda: credentials.rotate("alice", Caller("bench"))))
        for name in ("bob", "carol"):
            credentials.create(name, [f"{name}@example.com"], Caller("bench"))
        for name in ("alice", "bob", "carol"):
            credentials.rotate(name, Caller("bench"), retire_after=timedelta(days=1))
        world.now[0] += timedelta(days=2)
        calls = counted(world.log, credentials.retire_expired)
        scan_calls = 1  # one page of the table, shared by every key the run retires
        return (calls - scan_calls) / 3


def api_calls_per_delivery_event() -> float:
    """AWS calls the events handler makes per Delivery event (EMF metrics are log lines, not calls)."""
    sys.path.insert(0, str(ROOT))
    from ses_smtp.admin.deployment import LocalContext, logs_to
    from ses_smtp.events import RecipientHistory
    from ses_smtp.handlers import events as handler
    from tests.unit.aws_world import aws_world
    from tests.unit.ses_samples import ses_event, sqs_event

    with aws_world() as world:
        recorded = RecipientHistory(world.session.client("dynamodb"), world.settings.table_name)
        handler.history = lambda: recorded  # type: ignore[assignment]
        before = len(world.log.calls)
        with open(os.devnull, "w") as sink, logs_to(sink):
            for batch in range(10):
                handler.handler(
                    sqs_event(*(ses_event("Delivery", f"m-{batch}-{i}") for i in range(10))), LocalContext("e")
                )
        return (len(world.log.calls) - before) / 100


MEASURES: list[tuple[str, Callable[[], float], float, str]] = [
    ("package_zip_bytes", package_zip_bytes, 10_000_000, "bytes"),
    ("code_zip_bytes", code_zip_bytes, 200_000, "bytes"),
    ("api_calls_create", lambda: _api_calls("create"), 6, "calls"),
    ("api_calls_rotate", lambda: _api_calls("rotate"), 4, "calls"),
    ("api_calls_retire_per_key", lambda: _api_calls("retire"), 3, "calls"),
    ("api_calls_per_delivery_event", api_calls_per_delivery_event, 0, "calls"),
]


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=ROOT / "build" / "bench.json")
    args = parser.parse_args(argv)

    for name, value in {
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }.items():
        os.environ[name] = value  # moto only: the bench never reaches AWS
    os.environ.pop("AWS_ENDPOINT_URL", None)
    figures = [Figure(key, measure(), target, unit) for key, measure, target, unit in MEASURES]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({figure.key: figure.value for figure in figures}, indent=2) + "\n")

    width = max(len(figure.key) for figure in figures)
    print(f"{'figure'.ljust(width)}  {'value':>14}  {'target':>14}  unit   met")
    for figure in figures:
        print(
            f"{figure.key.ljust(width)}  {_number(figure.value):>14}  {'<= ' + format(figure.target, ',.0f'):>14}  "
            f"{figure.unit:<5}  {'yes' if figure.met else 'NO'}"
        )
    print(f"\nwritten to {args.output}")
    details = {figure.key: asdict(figure) for figure in figures}
    (args.output.with_name("bench-details.json")).write_text(json.dumps(details, indent=2) + "\n")
    return 0 if all(figure.met for figure in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
