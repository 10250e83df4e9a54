"""`make test` on a machine without Chromium: scripts/ensure-chromium, run by make as a user
who may not install packages, stops with one line saying how, before anything else runs."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


@pytest.fixture(scope="module")
def tree():
    """The Makefile and scripts/ in a folder the unprivileged user can read: a checkout made
    by root in a private directory (``mktemp -d``, 0700) is not readable by nobody."""
    folder = Path(tempfile.mkdtemp(prefix="govwatch-make-"))
    os.chmod(folder, 0o755)
    shutil.copy2(REPO / "Makefile", folder / "Makefile")
    shutil.copytree(REPO / "scripts", folder / "scripts")
    yield folder
    shutil.rmtree(folder)


def unprivileged(command: list[str], **env) -> subprocess.CompletedProcess:
    """Run ``command`` as a user who cannot install packages: nobody when we are root."""
    prefix = NOBODY if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=60,
                          env={"PATH": os.environ["PATH"], **env})


def test_make_test_without_chromium_stops_with_one_line_saying_how(tree):
    # PY and STAMP overridden so that, were the check missing, make would only echo the test command.
    done = unprivileged(["make", "-C", str(tree), "--no-print-directory", "test", "PY=echo", "STAMP="],
                        GOVWATCH_CHROMIUM="no-such-chromium")
    assert done.returncode != 0
    assert "-m pytest" not in done.stdout
    ours = [line for line in done.stderr.splitlines() if not line.startswith("make: ***")]
    assert ours == ["make test: the report's browser test needs Chromium ('no-such-chromium' is not on PATH): "
                    "run 'sudo apt-get install -y --no-install-recommends chromium fonts-wqy-microhei', "
                    "or set GOVWATCH_CHROMIUM to its command"]


def test_chromium_present_lets_make_test_go_on_quietly(tree):
    done = unprivileged([str(tree / "scripts" / "ensure-chromium")], GOVWATCH_CHROMIUM="sh")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_make_test_fast_runs_the_suite_without_the_slow_tier_and_without_chromium(tree):
    done = unprivileged(["make", "-C", str(tree), "--no-print-directory", "test-fast", "PY=echo", "STAMP="],
                        GOVWATCH_CHROMIUM="no-such-chromium")
    # make echoes the command, then echo prints its arguments.
    assert (done.returncode, done.stdout, done.stderr) == (
        0, 'echo -m pytest -m "not slow"\n-m pytest -m not slow\n', "")
