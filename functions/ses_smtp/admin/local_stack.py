"""The description of a running local stack, shared through a JSON file (`ses-smtp local up`).

The CLI's side of the local stack: reading it needs no emulator, so the installed CLI reaches a stack
started from a checkout (`ses_smtp_local`, which imports this module, never the other way round).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ses_smtp.admin.deployment import admin_config
from ses_smtp.admin.terraform import REPO_ROOT
from ses_smtp.errors import SesSmtpError

DEFAULT_STATE_FILE = REPO_ROOT / "build" / "local" / "stack.json"
STATE_ENVIRONMENT = "SES_SMTP_LOCAL"
# moto accepts any credentials; these only have to look like credentials.
EMULATOR_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


class LocalStackError(SesSmtpError):
    code = "LocalStackError"


def resolve_state_file(given: str) -> Path:
    """A state file path as a person types it: absolute; relative to this directory; else relative to the
    repository (the docs' `build/local/stack.json` works from anywhere)."""
    path = Path(given).expanduser()
    if path.is_absolute() or path.exists():
        return path.absolute()
    from_repository = REPO_ROOT / path
    return from_repository if from_repository.exists() else path.absolute()


@dataclass(frozen=True)
class StackState:
    """What a client needs to use the running stack."""

    endpoint_url: str
    region: str
    smtp_host: str
    starttls_port: int
    tls_port: int
    ca_file: str
    terraform_dir: str
    state_dir: str
    pid: int
    outputs: dict[str, Any] = field(default_factory=dict)
    log_dir: str = ""  # the in-process functions' log files (their CloudWatch Logs)
    inbound_port: int = 0  # SES receiving's stand-in (0: receiving is off)
    mailbox_dir: str = ""  # one Maildir per address the local SES sent to

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(self), indent=2) + "\n")
        temporary.replace(path)  # readers never see half a file

    @classmethod
    def load(cls, path: Path) -> StackState:
        try:
            return cls(**json.loads(path.read_text()))
        except FileNotFoundError:
            raise LocalStackError(
                f"no local stack state at {path.absolute()}: start one with `ses-smtp local up` "
                f"(its default state file is {DEFAULT_STATE_FILE})"
            ) from None
        except (ValueError, TypeError) as error:
            raise LocalStackError(f"{path} is not a local stack state file: {error}") from None

    def deployment_outputs(self) -> dict[str, Any]:
        """The deployment's admin_config, with the local SMTP endpoint in place of SES's."""
        return {
            **admin_config(self.outputs, "the local stack's state file"),
            "smtp_endpoint": self.smtp_host,
            "smtp_starttls_port": self.starttls_port,
            "smtp_tls_port": self.tls_port,
        }

    def environment(self) -> dict[str, str]:
        """AWS settings that point boto3 (and Terraform) at the stack's emulator."""
        return emulator_environment(self.endpoint_url, self.region)


def emulator_environment(endpoint_url: str, region: str) -> dict[str, str]:
    """Environment for a process (Terraform, the CLI) that should talk to this emulator only."""
    return {
        **EMULATOR_CREDENTIALS,
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_EC2_METADATA_DISABLED": "true",
    }
