#!/usr/bin/env python3
"""`make bench`: measure the project's figures, write them to build/bench.json, print a table.

Each figure has a target; a figure over its target is reported (exit code 1), never hidden.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from contextlib import redirect_stdout
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LAMBDA_DIR = ROOT / "functions" / "dist"  # the committed zips, as `make build` writes them
PRICES = ROOT / "bench" / "prices.json"
HANDLERS = (
    "ses_smtp.handlers.credentials",
    "ses_smtp.handlers.events",
    "ses_smtp.handlers.forwarding",
    "ses_smtp.handlers.reports",
)
# The events mix: what a sending domain's events look like, per 100.
EVENT_MIX = {"Send": 48, "Delivery": 46, "DeliveryDelay": 2, "Bounce": 2, "Complaint": 1, "Reject": 1}


@dataclass(frozen=True)
class Figure:
    key: str
    value: float
    target: float
    unit: str

    @property
    def met(self) -> bool:
        if self.key in SHOWN:
            return True
        return self.value >= self.target if self.key in AT_LEAST else self.value <= self.target

    @property
    def bound(self) -> str:
        if self.key in SHOWN:
            return "(shown)"
        return f">= {_number(self.target)}" if self.key in AT_LEAST else f"<= {_number(self.target)}"


def package_zip_bytes() -> float:
    """All Lambda artifacts together (code and dependencies)."""
    zips = sorted(LAMBDA_DIR.glob("*.zip"))
    if not zips:
        raise SystemExit("no Lambda zips in functions/dist: run `make build` first")
    return float(sum(path.stat().st_size for path in zips))


def code_zip_bytes() -> float:
    """The project's own code."""
    return float((LAMBDA_DIR / "ses_smtp.zip").stat().st_size)


# Per sender, retiring or not: reconcile IAM's keys with the record, read the keys' last use, and (a record
# of an earlier version only, once) check its From policy and the deprecated group.
RETIRE_RUN_CHECKS = ("iam:ListAccessKeys", "iam:GetAccessKeyLastUsed", "iam:GetUserPolicy", "iam:ListGroupsForUser")


def _api_calls(operation: str) -> float:
    """AWS calls one credential operation makes, counted with botocore event hooks on moto."""
    sys.path.insert(0, str(ROOT))
    from ses_smtp.credentials import Caller
    from ses_smtp_local import emulator_gaps
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
        before = len(world.log.calls)
        credentials.retire_expired()
        made = world.log.calls[before:]
        # One ListAccessKeys per sender reconciles IAM with the records, retiring or not.
        if operation == "reconcile":
            return made.count("iam:ListAccessKeys") / 3
        # Checks the run makes of every sender, retiring or not; the rest are the retirements themselves.
        checks = sum(made.count(call) for call in RETIRE_RUN_CHECKS)
        if operation == "retire_checks":
            return checks / 3
        scan_calls = 1  # one page of the table, shared by every key the run retires
        return (len(made) - scan_calls - checks) / 3


def api_calls_per_delivery_event() -> float:
    """AWS calls the events handler makes per Delivery event (EMF metrics are log lines, not calls)."""
    sys.path.insert(0, str(ROOT))
    from tests.unit.aws_world import aws_world
    from tests.unit.functions import EventsFunction, events_app
    from tests.unit.ses_samples import ses_event, sqs_event

    with aws_world() as world:
        function = EventsFunction(events_app(world))  # the world's session counts every call
        before = len(world.log.calls)
        for batch in range(10):
            function(sqs_event(*(ses_event("Delivery", f"m-{batch}-{i}") for i in range(10))))
        return (len(world.log.calls) - before) / 100


def _events_batches(count: int = 10_000) -> list[dict[str, object]]:
    """count events in the module's batch size; half the bounces are transient."""
    from tests.unit.ses_samples import ses_event, sqs_event

    size = int(re.search(r"batch_size\s*=\s*(\d+)", (ROOT / "modules/events/main.tf").read_text())[1])  # type: ignore[index]
    kinds = [kind for kind, share in EVENT_MIX.items() for _ in range(share)]
    events = []
    for number in range(count):
        kind = kinds[number % len(kinds)]
        extra = {"bounceType": "Transient"} if kind == "Bounce" and number % 2 else {}
        events.append(ses_event(kind, f"bench-{number}", **extra))
    return [sqs_event(*events[start : start + size]) for start in range(0, count, size)]


_events_run: dict[str, float] = {}


