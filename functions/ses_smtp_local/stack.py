"""`ses-smtp local up` / `local down`: the whole system on 127.0.0.1, described by a state file.

One process holds everything, because the emulator keeps its data in memory: moto in server mode,
`terraform apply` of examples/local, the SMTP endpoint (STARTTLS and implicit TLS), the event source
that feeds SQS batches to the events handler as Lambda would, and, with receiving, the inbound endpoint
(SES receiving: mail for the domain is stored and handed to the forwarding function) and the local
mailboxes where what SES sends to ordinary addresses arrives. Other processes (the CLI with `--local`,
mail clients) find it through the state file. Stopping it stops everything and leaves nothing running;
the emulator's data goes with it.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ses_smtp.admin.deployment import LocalFunction, admin_config
from ses_smtp.admin.local_stack import STATE_ENVIRONMENT, LocalStackError, StackState
from ses_smtp.admin.terraform import REPO_ROOT, TerraformRun, ensure_cli_config
from ses_smtp_local import tls
from ses_smtp_local.emulator import Emulator, running_emulator
from ses_smtp_local.inbound import InboundEndpoint
from ses_smtp_local.mailbox import LocalMailboxes
from ses_smtp_local.runner import LocalEventSource
from ses_smtp_local.smtp import SmtpEndpoint

EXAMPLE = REPO_ROOT / "examples" / "local"
DEFAULT_DOMAIN = "example.com"
DETACH_TIMEOUT = 600.0  # apply takes one to three minutes, more on a loaded machine


class EventPump(threading.Thread):
    """Lambda's pollers: every half second, each task runs (SQS batches to the events function, received
    mail to the forwarding function, sent mail to the local mailboxes) until stopped. One thread: the
    in-process functions take turns with the process's environment."""

    def __init__(self, tasks: list[Callable[[], object]]) -> None:
        super().__init__(name="ses-smtp-event-source", daemon=True)
        self.tasks = tasks
        self.stopping = threading.Event()
        self.errors: list[str] = []

    def run(self) -> None:
        while not self.stopping.wait(0.5):
            self.run_tasks()

    def run_tasks(self) -> None:
        for task in self.tasks:
            try:
                task()
            except Exception as error:  # keep polling, as Lambda does; each new error is said once, at once
                if repr(error) not in self.errors:
                    print(f"event source: {error!r}", file=sys.stderr, flush=True)
                self.errors.append(repr(error))

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=15)
        self.run_tasks()  # what arrived during the last half second is not left behind


class ReceivedMail:
    """SES's asynchronous (Event) invocations of the forwarding function: the inbound endpoint queues each
    event; the pump invokes the function with it, in the pump's thread."""

    def __init__(self, function: LocalFunction) -> None:
        self.function = function
        self.pending: queue.SimpleQueue[dict[str, Any]] = queue.SimpleQueue()

    def deliver(self, event: dict[str, Any]) -> None:
        self.pending.put(event)

    def forward_pending(self) -> None:
        while not self.pending.empty():
            event = self.pending.get()
            try:
                self.function.invoke(event)
            except Exception as error:  # Lambda would retry, then dead-letter: say so in the terminal
                message_id = event["Records"][0]["ses"]["mail"]["messageId"]
                print(f"inbound: forwarding {message_id} failed: {error!r}; see {self.function.log_path}", flush=True)


@contextmanager
def inbound_endpoint(
    emulator: Emulator, config: dict[str, Any], function_name: str | None, log_dir: Path
) -> Iterator[tuple[InboundEndpoint, ReceivedMail] | None]:
    """With receiving: SES's inbound SMTP for the domain, delivering to the deployed forwarding function."""
    bucket = config.get("received_mail_bucket_name")
    if not bucket or not function_name:
        yield None
        return
    session = emulator.session()
    function = LocalFunction(session, function_name, runtime=emulator.environment(), log_dir=log_dir)
    received = ReceivedMail(function)
    arn = session.client("lambda").get_function_configuration(FunctionName=function_name)["FunctionArn"]
    endpoint = InboundEndpoint(session.client("s3"), bucket, config["domain"], received.deliver, function_arn=arn)
    with endpoint:
        yield endpoint, received


