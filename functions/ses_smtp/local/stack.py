"""`ses-smtp local up` / `local down`: the whole system on 127.0.0.1, described by a state file.

One process holds everything, because the emulator keeps its data in memory: moto in server mode,
`terraform apply` of examples/local, the SMTP endpoint (STARTTLS and implicit TLS), and the event
source that feeds SQS batches to the events handler as Lambda would. Other processes (the CLI with
`--local`, mail clients) find it through the state file. Stopping it stops everything and leaves nothing
running; the emulator's data goes with it.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ses_smtp.admin.terraform import REPO_ROOT, TerraformRun, ensure_cli_config
from ses_smtp.local import tls
from ses_smtp.local.emulator import running_emulator
from ses_smtp.local.runner import LocalEventSource
from ses_smtp.local.smtp import SmtpEndpoint
from ses_smtp.local.state import STATE_ENVIRONMENT, LocalStackError, StackState

EXAMPLE = REPO_ROOT / "examples" / "local"


class EventPump(threading.Thread):
    """Lambda's SQS poller for the events function: drains the queue every half second until stopped."""

    def __init__(self, source: LocalEventSource) -> None:
        super().__init__(name="ses-smtp-event-source", daemon=True)
        self.source = source
        self.stopping = threading.Event()
        self.errors: list[str] = []

    def run(self) -> None:
        while not self.stopping.wait(0.5):
            try:
                self.source.drain(max_batches=20, timeout=5)
            except Exception as error:  # keep polling, as Lambda does; the error is reported on stop
                self.errors.append(repr(error))

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=15)


@contextmanager
def local_stack(
    work_dir: Path, max_send_rate: float = 14.0, progress: Callable[[str], None] = print, destroy: bool = False
) -> Iterator[StackState]:
    """Start everything, yield its description, and stop everything on the way out (destroy: and prove the
    module's `terraform destroy` leaves nothing behind first)."""
    ensure_cli_config()
    progress("starting the AWS emulator (moto) on 127.0.0.1")
    with running_emulator() as emulator:
        run = TerraformRun(
            EXAMPLE, work_dir / "terraform", {"endpoint_url": emulator.endpoint_url}, emulator.environment()
        )
        progress("terraform init and apply of examples/local")
        run.init()
        run.apply()
        outputs = run.outputs()
        certificates = tls.issue(work_dir / "tls")
        progress("starting the SMTP endpoint and the event source")
        with SmtpEndpoint(emulator, certificates, max_send_rate=max_send_rate) as endpoint:
            pump = EventPump(
                LocalEventSource(emulator.session(), outputs["events_queue_url"], outputs["events_function_name"])
            )
            pump.start()
            try:
                yield StackState(
                    endpoint_url=emulator.endpoint_url,
                    region=emulator.region,
                    smtp_host="127.0.0.1",
                    starttls_port=endpoint.starttls_port,
                    tls_port=endpoint.tls_port,
                    ca_file=str(certificates.ca_file),
                    terraform_dir=str(EXAMPLE),
                    state_dir=str(run.work_dir),
                    pid=os.getpid(),
                    outputs=outputs,
                )
            finally:
                pump.stop()
                if destroy:
                    run.destroy()
                    if run.resources():
                        raise LocalStackError(f"terraform destroy left {run.resources()} behind")
                if pump.errors:
                    progress(f"the event source hit errors: {pump.errors[:3]}")


def up(state_file: Path, max_send_rate: float) -> int:
    """Run the stack in the foreground until Ctrl-C or `ses-smtp local down`."""
    if state_file.exists() and _alive(StackState.load(state_file).pid):
        raise LocalStackError(f"a local stack is already running (pid in {state_file}): `ses-smtp local down` first")
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    work_dir = state_file.parent / "stack"
    with local_stack(work_dir, max_send_rate, progress=lambda text: print(f"==> {text}", flush=True)) as state:
        state.save(state_file)
        print(describe(state, state_file), flush=True)
        try:
            stop.wait()
        finally:
            state_file.unlink(missing_ok=True)
            print("==> stopping: SMTP endpoint, event source, emulator", flush=True)
    return 0


def down(state_file: Path, timeout: float = 30.0) -> str:
    state = StackState.load(state_file)
    if not _alive(state.pid):
        state_file.unlink(missing_ok=True)
        return f"no stack was running (removed the stale {state_file})"
    os.kill(state.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(state.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    if _alive(state.pid):
        raise LocalStackError(f"the stack (pid {state.pid}) did not stop within {timeout:.0f}s")
    return "the local stack is stopped; nothing is left running"


def describe(state: StackState, state_file: Path) -> str:
    return "\n".join(
        [
            f"Local stack up (state file {state_file}):",
            f"  AWS emulator    {state.endpoint_url} (region {state.region})",
            f"  SMTP STARTTLS   {state.smtp_host}:{state.starttls_port}",
            f"  SMTP TLS        {state.smtp_host}:{state.tls_port}",
            f"  CA certificate  {state.ca_file}",
            f"  Terraform       {state.terraform_dir} (state in {state.state_dir})",
            "",
            f"Use it from another shell: export {STATE_ENVIRONMENT}={state_file}, then ses-smtp users create ...",
            "Stop it with Ctrl-C here, or `ses-smtp local down`.",
        ]
    )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    # A stopped child its parent has not reaped yet is a zombie: gone for our purposes.
    return not (stat.exists() and stat.read_text().rpartition(")")[2].split()[0] == "Z")