def _run_events() -> dict[str, float]:
    """One run of the events handler over the mix, and json.loads of the same bodies (SQS body and SNS message)."""
    if _events_run:
        return _events_run
    sys.path.insert(0, str(ROOT))
    from ses_smtp.admin.deployment import LocalContext
    from ses_smtp.handlers import events
    from ses_smtp.handlers.runtime import Powertools
    from ses_smtp.limits import LimitAction, Limits, SenderState, Usage

    class Remembered:
        """DynamoDB writes for permanent bounces and complaints, counted rather than sent: CPU is measured."""

        def remember(self, event: object, recipient: object) -> bool:
            return True

    class Counted:
        """Each sender's counts after a batch (one UpdateItem, one GetItem per sender), counted not sent."""

        def add(self, iam_user: str, counts: Usage, now: object) -> Usage:
            return counts

        def state(self, iam_user: str, defaults: Limits) -> SenderState:
            return SenderState(defaults)

    settings = events.Settings("table", "credentials", LimitAction.ALERT, Limits(), full_recipients=False)
    app = events.App(settings, Remembered, Counted, credentials_function=lambda: None)  # type: ignore[arg-type,return-value]
    handler = events.make_handler(lambda: app, Powertools.for_service("ses-smtp"))
    batches = _events_batches()
    bodies = [record["body"] for batch in batches for record in batch["Records"]]  # type: ignore[attr-defined]
    with open(os.devnull, "w") as sink, redirect_stdout(sink):
        handler(batches[0], LocalContext("ses-smtp-events"))  # first call's lazy imports: a cold start's cost
    # The bench's own heap (moto's state from the figures before) is not the function's: keep the
    # garbage collector from walking it during the timed runs.
    gc.collect()
    gc.freeze()
    # Rounds interleave json.loads and the handler, so a slow moment of the machine weighs on both.
    rounds = [_events_round(handler, batches, bodies) for _ in range(EVENTS_ROUNDS)]
    gc.unfreeze()
    ours = statistics.median(handler_seconds for _, handler_seconds in rounds)
    ratio = statistics.median(plain / handler_seconds for plain, handler_seconds in rounds)
    _events_run.update(events_per_second=len(bodies) / ours, ratio=ratio)
    return _events_run


EVENTS_ROUNDS = 11


def _events_round(
    handler: Callable[..., Any], batches: list[dict[str, object]], bodies: list[Any]
) -> tuple[float, float]:
    """Seconds of json.loads over the bodies (SQS body and SNS message), then of the handler over the batches."""
    from ses_smtp.admin.deployment import LocalContext

    started = time.perf_counter()
    for body in bodies:
        json.loads(json.loads(body)["Message"])
    plain = time.perf_counter() - started
    with open(os.devnull, "w") as sink, redirect_stdout(sink):
        started = time.perf_counter()
        for batch in batches:
            handler(batch, LocalContext("ses-smtp-events"))
        ours = time.perf_counter() - started
    return plain, ours


_forwarding_run: dict[str, float] = {}
# The received-mail mix, per 10: replies with a little HTML, a newsletter, a Google confirmation, an attachment.
FORWARDING_MIX = {"reply": 6, "newsletter": 2, "confirmation": 1, "attachment": 1}


def _received_mail(kind: str, number: int) -> bytes:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = (
        "Bob Partner <bob@partner.example>" if kind != "confirmation" else "Gmail Team <forwarding-noreply@google.com>"
    )
    message["To"] = "alice@example.com"
    message["Subject"] = f"{kind} {number}"
    message["Message-ID"] = f"<bench-{number}@partner.example>"
    message["DKIM-Signature"] = "v=1; a=rsa-sha256; d=partner.example; s=s1; bh=abc; b=" + "x" * 340
    text = "Thanks, see you Thursday.\n" * (40 if kind == "reply" else 4)
    message.set_content(text)
    if kind in ("reply", "newsletter"):
        message.add_alternative(
            "<p>" + "Thanks, see you Thursday. " * (60 if kind == "reply" else 2000) + "</p>", subtype="html"
        )
    if kind == "attachment":
        message.add_attachment(os.urandom(1024 * 1024), maintype="application", subtype="pdf", filename="report.pdf")
    return message.as_bytes()


