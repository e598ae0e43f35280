"""`python -m tests.acceptance --target local|aws`: run the acceptance cases, write the results, exit 0 if
every reply is the one docs/security.md states (1 if not or if the run failed, 2 if it refused to start)."""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import smtplib
import subprocess
import sys
import time
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ses_smtp import __version__
from ses_smtp.admin.terraform import REPO_ROOT, TerraformError
from ses_smtp.regions import UnknownRegion, require_smtp_region
from tests.acceptance.cases import CASES, GRANTED, OTHER, Login, Outcome, run_case, write_results
from tests.acceptance.targets import (
    AwsInputs,
    Deployed,
    KitError,
    aws_session,
    aws_target,
    cli_json,
    confirm_account,
    local_target,
    plan_text,
    refuse_existing_identity,
    ses_smtp,
)

ACCOUNT_ENVIRONMENT = "SES_SMTP_ACCEPTANCE_ACCOUNT"
RESULTS = {"aws": REPO_ROOT / "docs" / "acceptance" / "aws-results.json"}
# What ends a run early (after the deployment's own cleanup ran): reported, and the exit code is 1.
FAILURES = (
    KitError,
    TerraformError,
    BotoCoreError,
    ClientError,
    smtplib.SMTPException,
    subprocess.SubprocessError,
    OSError,
    ValueError,
)
HOW = "make test-aws REGION=eu-west-1 DOMAIN=acceptance.example.org ZONE_ID=Z0123456789ABCDEFGHIJ (docs/acceptance.md)"


def progress(text: str) -> None:
    print(f"==> {text}", flush=True)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.acceptance", description=__doc__)
    parser.add_argument("--target", choices=["local", "aws"], required=True, help="the local stack, or a real account")
    parser.add_argument("--region", help="aws: the region to deploy to (an SES SMTP region)")
    parser.add_argument("--domain", help="aws: a (sub)domain of the zone that no SES identity uses; local: example.com")
    parser.add_argument("--route53-zone-id", help="aws: the Route53 zone the domain's records go into")
    parser.add_argument("--results", type=Path, help="where to write the JSON results (Markdown goes next to it)")
    parser.add_argument("--work-dir", type=Path, help="Terraform and stack files (default: build/acceptance/TARGET)")
    return parser.parse_args(argv)


def aws_inputs(args: argparse.Namespace) -> AwsInputs:
    """The operator's explicit inputs, or a refusal naming what is missing; nothing is created here."""
    missing = [
        flag
        for flag, value in (
            ("--region", args.region),
            ("--domain", args.domain),
            ("--route53-zone-id", args.route53_zone_id),
        )
        if not value
    ]
    account = os.environ.get(ACCOUNT_ENVIRONMENT, "")
    if not re.fullmatch(r"[0-9]{12}", account):
        missing.append(f"{ACCOUNT_ENVIRONMENT}=<the sandbox account's 12-digit id> in the environment")
    if missing:
        raise KitError(f"the real-AWS run needs {', '.join(missing)}: {HOW}")
    if os.environ.get("AWS_ENDPOINT_URL"):
        raise KitError("AWS_ENDPOINT_URL is set: the real-AWS run talks to AWS itself; unset it")
    try:
        require_smtp_region(args.region)
    except UnknownRegion as error:
        raise KitError(str(error)) from None
    return AwsInputs(args.region, args.domain, args.route53_zone_id, account)


def target(args: argparse.Namespace, work_dir: Path) -> tuple[AbstractContextManager[Deployed], str, str]:
    """The target's deployment (entered later), its region and its domain; refuses before creating anything."""
    if args.target == "local":
        domain = args.domain or "example.com"
        return local_target(work_dir, domain, progress), "unknown until the stack is up", domain
    inputs = aws_inputs(args)
    session = aws_session(inputs.region)
    inputs = AwsInputs(**{**inputs.__dict__, "admin_arn": confirm_account(inputs, session)})
    refuse_existing_identity(inputs, session)
    print(plan_text(inputs), flush=True)
    return aws_target(work_dir, inputs, session, progress), inputs.region, inputs.domain


def run_cases(deployed: Deployed, domain: str, outcomes: list[Outcome]) -> None:
    """Create alice (granted alice@domain) and bob (bob@domain) with the CLI, send every case as alice,
    and delete both with the CLI, whatever happened."""
    run_id = secrets.token_hex(3)  # two runs, or a run and a leftover, never share a sender
    names = {local: f"{local}-{run_id}" for local in (GRANTED, OTHER)}
    created: list[str] = []
    try:
        logins: dict[str, Login] = {}
        for local, name in names.items():
            progress(f"ses-smtp users create {name} --from {local}@{domain}")
            credential = cli_json(*deployed.users, "create", name, "--from", f"{local}@{domain}")
            created.append(name)
            logins[local] = Login(credential["username"], credential["password"])
        for case in CASES:
            outcome = run_case(case, deployed.server, logins[GRANTED], domain, deployed.settle_seconds)
            progress(f"{case.name}: expected {case.expected}, got {outcome.got} at {outcome.stage}")
            outcomes.append(outcome)
            time.sleep(deployed.pace_seconds)
    finally:
        for name in created:
            deleted = ses_smtp(*deployed.users, "delete", name, "--yes")
            if deleted.returncode != 0:
                progress(f"ses-smtp users delete {name} failed: {deleted.stderr.strip()}")


def commit() -> str:
    git = shutil.which("git")
    if git is None:
        return ""
    done = subprocess.run([git, "-C", str(REPO_ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=False)
    return done.stdout.strip() if done.returncode == 0 else ""


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    work_dir = (args.work_dir or REPO_ROOT / "build" / "acceptance" / args.target).absolute()
    results = args.results or RESULTS.get(args.target, work_dir / "results.json")
    try:
        deployment, region, domain = target(args, work_dir)
    except (KitError, BotoCoreError, ClientError) as refusal:  # no credentials, or not allowed to look
        print(f"acceptance: refused: {refusal}", file=sys.stderr)
        return 2
    header: dict[str, Any] = {"target": args.target, "region": region, "domain": domain, "started_at": now()}
    header |= {"module_version": __version__, "commit": commit()}
    outcomes: list[Outcome] = []
    error = ""
    try:
        with deployment as deployed:
            header["region"] = deployed.region
            run_cases(deployed, domain, outcomes)
    except FAILURES as failure:
        error = f"{type(failure).__name__}: {failure}"
        print(f"acceptance: the run failed: {error}", file=sys.stderr)
    if outcomes:
        write_results(results, {**header, "finished_at": now(), "error": error}, outcomes)
        print(results.with_suffix(".md").read_text(), flush=True)
        progress(f"results written to {results} and {results.with_suffix('.md')}")
    passed = bool(outcomes) and len(outcomes) == len(CASES) and all(o.passed for o in outcomes)
    return 0 if passed and not error else 1


if __name__ == "__main__":
    sys.exit(main())