@contextmanager
def local_stack(
    work_dir: Path,
    max_send_rate: float = 14.0,
    progress: Callable[[str], None] = print,
    domain: str = DEFAULT_DOMAIN,
) -> Iterator[StackState]:
    """Start everything, yield its description, and stop everything on the way out. No `terraform destroy`:
    what Terraform made lives only in the emulator's memory, which goes with it, and its state file is
    removed (tests/integration/test_local_example.py proves the module's destroy leaves nothing)."""
    ensure_cli_config()
    log_dir = work_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    progress("starting the AWS emulator (moto) on 127.0.0.1")
    with running_emulator() as emulator:
        run = TerraformRun(
            EXAMPLE,
            work_dir / "terraform",
            {"endpoint_url": emulator.endpoint_url, "domain": domain},
            emulator.environment(),
        )
        forget_terraform_state(run.work_dir)  # a fresh emulator holds nothing an older state describes
        progress(f"terraform init and apply of examples/local for {domain} (about a minute)")
        with elapsed(progress, "terraform apply"):
            run.init()
            run.apply()
        outputs = run.outputs()
        config = admin_config(outputs, f"terraform output of {EXAMPLE}")
        certificates = tls.issue(work_dir / "tls")
        mailboxes = LocalMailboxes(work_dir / "mailboxes", emulator.region)
        mailboxes.empty()  # what an earlier stack delivered is not this one's mail
        progress("starting the SMTP endpoints and the event source")
        with (
            SmtpEndpoint(emulator, certificates, max_send_rate=max_send_rate) as endpoint,
            inbound_endpoint(emulator, config, outputs.get("forwarding_function_name"), log_dir) as receiving,
        ):
            events = LocalEventSource(
                emulator.session(),
                config["events_queue_url"],
                config["events_function_name"],
                runtime=emulator.environment(),  # as Lambda gives a function its region and credentials
                log_dir=log_dir,
            )
            tasks: list[Callable[[], object]] = [lambda: events.drain(max_batches=20, timeout=5)]
            if receiving is not None:
                tasks.append(receiving[1].forward_pending)
            pump = EventPump([*tasks, mailboxes.deliver_new])
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
                    log_dir=str(log_dir),
                    inbound_port=receiving[0].port if receiving is not None else 0,
                    mailbox_dir=str(mailboxes.directory),
                )
            finally:
                pump.stop()
                forget_terraform_state(run.work_dir)  # the emulator's data goes with it
                if pump.errors:
                    progress(f"the event source hit errors: {pump.errors[:3]}")


def forget_terraform_state(terraform_dir: Path) -> None:
    """Remove the Terraform state of a stack whose emulator is gone: it describes nothing that exists."""
    for path in terraform_dir.glob("terraform.tfstate*"):
        path.unlink()


@contextmanager
def elapsed(progress: Callable[[str], None], what: str, every: float = 15.0) -> Iterator[None]:
    """Say how long a slow step has been running, every `every` seconds, until it ends."""
    done = threading.Event()
    started = time.monotonic()

    def tick() -> None:
        while not done.wait(every):
            progress(f"{what}: {time.monotonic() - started:.0f}s so far")

    ticker = threading.Thread(target=tick, name="ses-smtp-progress", daemon=True)
    ticker.start()
    try:
        yield
    finally:
        done.set()
        ticker.join(timeout=1)
    progress(f"{what} done in {time.monotonic() - started:.0f}s")


def up(state_file: Path, max_send_rate: float, domain: str = DEFAULT_DOMAIN) -> int:
    """Run the stack in the foreground until Ctrl-C or `ses-smtp local down`."""
    state_file = state_file.resolve()
    refuse_if_running(state_file)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    work_dir = state_file.parent / "stack"
    progress = lambda text: print(f"==> {text}", flush=True)  # noqa: E731
    with local_stack(work_dir, max_send_rate, progress=progress, domain=domain) as state:
        state.save(state_file)
        print(describe(state, state_file), flush=True)
        try:
            stop.wait()
        finally:
            state_file.unlink(missing_ok=True)
            print("==> stopping: SMTP endpoint, event source, emulator", flush=True)
    return 0


