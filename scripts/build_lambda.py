#!/usr/bin/env python3
"""Build the Lambda code zip deterministically: sorted entries, fixed timestamps and modes.

The same sources always give the same bytes, so `filebase64sha256` in Terraform only changes when the
code does. The admin CLI and the local stack (ses_smtp/admin, ses_smtp/local) never ship to Lambda.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "functions" / "ses_smtp"
EXCLUDED_DIRS = {"admin", "local", "__pycache__"}
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry


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


def write_zip(target: Path, files: list[Path], base: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in files:
            entry = zipfile.ZipInfo(path.relative_to(base).as_posix(), date_time=FIXED_TIME)
            entry.external_attr = 0o100644 << 16  # regular file, rw-r--r--
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, path.read_bytes())


def build(output: Path) -> Path:
    target = output / "ses_smtp.zip"
    write_zip(target, package_files(), PACKAGE.parent)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=ROOT / "build" / "lambda")
    args = parser.parse_args(argv)
    target = build(args.output)
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    print(
        f"built {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target} "
        f"({target.stat().st_size} bytes, sha256 {digest[:16]})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
