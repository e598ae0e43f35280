"""The local AWS emulator: moto in server mode on a loopback address, with its gaps filled."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ses_smtp.admin.local_stack import EMULATOR_CREDENTIALS, emulator_environment


@dataclass(frozen=True)
class Emulator:
    endpoint_url: str
    region: str

    def session(self) -> Any:
        """A boto3 session whose clients talk to this emulator."""
        import boto3

        session = boto3.session.Session(
            aws_access_key_id=EMULATOR_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=EMULATOR_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            region_name=self.region,
        )
        return _EndpointSession(session, self.endpoint_url)

    def environment(self) -> dict[str, str]:
        """Environment for a process (Terraform, the CLI) that should talk to this emulator only."""
        return emulator_environment(self.endpoint_url, self.region)


class _EndpointSession:
    def __init__(self, session: Any, endpoint_url: str) -> None:
        self._session = session
        self._endpoint_url = endpoint_url

    def client(self, service: str, **kwargs: Any) -> Any:
        return self._session.client(service, endpoint_url=self._endpoint_url, **kwargs)


@contextmanager
def running_emulator(region: str = "eu-west-1", host: str = "127.0.0.1", port: int = 0) -> Iterator[Emulator]:
    """Start moto on host:port (0 = any free port) for the duration of the block."""
    if not host.startswith("127.") and host not in ("localhost", "::1"):
        raise ValueError(f"the emulator only listens on loopback addresses, not {host}")
    # moto reads these at import of its server; keep it quiet and in-memory.
    os.environ.setdefault("MOTO_CALL_RESET_API", "false")
    from moto.server import ThreadedMotoServer

    from ses_smtp_local import emulator_gaps  # moto's modules: loaded only when an emulator starts

    emulator_gaps.install()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
    server.start()
    try:
        bound_host, bound_port = server.get_host_and_port()
        yield Emulator(endpoint_url=f"http://{bound_host}:{bound_port}", region=region)
    finally:
        server.stop()


def main() -> None:
    """An emulator in a process of its own: prints its endpoint URL, stops when stdin closes.

    moto keeps its data per process, so a test that must not share the session's emulator (same domain,
    same names) starts one of these.
    """
    with running_emulator() as emulator:
        print(emulator.endpoint_url, flush=True)
        sys.stdin.read()  # until the parent closes the pipe (or dies)


if __name__ == "__main__":
    main()
