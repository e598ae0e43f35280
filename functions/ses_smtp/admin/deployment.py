"""Finding a deployment (function, table, key, region) and talking to its credentials function."""

from __future__ import annotations

import importlib
import json
import os
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from ses_smtp import __version__
from ses_smtp.admin.environment import temporary_environment
from ses_smtp.admin.terraform import TerraformError, terraform_outputs
from ses_smtp.errors import SesSmtpError
from ses_smtp.regions import UnknownRegion, smtp_endpoint

ADMIN_CONFIG = "admin_config"  # the module's output; outputs.tf documents its fields
SCHEMA_VERSIONS = (1,)  # admin_config versions this CLI reads
# Functions run in this process share one os.environ and one sys.stdout, where Lambda gives each its own;
# the local stack invokes them from more than one thread (its event source, the demo's own calls): one at a time.
IN_PROCESS_TURN = threading.RLock()
# The AWS calls of a function run in this process carry this app id in their User-Agent (botocore reads
# AWS_SDK_UA_APP_ID): a function it invokes through the emulator runs within the caller's turn, which the
# caller holds while it waits for the answer on another thread.
IN_PROCESS_APP_ID = "ses-smtp-in-process"


class DeploymentError(SesSmtpError):
    """The deployment cannot be found or reached; the message says what to give."""

    code = "DeploymentError"


@dataclass(frozen=True)
class Deployment:
    region: str
    smtp_endpoint: str
    credentials_function_name: str
    credentials_table_name: str
    kms_key_arn: str
    starttls_port: int = 587
    tls_port: int = 465
    received_mail_bucket_name: str | None = None  # with receiving_enabled

    @classmethod
    def from_outputs(cls, outputs: Mapping[str, Any], source: str) -> Deployment:
        try:
            return cls(
                region=outputs["region"],
                smtp_endpoint=outputs["smtp_endpoint"],
                credentials_function_name=outputs["credentials_function_name"],
                credentials_table_name=outputs["credentials_table_name"],
                kms_key_arn=outputs["kms_key_arn"],
                starttls_port=int(outputs.get("smtp_starttls_port", 587)),
                tls_port=int(outputs.get("smtp_tls_port", 465)),
                received_mail_bucket_name=outputs.get("received_mail_bucket_name"),
            )
        except KeyError as missing:
            raise DeploymentError(
                f"{source} has no field {missing}: is it a deployment of terraform-aws-ses-smtp?"
            ) from None

    @classmethod
    def find(cls, terraform_dir: str, overrides: Mapping[str, str | None]) -> Deployment:
        """From flags/environment when they name everything, else from the admin_config output in terraform_dir."""
        if all(
            overrides.get(name)
            for name in ("region", "credentials_function_name", "credentials_table_name", "kms_key_arn")
        ):
            return cls.from_outputs(_on_aws(overrides), "flags")
        config = config_in(terraform_dir, "; or give --function, --table, --kms-key-arn and --region")
        given = {name: value for name, value in overrides.items() if value}
        return cls.from_outputs(_on_aws({**config, **given}), f"admin_config in {terraform_dir}")


def config_in(terraform_dir: str, alternative: str = "") -> dict[str, Any]:
    """The admin_config output of the Terraform root in terraform_dir (`terraform output -json`)."""
    try:
        outputs = terraform_outputs(Path(terraform_dir))
    except TerraformError as error:
        raise DeploymentError(f"{error}{alternative}") from error
    return admin_config(outputs, f"terraform output in {terraform_dir}")


def admin_config(outputs: Mapping[str, Any], source: str) -> dict[str, Any]:
    """The one output the CLI reads, checked for a schema this CLI knows."""
    config = outputs.get(ADMIN_CONFIG)
    if not isinstance(config, dict):
        raise DeploymentError(
            f"{source} has no output {ADMIN_CONFIG!r}: re-export it next to the module block with "
            f'`output "{ADMIN_CONFIG}" {{ value = module.ses_smtp.{ADMIN_CONFIG} }}` and apply; a deployment of '
            f"terraform-aws-ses-smtp older than {ADMIN_CONFIG} must upgrade the module first"
        )
    version = config.get("schema_version")
    if version not in SCHEMA_VERSIONS:
        raise DeploymentError(
            f"{source}: {ADMIN_CONFIG} has schema_version {version!r}, this ses-smtp ({__version__}) reads "
            f"{', '.join(map(str, SCHEMA_VERSIONS))}: install the ses-smtp of the module's release"
        )
    return dict(config)


def _on_aws(outputs: Mapping[str, Any]) -> dict[str, Any]:
    """The outputs with SES's own SMTP host and ports for the region, whatever the state says.

    The host is printed next to a real password: whoever can write Terraform state must not be able
    to point people at a server of theirs.
    """
    trusted = {name: value for name, value in outputs.items() if name not in ("smtp_starttls_port", "smtp_tls_port")}
    if "region" not in outputs:
        return trusted  # from_outputs names what is missing
    try:
        return {**trusted, "smtp_endpoint": smtp_endpoint(str(outputs["region"]))}
    except UnknownRegion as error:
        raise DeploymentError(str(error)) from None