def _run_forwarding(count: int = 200) -> dict[str, float]:
    """The forwarding function's logic over a batch of realistic mails, on moto (whose S3, SES and DynamoDB
    calls are part of the time), and its peak Python heap while forwarding a 30 MB message."""
    if _forwarding_run:
        return _forwarding_run
    sys.path.insert(0, str(ROOT))
    import tracemalloc

    from ses_smtp.contract import RECEIVED_MAIL_PREFIX
    from ses_smtp.credentials import Caller
    from ses_smtp.forwarding import ForwardedLedger, Forwarder, SenderMailboxes, parse_event
    from ses_smtp_local.inbound import receiving_event
    from tests.unit.aws_world import aws_world

    kinds = [kind for kind, share in FORWARDING_MIX.items() for _ in range(share)]
    with aws_world() as world:
        s3, table = world.client("s3"), world.settings.table_name
        s3.create_bucket(Bucket="bench", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        world.client("sesv2").create_email_identity(EmailIdentity="example.com")
        credentials = world.credentials()
        credentials.create("alice", ["alice@example.com"], Caller("bench"))
        credentials.update("alice", Caller("bench"), "alice.personal@gmail.com")
        forwarder = Forwarder(
            sesv2=world.client("sesv2"),
            ses=world.client("ses"),
            s3=s3,
            bucket="bench",
            object_prefix=RECEIVED_MAIL_PREFIX,
            domain="example.com",
            directory=SenderMailboxes(world.client("dynamodb"), table),
            ledger=ForwardedLedger(world.client("dynamodb"), table),
        )

        def stored(number: int, raw: bytes) -> dict[str, Any]:
            s3.put_object(Bucket="bench", Key=f"{RECEIVED_MAIL_PREFIX}bench-{number}", Body=raw)
            return receiving_event(f"bench-{number}", "bob@partner.example", ["alice@example.com"], raw, "bench")

        received = [stored(n, _received_mail(kinds[n % len(kinds)], n)) for n in range(count)]
        forwarder.handle(parse_event(stored(count, _received_mail("reply", count)))[0])  # warm: lazy imports
        started = time.perf_counter()
        for event in received:
            forwarder.handle(parse_event(event)[0])
        elapsed = time.perf_counter() - started
        big = _received_mail("reply", count + 1).replace(b"Thanks, see", b"Thanks, see" + b"A" * (30 * 1024 * 1024), 1)
        event = stored(count + 1, big)
        tracemalloc.start()
        forwarder.handle(parse_event(event)[0])
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    _forwarding_run.update(per_second=count / elapsed, peak_mb=peak / 1_048_576)
    return _forwarding_run


def forwarding_memory_size_mb() -> float:
    """The forwarding function's memory_size in modules/receiving: the ceiling of its peak heap."""
    text = (ROOT / "modules" / "receiving" / "main.tf").read_text()
    return float(re.search(r"memory_size\s*=\s*(\d+)", text)[1])  # type: ignore[index]


_report_run: dict[str, float] = {}
REPORT_RECORDS = 20_000  # a large receiver's day for a busy domain: Microsoft's reports list every source


def _large_aggregate_report(records: int) -> bytes:
    """An aggregate report of many records, SES's and strangers', in Microsoft's shape (the most verbose)."""
    rows = []
    for number in range(records):
        ours = number % 4 != 0
        source = f"54.240.{number % 64}.{number % 250}" if ours else f"203.0.113.{number % 250}"
        result = "pass" if ours else "fail"
        rows.append(
            f"<record><row><source_ip>{source}</source_ip><count>{1 + number % 7}</count><policy_evaluated>"
            f"<disposition>none</disposition><dkim>{result}</dkim><spf>{result}</spf></policy_evaluated></row>"
            f"<identifiers><envelope_to>r{number}.example.net</envelope_to><envelope_from>mail.example.com"
            f"</envelope_from><header_from>example.com</header_from></identifiers><auth_results>"
            f"<dkim><domain>example.com</domain><selector>s{number % 3}</selector><result>{result}</result></dkim>"
            f"<dkim><domain>amazonses.com</domain><selector>ses</selector><result>{result}</result></dkim>"
            f"<spf><domain>mail.example.com</domain><scope>mfrom</scope><result>{result}</result></spf>"
            f"</auth_results></record>"
        )
    head = (
        '<?xml version="1.0"?><feedback><version>1.0</version><report_metadata><org_name>Enterprise Outlook'
        "</org_name><email>dmarcreport@microsoft.com</email><report_id>bench</report_id><date_range>"
        "<begin>1796169600</begin><end>1796256000</end></date_range></report_metadata><policy_published>"
        "<domain>example.com</domain><adkim>r</adkim><aspf>r</aspf><p>none</p><sp>none</sp><pct>100</pct>"
        "<fo>0</fo></policy_published>"
    )
    return (head + "".join(rows) + "</feedback>").encode()


def _run_report_parser() -> dict[str, float]:
    """The report parser on a large gzipped aggregate report: unpack and parse, as the function does."""
    if _report_run:
        return _report_run
    sys.path.insert(0, str(ROOT))
    import gzip
    import tracemalloc

    from ses_smtp.reports import MAX_REPORT_BYTES, OurSenders, parse, unpack

    document = _large_aggregate_report(REPORT_RECORDS)
    attachment = gzip.compress(document, mtime=0)
    ours = OurSenders(mail_from_domain="mail.example.com")
    parse(unpack(attachment), ours)  # warm
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        parse(unpack(attachment), ours)
        timings.append(time.perf_counter() - started)
    elapsed = min(timings)
    tracemalloc.start()
    parse(unpack(attachment), ours)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    _report_run.update(
        records_per_second=REPORT_RECORDS / elapsed,
        mb_per_second=len(document) / 1_048_576 / elapsed,
        largest_seconds=elapsed * MAX_REPORT_BYTES / len(document),
        peak_mb=peak / 1_048_576,
        document_mb=len(document) / 1_048_576,
    )
    return _report_run


def report_function_timeout_s() -> float:
    """The report function's timeout in modules/receiving/reports.tf: the largest report must parse within it."""
    text = (ROOT / "modules" / "receiving" / "reports.tf").read_text()
    return float(re.search(r"timeout\s*=\s*(\d+)", text)[1])  # type: ignore[index]


# What a request about senders loads on top of the credentials handler (which defers it: the send-quota
# reading, its most frequent cold start, needs none of it). cryptography, loaded to seal or open a secret
# only, stays apart, as it did before.
SENDER_REQUEST_IMPORTS = "ses_smtp.handlers.credentials, ses_smtp.handlers.sender_requests, ses_smtp.wiring"


def handler_import_ratio() -> float:
    """Cold import of the slowest handler over `import boto3`, in fresh interpreters laid out as in Lambda."""
    return max(_import_ratios()[module] for module in HANDLERS)


def sender_request_import_ratio() -> float:
    """Cold import of the credentials handler and of what its first request about senders loads, over `import
    boto3`: the cost the handler's deferral moves into that request, counted."""
    return _import_ratios()[SENDER_REQUEST_IMPORTS]


# Rounds of fresh interpreters: a cold import varies by a tenth from one to the next on a quiet machine.
IMPORT_ROUNDS = 15


@functools.cache
def _import_ratios() -> dict[str, float]:
    """Each import's median ratio to `import boto3` (CPU time) over interleaved rounds of fresh interpreters."""
    from ses_smtp.contract import ENV

    site = _lambda_site()
    environment = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(site),
        "AWS_LAMBDA_FUNCTION_NAME": "bench",
        "LAMBDA_TASK_ROOT": str(site),
        "AWS_REGION": "eu-west-1",
        "AWS_DEFAULT_REGION": "eu-west-1",
        ENV.table_name: "bench",
    }

    def cold_import(module: str) -> float:
        # CPU seconds, not wall: an import is CPU work (the files are cached), and the machine's other work
        # stretched wall times by up to half from one interpreter to the next.
        code = f"import time; t = time.process_time(); import {module}; print(time.process_time() - t)"
        command = [sys.executable, "-S", "-c", code]
        return float(subprocess.run(command, env=environment, capture_output=True, text=True, check=True).stdout)

    imports = ("boto3", *HANDLERS, SENDER_REQUEST_IMPORTS)
    for module in imports:
        cold_import(module)  # the first run reads the files from disk; Lambda's reads are not what is measured
    # Rounds interleave boto3 and the handlers, so a slow moment of the machine weighs on both.
    rounds = [{module: cold_import(module) for module in imports} for _ in range(IMPORT_ROUNDS)]
    return {module: statistics.median(r[module] / r["boto3"] for r in rounds) for module in imports[1:]}


