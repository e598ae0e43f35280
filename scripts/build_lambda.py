#!/usr/bin/env python3
"""Build the Lambda artifacts deterministically: sorted entries, fixed timestamps and modes.

- ses_smtp.zip: the project's code. The admin CLI and the local stack (ses_smtp/admin,
  ses_smtp_local) never ship to Lambda.
- dependencies.zip: a layer with functions/requirements-lambda.txt, wheels for arm64 (python3.13),
  without Powertools' event_handler (REST/GraphQL routing, which no function uses: a tenth of the layer).

The same inputs always give the same bytes, so `filebase64sha256` in Terraform only changes when
they do, and `--check` can prove that the committed zips in functions/dist (what the module deploys
from a git or registry source, with no build step) are what the sources build.
"""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "functions" / "ses_smtp"
REQUIREMENTS = ROOT / "functions" / "requirements-lambda.txt"
EXCLUDED_DIRS = {"admin", "__pycache__"}  # the CLI; the local stack is a package of its own
LAYER_EXCLUDED_DIRS = {"__pycache__", "bin"}
LAYER_EXCLUDED_PACKAGES = ("aws_lambda_powertools/event_handler/",)  # imported by no function
DIST = ROOT / "functions" / "dist"  # committed: the module's default lambda_package_dir
ARTIFACTS = ("ses_smtp.zip", "dependencies.zip", "dependencies.sha256")
LAMBDA_PLATFORMS = ("manylinux_2_28_aarch64", "manylinux2014_aarch64")
LAMBDA_PYTHON = "3.13"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
RECORD_RULE = "RECORD lines outside the site dropped"  # part of the layer's recipe (see layer_content)


def package_files(package: Path = PACKAGE) -> list[Path]:
    """Files of the package that go to Lambda, in a stable order."""
    files = [
        path
        for path in package.rglob("*")
        if path.is_file()
        and not EXCLUDED_DIRS.intersection(path.relative_to(package).parts)
        and path.suffix not in {".pyc", ".pyo"}
    ]
    return sorted(files, key=lambda path: path.relative_to(package.parent).as_posix())


def layer_files(site: Path) -> list[Path]:
    files = [
        path
        for path in site.rglob("*")
        if path.is_file()
        and not LAYER_EXCLUDED_DIRS.intersection(path.relative_to(site).parts)
        and not path.relative_to(site).as_posix().startswith(LAYER_EXCLUDED_PACKAGES)
        and path.suffix not in {".pyc", ".pyo"}
    ]
    return sorted(files, key=lambda path: path.relative_to(site).as_posix())


def build_layer(output: Path) -> Path:
    """Install the pinned dependencies for Lambda's platform and zip them under python/."""
    target = output / "dependencies.zip"
    stamp = output / "dependencies.sha256"
    recipe = repr((sorted(LAYER_EXCLUDED_DIRS), LAYER_EXCLUDED_PACKAGES, LAMBDA_PLATFORMS, LAMBDA_PYTHON, RECORD_RULE))
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes() + recipe.encode()).hexdigest()  # pins and how they are laid out
    if target.exists() and stamp.exists() and stamp.read_text().strip() == wanted:
        return target  # same pins, same bytes: skip the download
    with tempfile.TemporaryDirectory() as scratch:
        site = Path(scratch) / "python"
        platforms = [argument for platform in LAMBDA_PLATFORMS for argument in ("--platform", platform)]
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--no-deps",
                "--only-binary=:all:",
                "--implementation",
                "cp",
                "--python-version",
                LAMBDA_PYTHON,
                *platforms,
                "--target",
                str(site),
                "--requirement",
                str(REQUIREMENTS),
            ],
            check=True,
        )
        write_zip(target, layer_files(site), site.parent, content=layer_content)
    stamp.write_text(wanted + "\n")
    return target


def layer_content(path: Path) -> bytes:
    """A file's bytes as the layer holds them: a wheel's RECORD without the scripts pip wrote to bin/.

    Those scripts are not shipped, and their hashes depend on the path of the Python that ran pip (it
    is their shebang), so keeping them would make the layer differ from one checkout to the next.
    """
    data = path.read_bytes()
    if path.name != "RECORD" or not path.parent.name.endswith(".dist-info"):
        return data
    kept = [line for line in data.decode().splitlines(keepends=True) if not line.startswith("../")]
    return "".join(kept).encode()


def write_zip(target: Path, files: list[Path], base: Path, content: Callable[[Path], bytes] = Path.read_bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in files:
            entry = zipfile.ZipInfo(path.relative_to(base).as_posix(), date_time=FIXED_TIME)
            entry.external_attr = 0o100644 << 16  # regular file, rw-r--r--
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, content(path))


def build(output: Path) -> Path:
    target = output / "ses_smtp.zip"
    write_zip(target, package_files(), PACKAGE.parent)
    return target


def describe(target: Path) -> str:
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    shown = target.relative_to(ROOT) if target.is_relative_to(ROOT) else target
    return f"built {shown} ({target.stat().st_size} bytes, sha256 {digest[:16]})"


def stale(committed: Path) -> list[str]:
    """The artifacts in committed that differ from a fresh build of the sources (none: up to date)."""
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch)
        build(fresh)
        build_layer(fresh)
        return [
            name
            for name in ARTIFACTS
            if not (committed / name).is_file() or not filecmp.cmp(fresh / name, committed / name, shallow=False)
        ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=DIST)
    parser.add_argument("--code-only", action="store_true", help="skip the dependencies layer")
    parser.add_argument("--check", action="store_true", help="fail when --output differs from a fresh build")
    args = parser.parse_args(argv)
    if args.check:
        differ = stale(args.output)
        if differ:
            print(f"stale in {args.output}: {', '.join(differ)}; run `make build` and commit them", file=sys.stderr)
            return 1
        print(f"{args.output}: the committed zips are what the sources build")
        return 0
    print(describe(build(args.output)))
    if not args.code_only:
        print(describe(build_layer(args.output)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
