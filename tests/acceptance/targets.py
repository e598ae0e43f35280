"""Where the kit sends: the local stack, or a real sandbox account.

Local: `ses-smtp local up --detach` in a process of its own, `ses-smtp local down` at the end. AWS:
tests/fixtures/aws-acceptance applied with Terraform, SES's own SMTP endpoint, and on the way out (also
after a failure) every sender user under the deployment's path removed and `terraform destroy`.
Senders are made with the installed CLI in both, as an administrator makes them.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

from ses_smtp.admin.terraform import REPO_ROOT, TerraformRun, ensure_cli_config
from ses_smtp.regions import smtp_endpoint
from tests.acceptance.cases import Server

FIXTURE = REPO_ROOT / "tests" / "fixtures" / "aws-acceptance"
SES_SMTP = Path(sys.executable).parent / "ses-smtp"  # the console script `make setup` installs
LOCAL_UP_TIMEOUT = 900.0  # `local up --detach` gives up after 600 s itself
SES_SETTLE_SECONDS = 300.0  # IAM spreads a new key and policy to SES within minutes (eventual consistency)
SES_PACE_SECONDS = 1.2  # the sandbox sends one message a second
VERIFY_TIMEOUT = 1800.0  # SES usually finds the DKIM records in Route53 within minutes

Progress = Callable[[str], None]


class KitError(RuntimeError):
    """The kit cannot go on; the message says what to fix."""


@dataclass(frozen=True)
class Deployed:
    """A deployment ready for the cases."""

    server: Server
    region: str
    users: list[str]  # `ses-smtp` arguments up to and including `users` that reach this deployment
    settle_seconds: float = 0.0
    pace_seconds: float = 0.0


@dataclass(frozen=True)
class AwsInputs:
    region: str
    domain: str
    route53_zone_id: str
    account: str  # the account the operator confirmed (SES_SMTP_ACCEPTANCE_ACCOUNT)
    name_prefix: str = "ses-smtp-acceptance"
    admin_arn: str = field(default="")


def ses_smtp(*arguments: str, timeout: float = 300.0) -> subprocess.CompletedProcess[str]:
    """The installed CLI in its own process; what it prints stays in the result (passwords included)."""
    if not SES_SMTP.exists():
        raise KitError(f"{SES_SMTP} is missing: `make setup-runtime` installs the ses-smtp console script")
    return subprocess.run([str(SES_SMTP), *arguments], capture_output=True, text=True, timeout=timeout, check=False)


def cli_json(*arguments: str) -> dict[str, Any]:
    done = ses_smtp("--json", *arguments)
    if done.returncode != 0:  # stderr only: stdout may hold a password
        raise KitError(f"`ses-smtp {' '.join(arguments[:4])} ...` failed: {done.stderr.strip()}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@contextmanager
def local_target(work_dir: Path, domain: str, progress: Progress) -> Iterator[Deployed]:
    state_file = work_dir / "stack.json"
    progress(f"ses-smtp local up --detach --domain {domain} (one to three minutes)")
    up = ses_smtp(
        *("local", "up", "--detach", "--domain", domain, "--state-file", str(state_file)), timeout=LOCAL_UP_TIMEOUT
    )
    try:
        if up.returncode != 0:
            raise KitError(f"ses-smtp local up failed: {up.stderr.strip() or up.stdout.strip()}")
        state = json.loads(state_file.read_text())
        server = Server(state["smtp_host"], int(state["starttls_port"]), state["ca_file"])
        yield Deployed(server, state["region"], ["--local", str(state_file), "users"])
    finally:
        if state_file.exists():
            progress("ses-smtp local down")
            ses_smtp("local", "down", "--state-file", str(state_file))


def confirm_account(inputs: AwsInputs, session: Any) -> str:
    """Refuse unless the credentials are the confirmed account's; the ARN of who runs the kit (its role's
    ARN for an assumed role: the key policy names roles, not sessions)."""
    identity = session.client("sts").get_caller_identity()
    if identity["Account"] != inputs.account:
        raise KitError(
            f"the AWS credentials are for account {identity['Account']}, not the confirmed {inputs.account}: "
            "set SES_SMTP_ACCEPTANCE_ACCOUNT to the sandbox account's id, with credentials for it"
        )
    arn = str(identity["Arn"])
    if arn.endswith(":root"):
        raise KitError("run the kit as an IAM user or role, not the account root (the key policy never names root)")
    if ":assumed-role/" in arn:
        role_name = arn.split(":assumed-role/")[1].split("/")[0]
        return str(session.client("iam").get_role(RoleName=role_name)["Role"]["Arn"])  # with its path
    return arn


def refuse_existing_identity(inputs: AwsInputs, session: Any) -> None:
    sesv2 = session.client("sesv2", region_name=inputs.region)
    try:
        sesv2.get_email_identity(EmailIdentity=inputs.domain)
    except sesv2.exceptions.NotFoundException:
        return
    raise KitError(
        f"SES in {inputs.region} already has the identity {inputs.domain}: give a (sub)domain no identity uses, "
        "so the run creates and destroys its own"
    )


def plan_text(inputs: AwsInputs) -> str:
    return f"""The acceptance kit will, in account {inputs.account}, region {inputs.region}:
  - apply tests/fixtures/aws-acceptance (name prefix {inputs.name_prefix}): the SES identity {inputs.domain}
    with its DKIM, MAIL FROM and DMARC records in Route53 zone {inputs.route53_zone_id}, a configuration
    set, a KMS key, a DynamoDB table, three Lambda functions, SNS topics, SQS queues, CloudWatch alarms
    and a dashboard, an EventBridge rule and schedule, IAM roles and a permissions boundary;
  - wait until SES has verified {inputs.domain} (usually minutes, at most {VERIFY_TIMEOUT / 60:.0f});
  - create two senders with `ses-smtp users create`, send 4 messages to {smtp_endpoint(inputs.region)}:587
    (to SES's mailbox simulator), delete the senders, and `terraform destroy` (also after a failure).
Cost: well under US$0.10 for a run of under an hour. The KMS key is US$1 a month while it exists and
nothing once scheduled for deletion (destroy schedules it, 7 days); four messages at US$0.10 per 1,000;
alarms, the dashboard, Lambda, DynamoDB, SQS and SNS for under an hour; Route53 record changes are free.
"""


@contextmanager
def aws_target(work_dir: Path, inputs: AwsInputs, session: Any, progress: Progress) -> Iterator[Deployed]:
    ensure_cli_config()
    run = TerraformRun(
        FIXTURE,
        work_dir / "terraform",
        {
            "region": inputs.region,
            "domain": inputs.domain,
            "route53_zone_id": inputs.route53_zone_id,
            "name_prefix": inputs.name_prefix,
            "admin_principal_arns": [inputs.admin_arn],
            "lambda_package_dir": str(REPO_ROOT / "build" / "lambda"),
        },
    )
    try:
        run.init()
        planned = run.plan_json().get("resource_changes", [])
        creates = sum("create" in change["change"]["actions"] for change in planned)
        progress(f"terraform plan: {creates} resources to create; applying")
        run.apply()
        outputs = run.outputs()
        wait_until_verified(session.client("sesv2", region_name=inputs.region), inputs.domain, progress)
        users = ["users", "--function", outputs["credentials_function_name"], "--table"]
        users += [outputs["credentials_table_name"], "--kms-key-arn", outputs["kms_key_arn"], "--region", inputs.region]
        server = Server(smtp_endpoint(inputs.region), 587)
        yield Deployed(server, inputs.region, users, SES_SETTLE_SECONDS, SES_PACE_SECONDS)
    finally:
        remove_sender_users(session.client("iam"), f"/{inputs.name_prefix}/senders/", progress)
        progress("terraform destroy")
        run.destroy()
        left = run.resources()
        if left:
            raise KitError(f"terraform destroy left {left} behind: run it again in {run.work_dir}")


def wait_until_verified(sesv2: Any, domain: str, progress: Progress, timeout: float = VERIFY_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not sesv2.get_email_identity(EmailIdentity=domain).get("VerifiedForSendingStatus"):
        if time.monotonic() >= deadline:
            raise KitError(f"SES did not verify {domain} within {timeout:.0f}s: are the zone's NS records delegated?")
        progress(f"waiting for SES to verify {domain}")
        time.sleep(30)


def remove_sender_users(iam: Any, path: str, progress: Progress) -> None:
    """Whatever senders a failed run left under the deployment's own path: keys, inline policies, user.

    Normally none: the kit deletes its senders with the CLI. Terraform knows nothing of these users, and
    destroy cannot delete the permissions boundary while a user still carries it.
    """
    for user in iam.list_users(PathPrefix=path).get("Users", []):
        name = user["UserName"]
        progress(f"removing the sender user {name} a failed run left")
        for key in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]:
            iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
        for policy in iam.list_user_policies(UserName=name)["PolicyNames"]:
            iam.delete_user_policy(UserName=name, PolicyName=policy)
        iam.delete_user(UserName=name)


def aws_session(region: str) -> Any:
    return boto3.session.Session(region_name=region)