@functools.cache
def _run_demo() -> dict[str, float]:
    """`make demo` twice in a fresh clone of this repository's HEAD: the first sets everything up (the
    virtualenv, Terraform's data directory), the second finds it done. Wall seconds; the machine's load
    weighs on both, so docs/local-stack.md gives the load with the figures."""
    git, make = (shutil.which(tool) or sys.exit(f"bench: {tool} is not on PATH") for tool in ("git", "make"))
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as scratch:
        clone = Path(scratch) / "clone"
        subprocess.run([git, "clone", "--quiet", str(ROOT), str(clone)], check=True)
        environment = {name: value for name, value in os.environ.items() if name not in ("VIRTUAL_ENV", "MAKEFLAGS")}
        seconds = {}
        for run in ("cold", "warm"):
            started = time.monotonic()
            subprocess.run([make, "demo"], cwd=clone, env=environment, check=True, capture_output=True)
            seconds[run] = time.monotonic() - started
        return seconds


def _lambda_site() -> Path:
    """The layer's pinned packages for this machine, boto3 (which the runtime brings) and our code, nothing else."""
    site = ROOT / "build" / "bench-site"
    stamp = site / ".requirements"
    wanted = (ROOT / "functions" / "requirements-lambda.txt").read_text()
    if not stamp.exists() or stamp.read_text() != wanted:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--no-deps",
                "--upgrade",
                "--target",
                str(site),
                "-r",
                str(ROOT / "functions" / "requirements-lambda.txt"),
                "boto3",
                "botocore",
                "s3transfer",
                "jmespath",
                "urllib3",
                "python-dateutil",
                "six",
            ],
            check=True,
        )
        stamp.write_text(wanted)
    with zipfile.ZipFile(LAMBDA_DIR / "ses_smtp.zip") as code:
        code.extractall(site)
    return site


