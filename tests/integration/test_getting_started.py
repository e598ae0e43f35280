"""The README's "Use the module" block and docs/getting-started.md, run as written on the local stack.

What cannot work on an emulator is the only change: the module's `source`, the Route53 zone (one made in
the emulator) and an override file pointing the providers at the emulator. The source is a `git::file://`
URL of a clean clone of this commit (no build/, no virtualenv): the consumer's only steps are `terraform
init` and `terraform apply`, so the module must ship its functions' zips. The CLI then runs in
the deployment's directory as the docs say, in its own process, with the emulator's AWS settings in its
environment (the emulator runs the credentials function when the CLI invokes it).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from ses_smtp.admin.terraform import REPO_ROOT
from ses_smtp_local.emulator import Emulator
from tests.conftest import require_terraform, separate_emulator
from tests.integration import snippets

pytestmark = [pytest.mark.integration, pytest.mark.slow]
DOCUMENTED_ZONE = '{ id = "Z0123456789ABCDEFGHIJ" }'
SNIPPETS = {
    "readme": (REPO_ROOT / "README.md", "Use the module"),
    "getting-started": (REPO_ROOT / "docs" / "getting-started.md", "2. Deploy"),
}


def as_applied_here(snippet: str, source: str, zone_id: str) -> str:
    """The snippet with its module source and zone id replaced; nothing else."""
    assert snippet.count("source = ") == 1 and snippet.count(DOCUMENTED_ZONE) == 1, "the snippet changed shape"
    local = snippet.replace(DOCUMENTED_ZONE, f'{{ id = "{zone_id}" }}')
    return "\n".join(
        f'  source = "{source}"' if line.strip().startswith("source = ") else line for line in local.splitlines()
    )


@pytest.fixture(scope="module")
def git_source(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A `git::file://` URL of a clean clone of the commit under test: what a consumer's init fetches."""
    git = shutil.which("git") or pytest.fail("git is not on PATH: install git (Debian: apt-get install git)")
    commit = subprocess.run(
        [git, "-C", str(REPO_ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    )
    clone = tmp_path_factory.mktemp("module") / "terraform-aws-ses-smtp"
    subprocess.run([git, "clone", "--quiet", "--no-checkout", str(REPO_ROOT), str(clone)], check=True, timeout=300)
    subprocess.run([git, "-C", str(clone), "checkout", "--quiet", commit.stdout.strip()], check=True, timeout=300)
    assert not (clone / "build").exists() and not (clone / ".venv").exists()
    for name in ("ses_smtp.zip", "dependencies.zip"):
        assert (clone / "functions" / "dist" / name).is_file(), f"functions/dist/{name} is not committed: `make build`"
    return f"git::file://{clone}?ref={commit.stdout.strip()}"


@pytest.fixture(scope="class")
def applied(
    request: pytest.FixtureRequest, git_source: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, Emulator]]:
    """The requesting class's snippet, applied once for all its tests in an emulator of its own."""
    require_terraform()
    snippet = request.cls.snippet
    document, heading = SNIPPETS[snippet]
    with separate_emulator() as emulator:
        zone = emulator.session().client("route53").create_hosted_zone(Name="example.com", CallerReference="docs")
        zone_id = zone["HostedZone"]["Id"].rpartition("/")[2]
        root = snippets.write_root(
            tmp_path_factory.mktemp(snippet),
            as_applied_here(snippets.hcl_block(document, heading), git_source, zone_id),
            emulator,
        )
        snippets.terraform(root, "init")
        snippets.terraform(root, "apply", "-auto-approve")
        yield root, emulator  # no destroy: the table is deletion-protected, as the docs leave it; the emulator goes


class SnippetAsDocumented:
    """The checks of one documented snippet, applied once for them all. A class per snippet (below) rather
    than a parametrised fixture: pytest-xdist (--dist loadscope) runs each class whole on one worker, so
    the two applies, each in an emulator of its own, run side by side."""

    snippet: str

    def test_dns_records_reads_the_re_exported_admin_config(self, applied: tuple[Path, Emulator]) -> None:
        root, emulator = applied
        result = snippets.ses_smtp(root, emulator, "dns", "records", "--format", "json")
        assert result.returncode == 0, result.stderr
        names = {record["name"] for record in json.loads(result.stdout)}
        assert {"_dmarc.example.com", "mail.example.com"} <= names

    def test_the_first_sender_is_created_as_the_docs_say(self, applied: tuple[Path, Emulator]) -> None:
        root, emulator = applied
        created = snippets.ses_smtp(root, emulator, "users", "create", "alice", "--from", "alice@example.com")
        assert created.returncode == 0, created.stderr
        shows_the_server = "email-smtp.eu-west-1.amazonaws.com" in created.stdout  # stdout holds a password: no echo
        assert shows_the_server
        listed = snippets.ses_smtp(root, emulator, "users", "list", "--json")
        assert listed.returncode == 0, listed.stderr
        assert [sender["name"] for sender in json.loads(listed.stdout)] == ["alice"]
        deleted = snippets.ses_smtp(root, emulator, "users", "delete", "alice", "--yes")
        assert deleted.returncode == 0, deleted.stderr


class TestTheReadmeSnippet(SnippetAsDocumented):
    snippet = "readme"


class TestTheGettingStartedSnippet(SnippetAsDocumented):
    snippet = "getting-started"
