#!/usr/bin/env python3
"""The READMEs' inputs and outputs reference, generated from variables.tf and outputs.tf: the root
module's README.md and each modules/<name>/README.md.

Written between terraform-docs markers (<!-- BEGIN_TF_DOCS --> ... <!-- END_TF_DOCS -->) in the
terraform-docs markdown-table layout, so either tool can maintain it. `--check` fails when a README
is stale (run by `make lint`); without it the READMEs are rewritten in place (`make docs`).

Why a script and not terraform-docs: terraform-docs ships as a Go binary and is in none of the package
registries the project's machines and CI reach (Debian, PyPI, npm), so `make setup` could not install it.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEGIN, END = "<!-- BEGIN_TF_DOCS -->", "<!-- END_TF_DOCS -->"


@dataclass(frozen=True)
class Block:
    kind: str
    name: str
    body: str

    def attribute(self, name: str) -> str | None:
        """A top-level attribute's expression (possibly several lines), or None."""
        lines = self.body.splitlines()
        for index, line in enumerate(lines):
            match = re.match(rf"^  {name}\s*=\s*(.*)$", line)
            if not match:
                continue
            value = [match.group(1)]
            depth = _depth(match.group(1))
            for following in lines[index + 1 :]:
                if depth <= 0:
                    break
                value.append(following.strip())
                depth += _depth(following)
            return " ".join(value).strip()
        return None


def _depth(text: str) -> int:
    text = re.sub(r'"(\\.|[^"\\])*"', '""', text)  # brackets inside strings do not count
    return sum(text.count(c) for c in "([{") - sum(text.count(c) for c in ")]}")


def blocks(path: Path, kind: str) -> list[Block]:
    text = path.read_text()
    found = []
    for match in re.finditer(rf'^{kind} "([^"]+)" \{{\n(.*?)^\}}', text, flags=re.MULTILINE | re.DOTALL):
        found.append(Block(kind, match.group(1), match.group(2)))
    return found


def _description(block: Block) -> str:
    raw = block.attribute("description") or '""'
    text = raw.strip('"').replace('\\"', '"').replace("|", "\\|")
    return text.replace("<", "&lt;").replace(">", "&gt;")  # GitHub would take <domain> for a tag


def _cell(expression: str) -> str:
    compact = re.sub(r"\s+", " ", expression).replace("|", "\\|")
    return f"`{compact}`"


def reference(module: Path) -> str:
    lines = [
        BEGIN,
        "## Inputs",
        "",
        "| Name | Description | Type | Default | Required |",
        "|------|-------------|------|---------|:--------:|",
    ]
    for variable in blocks(module / "variables.tf", "variable"):
        default = variable.attribute("default")
        lines.append(
            f'| <a name="input_{variable.name}"></a> [{variable.name}](#input\\_{variable.name}) | '
            f"{_description(variable)} | {_cell(variable.attribute('type') or 'any')} | "
            f"{_cell(default) if default is not None else 'n/a'} | {'no' if default is not None else 'yes'} |"
        )
    lines += ["", "## Outputs", "", "| Name | Description |", "|------|-------------|"]
    for output in blocks(module / "outputs.tf", "output"):
        lines.append(
            f'| <a name="output_{output.name}"></a> [{output.name}](#output\\_{output.name}) | {_description(output)} |'
        )
    lines.append(END)
    return "\n".join(lines)


def modules() -> list[Path]:
    """The root module and every submodule: each README carries its reference."""
    return [ROOT, *sorted(path for path in (ROOT / "modules").iterdir() if (path / "variables.tf").is_file())]


def updated_readme(module: Path) -> tuple[Path, str, str]:
    """(README path, its text, its text with the reference regenerated); raises ValueError without markers."""
    readme = module / "README.md"
    text = readme.read_text() if readme.is_file() else ""
    if BEGIN not in text or END not in text:
        raise ValueError(f"{readme.relative_to(ROOT)} has no {BEGIN} ... {END} section")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    return readme, text, text[:start] + reference(module) + text[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if a README is not up to date")
    args = parser.parse_args(argv)
    stale = []
    for module in modules():
        try:
            readme, text, updated = updated_readme(module)
        except ValueError as missing:
            print(missing, file=sys.stderr)
            return 1
        if updated == text:
            continue
        if args.check:
            stale.append(str(readme.relative_to(ROOT)))
        else:
            readme.write_text(updated)
    if stale:
        print(f"inputs/outputs are stale in {', '.join(stale)}: run `make docs` and commit the result", file=sys.stderr)
        return 1
    if args.check:
        print("README inputs/outputs are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
