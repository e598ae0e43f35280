"""`make demo`: the module on the local stack, start to finish, with progress as it goes."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ses_smtp import render
from ses_smtp.admin.deployment import Deployment, InProcessInvoker, session_for
from ses_smtp.admin.environment import temporary_environment
from ses_smtp.admin.terraform import REPO_ROOT, TerraformError, TerraformRun, ensure_cli_config
from ses_smtp.admin.users import Admin
from ses_smtp.errors import SesSmtpError
from ses_smtp.local.emulator import Emulator, running_emulator

EXAMPLE = REPO_ROOT / "examples" / "local"
WORK_DIR = REPO_ROOT / "build" / "demo"


@contextmanager
def step(title: str) -> Iterator[None]:
    print(f"==> {title}", flush=True)
    started = time.monotonic()
    yield
    print(f"    done in {time.monotonic() - started:.1f}s", flush=True)


def show_deployment(outputs: dict[str, object]) -> None:
    print(
        f"\nSending domain {outputs['domain']} in {outputs['region']}, configuration set "
        f"{outputs['configuration_set_name']} (TLS required, bounces and complaints suppressed).\n"
    )
    print("SMTP server for mail clients (Gmail: 'Send mail as' > SMTP Server):")
    print(render.smtp_settings(str(outputs["smtp_endpoint"]), outputs["smtp_ports"]))  # type: ignore[arg-type]
    print("\nDNS records to publish (ses-smtp dns records prints them again):")
    print(render.table(outputs["dns_records"], ["name", "type", "value", "ttl"]))  # type: ignore[arg-type]
    print("\nThe same as a zone file to import into any DNS host:")
    print(outputs["dns_zone_file"])


def show_senders(outputs: dict[str, Any], emulator: Emulator) -> None:
    """Create alice, print what she types into Gmail, rotate, show both keys work, delete her."""
    deployment = Deployment.from_outputs(outputs, "examples/local")
    with temporary_environment(emulator.environment()):
        session = session_for(deployment)
        admin = Admin(deployment, InProcessInvoker(deployment, session), session)
        with step("ses-smtp users create alice --from alice@example.com (IAM user, key, sealed password)"):
            admin.request("create", name="alice", **{"from": ["alice@example.com"]})
        print("\nGmail > Settings > Accounts > Send mail as > Add another email address, then:")
        print(admin.credential("alice").for_people())
        with step("ses-smtp users rotate alice (the previous key keeps working for 7 days)"):
            admin.request("rotate", name="alice")
        current, previous = admin.credential("alice"), admin.credential("alice", previous=True)
        print(
            f"    current key {current.username}, previous key {previous.username} valid until {previous.valid_until}"
        )
        with step("ses-smtp users delete alice --yes"):
            admin.request("delete", name="alice")


def main() -> int:
    ensure_cli_config()
    print("==> Starting the local AWS emulator (moto) on 127.0.0.1", flush=True)
    with running_emulator() as emulator:
        print(f"    emulator at {emulator.endpoint_url}")
        run = TerraformRun(EXAMPLE, WORK_DIR, {"endpoint_url": emulator.endpoint_url}, emulator.environment())
        try:
            with step("terraform init examples/local"):
                run.init()
            with step("terraform apply examples/local (SES domain, KMS, table, sender IAM, functions)"):
                run.apply()
            outputs = run.outputs()
            show_deployment(outputs)
            show_senders(outputs, emulator)
        except (TerraformError, SesSmtpError) as error:
            print(f"demo failed: {error}", file=sys.stderr)
            return 1
        finally:
            if run.resources():
                with step("terraform destroy (leaves nothing behind)"):
                    run.destroy()
    print("\nDemo complete: the emulator is stopped and nothing is left running.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
