"""A real DNS server (BIND's named) on a loopback port, serving zones the tests write."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import dns.exception
import dns.resolver
import pytest

SOA = (
    "@ 300 IN SOA ns1.{origin}. hostmaster.{origin}. 1 3600 600 86400 300\n"
    "@ 300 IN NS ns1.{origin}.\n"
    "ns1 300 IN A 127.0.0.1\n"
)


def require_bind() -> None:
    for tool in ("named", "named-checkzone"):
        if shutil.which(tool) is None and not Path(f"/usr/sbin/{tool}").exists():
            pytest.fail(f"{tool} is missing: install BIND (Debian: apt-get install bind9 bind9-utils)")


def tool(name: str) -> str:
    return shutil.which(name) or f"/usr/sbin/{name}"


def complete_zone(origin: str, body: str) -> str:
    """A zone BIND will load: SOA and NS for the origin, then the records."""
    lines = [line for line in body.splitlines() if not line.startswith("$ORIGIN")]
    return f"$ORIGIN {origin}.\n$TTL 300\n" + SOA.format(origin=origin) + "\n".join(lines) + "\n"


def check_zone(origin: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([tool("named-checkzone"), origin, str(path)], capture_output=True, text=True, timeout=30)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Named:
    """named in the foreground on 127.0.0.1:port, authoritative for the zones given, nothing else."""

    def __init__(self, directory: Path, zones: dict[str, str]) -> None:
        self.directory = directory
        self.port = free_port()
        directory.mkdir(parents=True, exist_ok=True)
        stanzas = []
        for origin, text in zones.items():
            (directory / f"{origin}.zone").write_text(text)
            stanzas.append(f'zone "{origin}" {{ type primary; file "{directory}/{origin}.zone"; }};')
        (directory / "named.conf").write_text(
            "options {\n"
            f'  directory "{directory}";\n  pid-file "{directory}/named.pid";\n'
            f"  listen-on port {self.port} {{ 127.0.0.1; }};\n  listen-on-v6 {{ none; }};\n"
            "  recursion no;\n  dnssec-validation no;\n};\n"
            # No command channel: the default one (127.0.0.1#953) is the same for every named on the machine.
            "controls { };\n" + "\n".join(stanzas) + "\n"
        )
        self.process = subprocess.Popen(
            [tool("named"), "-g", "-c", str(directory / "named.conf")],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._wait_ready(next(iter(zones)))

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _wait_ready(self, origin: str) -> None:
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers, resolver.port, resolver.lifetime = ["127.0.0.1"], self.port, 1.0
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.process.stdout.read() if self.process.stdout else ""
                pytest.fail(f"named exited with {self.process.returncode}:\n{output[-2000:]}")
            try:
                resolver.resolve(origin, "SOA")
                return
            except dns.exception.DNSException:
                time.sleep(0.2)
        self.stop()
        pytest.fail("named did not answer within 15 seconds")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