class LambdaInvoker:
    """Invokes the deployed credentials function with the caller's AWS credentials."""

    def __init__(self, deployment: Deployment, session: Any) -> None:
        self._client = session.client("lambda", region_name=deployment.region)
        self._function = deployment.credentials_function_name

    def __call__(self, payload: dict[str, Any]) -> dict[str, Any]:
        response = self._client.invoke(FunctionName=self._function, Payload=json.dumps(payload).encode())
        body = json.loads(response["Payload"].read() or b"null")
        if response.get("FunctionError"):
            raise DeploymentError(
                f"the credentials function failed ({body.get('errorType', 'error') if body else 'error'}); "
                f"search its log group for correlation id {payload['correlation_id']}"
            )
        result: dict[str, Any] = body
        return result


class LocalFunction:
    """A deployed function run in this process with its own environment and handler, as Lambda would.

    For the local stack, where the emulator stores functions but cannot run them. The function's log
    lines and metrics go to a log file (its stand-in for CloudWatch), SES_SMTP_LOCAL_LOG or
    <tmp>/ses-smtp-local/<function>.log, so the caller's own output stays clean.
    """

    def __init__(
        self,
        session: Any,
        function_name: str,
        region: str | None = None,
        runtime: Mapping[str, str] | None = None,
        log_dir: Path | None = None,
        build: Callable[[Mapping[str, str]], Callable[[Any, Any], dict[str, Any]]] | None = None,
    ) -> None:
        """runtime: what Lambda's runtime adds to the function's own variables (region, credentials; locally
        the emulator's endpoint). log_dir: where the function's log file goes (default: see above).
        build: makes the handler from the function's environment (default: its handler module's `build`;
        a test passes its own to give the function other dependencies, an outage for example)."""
        config = session.client("lambda", region_name=region).get_function_configuration(FunctionName=function_name)
        self.name = function_name
        self.environment = {
            **(runtime or {}),
            **config.get("Environment", {}).get("Variables", {}),
            "AWS_LAMBDA_FUNCTION_NAME": function_name,
            "POWERTOOLS_TRACE_DISABLED": "true",
            "AWS_SDK_UA_APP_ID": IN_PROCESS_APP_ID,
        }
        module_name, _, attribute = config["Handler"].rpartition(".")
        module = importlib.import_module(module_name)
        # As Lambda builds it (our handler modules' `build`, which makes their module-level `handler`):
        # from this function's environment, with clients of its own kept while warm. A module without
        # `build` runs its handler as Lambda imports it.
        build = build or getattr(module, "build", None)
        self.handler = build(self.environment) if build else getattr(module, attribute)
        default_log = (log_dir or Path(tempfile.gettempdir()) / "ses-smtp-local") / f"{function_name}.log"
        self.log_path = Path(os.environ.get("SES_SMTP_LOCAL_LOG", default_log))

    def invoke(self, event: dict[str, Any], *, within_callers_turn: bool = False) -> dict[str, Any]:
        """within_callers_turn: invoked by a function run in this process, which holds the turn meanwhile."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        turn = nullcontext() if within_callers_turn else IN_PROCESS_TURN
        with turn, self.log_path.open("a") as log, temporary_environment(self.environment), logs_to(log):
            result: dict[str, Any] = self.handler(event, LocalContext(self.name))
            return result


class InProcessInvoker:
    """Invokes the credentials function as a LocalFunction (the local stack)."""

    def __init__(
        self,
        deployment: Deployment,
        session: Any,
        runtime: Mapping[str, str] | None = None,
        log_dir: Path | None = None,
    ) -> None:
        self.function = LocalFunction(
            session, deployment.credentials_function_name, deployment.region, runtime, log_dir
        )

    def __call__(self, payload: dict[str, Any]) -> dict[str, Any]:
        return self.function.invoke(payload)


@dataclass
class LocalContext:
    """The parts of a Lambda context Powertools reads."""

    function_name: str
    memory_limit_in_mb: int = 256
    function_version: str = "$LATEST"
    log_stream_name: str = "local"

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:local:000000000000:function:{self.function_name}"

    @property
    def aws_request_id(self) -> str:
        return str(uuid.uuid4())


@contextmanager
def logs_to(stream: Any) -> Iterator[None]:
    """Send the handler's log lines and EMF metrics (stdout in Lambda) to stream, keeping the CLI's stdout clean.

    The functions' loggers write to the current stdout (ses_smtp.logsafety.StdoutHandler), as EMF's print does.
    """
    with redirect_stdout(stream):
        yield


def session_for(deployment: Deployment) -> Any:
    return boto3.session.Session(region_name=deployment.region)
