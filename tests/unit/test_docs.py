"""The docs stay true: every `ses-smtp` command and flag they mention exists, every relative link
resolves, and every Terraform snippet is valid HCL that passes only real inputs to the module.
"""

from __future__ import annotations

import argparse
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from ses_smtp.admin.cli import parser
from tests.conftest import require_terraform

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted(
    [ROOT / "README.md", *ROOT.glob("docs/*.md"), *ROOT.glob("modules/*/README.md"), *ROOT.glob("examples/*/README.md")]
)
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", flags=re.MULTILINE | re.DOTALL)
META_ARGUMENTS = {"source", "version", "providers", "count", "for_each", "depends_on"}


def ids(paths: list[Path]) -> list[str]:
    return [str(path.relative_to(ROOT)) for path in paths]


def code_text(markdown: str) -> list[str]:
    """Lines of code: fenced blocks and inline `spans`."""
    lines = [line for _, block in FENCE.findall(markdown) for line in block.splitlines()]
    outside = FENCE.sub("", markdown)
    return lines + re.findall(r"`([^`\n]+)`", outside)


def commands(markdown: str) -> list[list[str]]:
    found = []
    for line in code_text(markdown):
        for match in re.finditer(r"(?:^|[\s(/])ses-smtp((?:\s+[^\s|>;#&`)]+)*)", line):
            try:
                tokens = shlex.split(match.group(1), comments=True)
            except ValueError:
                tokens = match.group(1).split()
            found.append(tokens)
    return found


def subcommands(command: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in command._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def check_command(tokens: list[str]) -> str | None:
    """None when every subcommand and flag exists; else what does not."""
    command, path = parser(), ["ses-smtp"]
    root = command
    skip = False
    for token in tokens:
        if token in ("...", "…"):  # "and so on" in prose
            break
        if skip:
            skip = False
            continue
        if token.startswith("-"):
            flag = token.split("=", 1)[0]
            action = command._option_string_actions.get(flag) or root._option_string_actions.get(flag)
            if action is None:
                return f"{' '.join(path)} has no option {flag}"
            skip = action.nargs != 0 and "=" not in token
            continue
        children = subcommands(command)
        if children:
            if token not in children:
                return f"{' '.join(path)} has no command {token!r}"
            command = children[token]
            path.append(token)
    return None


@pytest.mark.parametrize("document", DOCS, ids=ids(DOCS))
def test_every_ses_smtp_command_and_flag_in_the_docs_exists(document: Path) -> None:
    problems = [problem for tokens in commands(document.read_text()) if (problem := check_command(tokens))]
    assert problems == []


def test_the_command_check_catches_what_does_not_exist() -> None:
    assert check_command(["users", "create", "alice", "--from", "a@example.com"]) is None
    assert check_command(["users", "frobnicate"]) == "ses-smtp users has no command 'frobnicate'"
    assert check_command(["dns", "check", "--wiat", "60"]) == "ses-smtp dns check has no option --wiat"


@pytest.mark.parametrize("document", DOCS, ids=ids(DOCS))
def test_every_relative_link_resolves(document: Path) -> None:
    text = FENCE.sub("", document.read_text())
    broken = []
    for target in re.findall(r"\[[^\]]*\]\(([^)\s]+)\)", text):
        if re.match(r"^(https?:|mailto:|#)", target):
            continue
        if not (document.parent / target.split("#", 1)[0]).exists():
            broken.append(target)
    assert broken == []


def hcl_snippets() -> list[tuple[str, str]]:
    return [
        (f"{path.relative_to(ROOT)}#{number}", block)
        for path in DOCS
        for number, (language, block) in enumerate(FENCE.findall(path.read_text()))
        if language in ("hcl", "terraform")
    ]


def module_inputs() -> set[str]:
    return set(re.findall(r'^variable "([^"]+)"', (ROOT / "variables.tf").read_text(), flags=re.MULTILINE))


@pytest.mark.parametrize(("where", "snippet"), hcl_snippets(), ids=[where for where, _ in hcl_snippets()])
def test_terraform_snippets_are_valid_hcl_with_real_inputs(where: str, snippet: str) -> None:
    require_terraform()
    terraform = shutil.which("terraform")
    assert terraform is not None
    parsed = subprocess.run([terraform, "fmt", "-"], input=snippet, capture_output=True, text=True, check=False)
    assert parsed.returncode == 0, f"{where} is not valid HCL:\n{parsed.stderr}"
    for block in re.findall(r'^module "ses_smtp" \{\n(.*?)^\}', snippet, flags=re.MULTILINE | re.DOTALL):
        arguments = set(re.findall(r"^  (\w+)\s*=", block, flags=re.MULTILINE))
        assert arguments - META_ARGUMENTS - module_inputs() == set(), f"{where} passes inputs the module lacks"


def test_the_docs_have_terraform_snippets_to_check() -> None:
    assert len(hcl_snippets()) >= 3
