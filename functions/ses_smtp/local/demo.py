"""`make demo`: the module on the local stack, start to finish, with progress as it goes."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from ses_smtp import render
from ses_smtp.admin.terraform import REPO_ROOT, TerraformError, TerraformRun, ensure_cli_config
from ses_smtp.local.emulator import running_emulator

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


def main() -> int:
    ensure_cli_config()
    print("==> Starting the local AWS emulator (moto) on 127.0.0.1", flush=True)
    with running_emulator() as emulator:
        print(f"    emulator at {emulator.endpoint_url}")
        run = TerraformRun(EXAMPLE, WORK_DIR, {"endpoint_url": emulator.endpoint_url}, emulator.environment())
        try:
            with step("terraform init examples/local"):
                run.init()
            with step("terraform apply examples/local (SES identity, DKIM, MAIL FROM, configuration set)"):
                run.apply()
            show_deployment(run.outputs())
        except TerraformError as error:
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
