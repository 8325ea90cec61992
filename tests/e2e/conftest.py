"""The browser suite's world: one real server (`training-app serve --no-demo`) on a free loopback port
with a fresh instance, a database seeded with the shipped courses and the demo course and accounts of
every role, and Debian's Chromium driven by Playwright. Nothing is mocked.

Run it alone with `python -m pytest -m e2e tests/e2e` (the default run leaves it out).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.e2e import seed
from training_app.db import upgrade_schema

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
#: RELIABILITY.md §5.1: root needs --no-sandbox; the rest keep Chromium off the closed network.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LANGS = ("en", "fr", "es")
ARTIFACTS = ROOT / "ci-artifacts"


@pytest.hookimpl(tryfirst=True)  # before -m deselects
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Everything under tests/e2e is marked e2e, so `-m e2e` runs it alone and `-m 'not e2e'` skips it."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)


def _missing_tool(reason: str) -> None:
    # In CI a missing browser is a broken install step, never a reason to pass quietly.
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _cli() -> str:
    """The installed `training-app` command, next to this Python first (a venv that is not activated)."""
    beside = Path(sys.executable).parent / "training-app"
    found = str(beside) if beside.exists() else shutil.which("training-app")
    if found is None:
        raise RuntimeError("the training-app command is not installed: pip install -e '.[test]'")
    return found


def _server_env(instance: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SMTP_URL", "REDIS_URL", "SECRET_KEY")}
    env.update(TRAINING_APP_INSTANCE=str(instance), PYTHONUNBUFFERED="1")
    return env


@dataclass
class Server:
    url: str
    instance: Path
    world: seed.World
    log: Path
    downloads: Path = field(default=Path())

    def __call__(self, path: str) -> str:
        return self.url + path


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The real server on a fresh instance: courses imported with the CLI, accounts made with the services."""
    instance = tmp_path_factory.mktemp("e2e-instance")
    env = _server_env(instance)
    upgrade_schema(seed.database_url(instance))
    subprocess.run([_cli(), "import-courses", "courses", str(seed.DEMO_PACKAGE)],
                   cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    world = seed.seed(instance)
    port = _free_port()
    log = ARTIFACTS / "e2e-server.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        process = subprocess.Popen(
            [_cli(), "serve", "--no-demo", "--host", "127.0.0.1",
             "--port", str(port), "--workers", "2"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield Server(url, instance, world, log, tmp_path_factory.mktemp("downloads"))
    finally:
        process.send_signal(signal.SIGTERM)  # gunicorn's master stops its own workers
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_cli(server: Server, *args: str) -> subprocess.CompletedProcess:
    """The `training-app` command on the running server's instance, e.g. to import one more course."""
    return subprocess.run([_cli(), *args], cwd=ROOT, env=_server_env(server.instance), check=True,
                          capture_output=True, text=True, timeout=300)


def _wait_healthy(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped (exit {process.returncode}); see ci-artifacts/e2e-server.log")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310 - loopback only
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the server did not answer /healthz within 60 s")


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        _missing_tool("Debian's Chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing_tool("the Python package playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def new_context(browser, server: Server) -> Iterator[Callable]:
    """Browser contexts (fresh cookies) for one test, in a language; closed at the end of the test."""
    made = []

    def make(lang: str = "en", **options):
        context = browser.new_context(locale={"en": "en-US", "fr": "fr-CA", "es": "es-MX"}[lang],
                                      accept_downloads=True, **options)
        context.set_default_timeout(15_000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


@pytest.fixture
def sign_in(server: Server) -> Callable:
    """Sign in through the form, then pick the page language with the language menu's ?lang=."""
    return lambda page, address, lang: log_in(server, page, address, lang)


def log_in(server: Server, page, address: str, lang: str) -> None:
    page.goto(server(f"/login?lang={lang}"))
    page.locator("#email").fill(address)
    page.locator("#password").fill(seed.PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/dashboard")
    page.goto(server(f"/dashboard?lang={lang}"))
    assert page.locator("html").get_attribute("lang") == lang


@pytest.fixture(scope="session")
def node_tools() -> Path:
    """tests/e2e/node_modules, installed by `npm ci` from the committed lock file."""
    modules = Path(__file__).parent / "node_modules"
    if not (modules / "axe-core" / "axe.min.js").exists() or not (modules / "vnu-jar").exists():
        _missing_tool("the checkers are not installed: run `npm ci --ignore-scripts` in tests/e2e")
    if shutil.which("java") is None:
        _missing_tool("Java is not installed (apt-get install default-jre-headless)")
    return modules