def up_detached(
    state_file: Path, max_send_rate: float, domain: str = DEFAULT_DOMAIN, timeout: float = DETACH_TIMEOUT
) -> str:
    """Start `ses-smtp local up` in the background and return once its state file says it is ready."""
    state_file = state_file.resolve()
    refuse_if_running(state_file)
    state_file.unlink(missing_ok=True)
    output = state_file.parent / "stack" / "logs" / "local-up.log"
    output.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "ses_smtp.admin.cli", "local", "up", "--state-file", str(state_file)]
    command += ["--max-send-rate", str(max_send_rate), "--domain", domain]
    with output.open("w") as log:
        child = subprocess.Popen(  # our own CLI, no shell
            command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + timeout
    while not state_file.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.5)
    if not state_file.exists():
        if child.poll() is not None:
            raise LocalStackError(f"local up stopped (exit {child.returncode}); its output is in {output}")
        child.terminate()
        raise LocalStackError(f"the local stack did not start within {timeout:.0f}s; its output is in {output}")
    return describe(StackState.load(state_file), state_file) + f"\n  Stack output    {output}"


def status(state_file: Path) -> str:
    """Whether a stack runs, and where: the state file's description, or what to do."""
    state_file = state_file.resolve()
    state = StackState.load(state_file)
    if not _alive(state.pid):
        raise LocalStackError(f"no stack is running (the state file {state_file} is stale): `ses-smtp local up`")
    return describe(state, state_file).replace("Local stack up", f"Local stack running (pid {state.pid})", 1)


def refuse_if_running(state_file: Path) -> None:
    if state_file.exists() and _alive(StackState.load(state_file).pid):
        raise LocalStackError(f"a local stack is already running (pid in {state_file}): `ses-smtp local down` first")


def down(state_file: Path, timeout: float = 30.0) -> str:
    state_file = state_file.resolve()
    state = StackState.load(state_file)
    if not _alive(state.pid):
        state_file.unlink(missing_ok=True)
        forget_terraform_state(Path(state.state_dir))
        return f"no stack was running (removed the stale {state_file})"
    os.kill(state.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(state.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    if _alive(state.pid):
        raise LocalStackError(f"the stack (pid {state.pid}) did not stop within {timeout:.0f}s")
    forget_terraform_state(Path(state.state_dir))
    return "the local stack is stopped; nothing is left running"


def describe(state: StackState, state_file: Path) -> str:
    return "\n".join(
        [
            f"Local stack up (state file {state_file}):",
            f"  Domain          {state.outputs.get('admin_config', {}).get('domain', '-')}",
            f"  AWS emulator    {state.endpoint_url} (region {state.region})",
            f"  SMTP STARTTLS   {state.smtp_host}:{state.starttls_port}",
            f"  SMTP TLS        {state.smtp_host}:{state.tls_port}",
            f"  SMTP inbound    {inbound(state)}",
            f"  Mailboxes       {state.mailbox_dir or '-'} (what SES sends to other addresses, a Maildir each)",
            f"  CA certificate  {state.ca_file}",
            f"  Terraform       {state.terraform_dir} (state in {state.state_dir})",
            f"  Function logs   {state.log_dir or '-'}",
            "",
            f"Use it from any shell: export {STATE_ENVIRONMENT}={state_file}, then .venv/bin/ses-smtp users create ...",
            "Stop it with Ctrl-C in its terminal, or `ses-smtp local down`; `ses-smtp local status` says if it runs.",
        ]
    )


def inbound(state: StackState) -> str:
    domain = state.outputs.get("admin_config", {}).get("domain", "-")
    if not state.inbound_port:
        return "- (receiving is off in this deployment)"
    return f"{state.smtp_host}:{state.inbound_port} (mail for @{domain}, received as SES receives it; no AUTH)"


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
