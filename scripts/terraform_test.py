#!/usr/bin/env python3
"""`make test-terraform`: `terraform test`, one process per test file, several files at a time.

Terraform 1.11 runs the files of one `terraform test` one after the other and has no -parallelism for
tests; a run holds no state outside its process (plans against mock or fake-credential providers), so
separate processes, each given one file with -filter, are independent. Each file's output is printed
whole as soon as that file is done; the exit code is non-zero when any file failed.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUMMARY = re.compile(r"(\d+) passed, (\d+) failed")
TIMEOUT = 1800  # seconds for one file: a hung provider fails the run instead of stalling it


def test_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.tftest.hcl"))


def longest_first(files: list[Path]) -> list[Path]:
    """The files with the most run blocks start first, so the last one to finish is a short one."""
    return sorted(files, key=lambda path: -len(re.findall(r"^run ", path.read_text(), flags=re.M)))


def run_file(path: Path) -> subprocess.CompletedProcess[str]:
    """`terraform test` of one file, its stdout and stderr in one text, as Terraform prints them."""
    command = ["terraform", "test", "-no-color", f"-filter={path.relative_to(ROOT).as_posix()}"]
    try:
        return subprocess.run(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired as expired:
        output = expired.stdout if isinstance(expired.stdout, str) else ""
        return subprocess.CompletedProcess(command, 1, f"{output}\n{path.name}: no result after {TIMEOUT}s\n")


def counts(output: str) -> tuple[int, int]:
    """(passed, failed) from Terraform's closing line; a file that never got there counts as one failure."""
    found = SUMMARY.findall(output)
    return (int(found[-1][0]), int(found[-1][1])) if found else (0, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="files run at once (default 2)")
    arguments = parser.parse_args()
    files = test_files(ROOT / "tests")
    if not files:
        print("no tests/*.tftest.hcl", file=sys.stderr)
        return 1
    passed = failed = 0
    broken: list[str] = []
    with ThreadPoolExecutor(max_workers=max(1, arguments.jobs)) as pool:
        runs: dict[Future[subprocess.CompletedProcess[str]], Path] = {
            pool.submit(run_file, path): path for path in longest_first(files)
        }
        for run in as_completed(runs):  # each file's output whole, as soon as it is done
            path, done = runs[run], run.result()
            print(done.stdout, end="", flush=True)
            file_passed, file_failed = counts(done.stdout)
            passed, failed = passed + file_passed, failed + file_failed
            if done.returncode != 0:
                broken.append(path.name)
    print(f"\nterraform test: {len(files)} files, {passed} passed, {failed} failed")
    if broken:
        print(f"failed: {', '.join(broken)}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