def _complete_plan() -> dict[str, Any]:
    """Plan examples/complete against the emulator: the resources a real deployment would create."""
    sys.path.insert(0, str(ROOT))
    from ses_smtp.admin.terraform import TerraformRun, ensure_cli_config
    from ses_smtp_local.emulator import running_emulator

    ensure_cli_config()
    with running_emulator() as emulator, tempfile.TemporaryDirectory() as work:
        run = TerraformRun(
            ROOT / "examples" / "complete",
            Path(work),
            {"domain": "example.com", "region": emulator.region},
            emulator.environment(),
        )
        run.init()
        return run.plan_json()


_planned: list[dict[str, Any]] = []
# A dashboard is inside the free allowance only while it shows at most this many metrics.
FREE_DASHBOARD_METRICS = 50


def _changes() -> list[dict[str, Any]]:
    """The resources examples/complete plans (planned once per bench run)."""
    if not _planned:
        plan = _complete_plan()
        _planned.extend(c for c in plan["resource_changes"] if c["mode"] == "managed")
    return _planned


def _planned_units() -> dict[str, int]:
    """Billed units (alarm metrics, dashboards, ...) examples/complete plans, per resource type."""
    prices = json.loads(PRICES.read_text())
    kinds = {str(change["type"]) for change in _changes()}
    unknown = sorted(kinds - set(prices["fixed_monthly_usd"]) - set(prices["no_fixed_cost"]))
    if unknown:
        raise SystemExit(f"bench/prices.json does not price {', '.join(unknown)}: add them with a source")
    units: dict[str, int] = {}
    for change in _changes():
        kind = str(change["type"])
        if kind in prices["fixed_monthly_usd"]:
            units[kind] = units.get(kind, 0) + _units(kind, change["change"]["after"])
    return dict(sorted(units.items()))


def _units(kind: str, planned: dict[str, Any]) -> int:
    """An alarm is billed per metric it watches; everything else per resource."""
    if kind == "aws_cloudwatch_metric_alarm" and planned.get("metric_query"):
        return sum(1 for query in planned["metric_query"] if query["metric"])
    return 1


def dashboard_metrics() -> float:
    """The most metrics the planned dashboard can show: one per metric line, a query's LIMIT for a query."""
    most = 0
    for change in _changes():
        if change["type"] == "aws_cloudwatch_dashboard":
            body = json.loads(change["change"]["after"]["dashboard_body"])
            most = max(
                most, sum(_series(metric) for widget in body["widgets"] for metric in widget["properties"]["metrics"])
            )
    return float(most)


def _series(metric: list[Any]) -> int:
    if isinstance(metric[0], str):
        return 1
    expression = str(metric[0]["expression"])
    limit = re.search(r"^SELECT .* LIMIT (\d+)$", expression)
    # SEARCH() and unlimited queries grow with the number of senders: never inside the allowance.
    return int(limit.group(1)) if limit else FREE_DASHBOARD_METRICS + 1


def idle_cost_usd_month(free_tier: bool = True) -> float:
    """Fixed monthly cost of examples/complete with the always-free allowances (or at list price)."""
    fixed = json.loads(PRICES.read_text())["fixed_monthly_usd"]
    total = 0.0
    for kind, units in _planned_units().items():
        free = fixed[kind]["always_free_units"] if free_tier else 0
        if kind == "aws_cloudwatch_dashboard" and dashboard_metrics() > FREE_DASHBOARD_METRICS:
            free = 0
        total += max(0, units - free) * fixed[kind]["usd"]
        if not free_tier:
            print(f"  idle cost: {units:>2} x {kind:<34} {units * fixed[kind]['usd']:>6.2f} USD/month", file=sys.stderr)
    return round(total, 2)


def idle_cost_per_sender() -> float:
    return float(sum(json.loads(PRICES.read_text())["per_sender_fixed_monthly_usd"].values()))


MEASURES: list[tuple[str, Callable[[], float], float, str]] = [
    ("package_zip_bytes", package_zip_bytes, 10_000_000, "bytes"),
    ("code_zip_bytes", code_zip_bytes, 200_000, "bytes"),
    ("api_calls_create", lambda: _api_calls("create"), 6, "calls"),
    ("api_calls_rotate", lambda: _api_calls("rotate"), 4, "calls"),
    ("api_calls_retire_per_key", lambda: _api_calls("retire"), 3, "calls"),
    ("api_calls_reconcile_per_sender", lambda: _api_calls("reconcile"), 1, "calls"),
    ("api_calls_retire_checks_per_sender", lambda: _api_calls("retire_checks"), 2, "calls"),
    ("api_calls_per_delivery_event", api_calls_per_delivery_event, 0, "calls"),
    ("events_per_second", lambda: _run_events()["events_per_second"], 0, "ev/s"),
    ("events_vs_json_ratio", lambda: _run_events()["ratio"], 0.75, "ratio"),
    ("forwarded_per_second", lambda: _run_forwarding()["per_second"], 0, "msg/s"),
    (
        "forwarding_peak_heap_mb_30mb_message",
        lambda: _run_forwarding()["peak_mb"],
        forwarding_memory_size_mb() / 2,
        "MB",
    ),
    ("report_records_per_second", lambda: _run_report_parser()["records_per_second"], 0, "rec/s"),
    ("report_mb_per_second", lambda: _run_report_parser()["mb_per_second"], 0, "MB/s"),
    # The largest report the function accepts (64 MB of XML), extrapolated: it must parse within the timeout.
    ("report_largest_parse_seconds", lambda: _run_report_parser()["largest_seconds"], report_function_timeout_s(), "s"),
    ("report_peak_heap_mb", lambda: _run_report_parser()["peak_mb"], 64, "MB"),
    ("handler_import_ratio", handler_import_ratio, 1.25, "ratio"),
    ("credentials_sender_request_import_ratio", sender_request_import_ratio, 1.35, "ratio"),
    # The KMS key (1.00) and the four alarms past CloudWatch's ten free alarm metrics (0.10 each): see README;
    # sender_limit_alarm_enabled = false removes one of them, send_quota_alarm_enabled = false two.
    ("idle_cost_usd_month", idle_cost_usd_month, 1.40, "USD"),
    ("idle_cost_usd_month_list_price", lambda: idle_cost_usd_month(free_tier=False), 0, "USD"),
    ("idle_cost_usd_month_per_sender", idle_cost_per_sender, 0, "USD"),
    ("dashboard_metrics", dashboard_metrics, FREE_DASHBOARD_METRICS, "lines"),
    # The newcomer's first `make demo` (nothing set up yet) and the next one: issue 13's targets.
    ("demo_fresh_clone_seconds", lambda: _run_demo()["cold"], 180, "s"),
    ("demo_second_run_seconds", lambda: _run_demo()["warm"], 120, "s"),
]
# Figures where more is better; the rest are ceilings.
AT_LEAST = {"events_per_second", "events_vs_json_ratio"}
# Figures shown for context, without a target.
SHOWN = {
    "events_per_second",
    "forwarded_per_second",
    "idle_cost_usd_month_list_price",
    "report_records_per_second",
    "report_mb_per_second",
}


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) or value >= 1000 else f"{value:,.2f}"


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
            f"{figure.key.ljust(width)}  {_number(figure.value):>14}  {figure.bound:>14}  "
            f"{figure.unit:<5}  {'-' if figure.key in SHOWN else 'yes' if figure.met else 'NO'}"
        )
    print(f"\nwritten to {args.output}")
    details = {figure.key: asdict(figure) for figure in figures}
    (args.output.with_name("bench-details.json")).write_text(json.dumps(details, indent=2) + "\n")
    return 0 if all(figure.met for figure in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
