"""Scale-out, tested as it is deployed: nginx with deploy/nginx.conf (TLS) in front of two
`training-app serve` processes with separate instance folders, one fresh PostgreSQL database and one
shared folder. Each request is routed to the process the test names (its port), or through nginx.

Run it alone with: TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test pytest -m scaleout
(the application uses no Redis: every shared state is in the database or the shared folder).
"""

from __future__ import annotations

import contextlib
import datetime
import http.client
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from PIL import Image
from sqlalchemy import Engine, create_engine, make_url, select, text
from sqlalchemy.orm import Session

from tests.quiz.helpers import right_json
from training_app.certificates.models import Certificate
from training_app.learn.models import Course, Module, Quiz
from training_app.quiz.models import Attempt

pytestmark = pytest.mark.scaleout

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
DEMO_PACKAGE = ROOT / "tests" / "fixtures" / "packages" / "demo-course"
PASSWORD = secrets.token_urlsafe(16)
#: the `training-app` command of this Python, as docs/operations.md runs it
_SCRIPT = Path(sys.executable).with_name("training-app")
TRAINING_APP = ([str(_SCRIPT)] if _SCRIPT.exists()
                else [sys.executable, "-c", "from training_app.cli import main; main()"])
HOST = "localhost"  # nginx answers this name only (server_name); the processes listen on 127.0.0.1


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- the site: database, two processes, nginx ------------------------------------------------------


@dataclass
class Site:
    database_url: str
    shared: Path
    env: dict[str, str]
    apps: list[str]  # http://127.0.0.1:PORT of each process
    proxy: str  # https://localhost:PORT
    http_proxy: str  # http://localhost:PORT
    tls: ssl.SSLContext

    engine: Engine

    def db(self) -> Session:
        return Session(self.engine, expire_on_commit=False)


def _cli(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    result = subprocess.run([*TRAINING_APP, *args], env=env, input=stdin,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, f"training-app {' '.join(args)}: {result.stdout}{result.stderr}"
    return result.stdout


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for `localhost`, as Let's Encrypt would give one for the real name."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(minutes=5))
                   .not_valid_after(now + datetime.timedelta(days=1))
                   .add_extension(x509.SubjectAlternativeName([x509.DNSName(HOST)]), critical=False)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "fullchain.pem", folder / "privkey.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def _wait_for(url: str, process: subprocess.Popen, log: Path, tls: ssl.SSLContext | None = None) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args} exited with {process.returncode}:\n{log.read_text()}")
        with contextlib.suppress(OSError):
            if _request("GET", url + "/healthz", tls=tls).status == 200:
                return
        time.sleep(0.2)
    pytest.fail(f"{url} did not answer /healthz within 60 s:\n{log.read_text()}")


def _start(stack: contextlib.ExitStack, command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    """Start a process in its own group, stopped (with its workers) when `stack` closes, even on failure."""
    out = stack.enter_context(log.open("wb"))
    process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def stop() -> None:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    stack.callback(stop)
    return process


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    if not POSTGRES_URL:
        pytest.skip("the scale-out test needs PostgreSQL: set TEST_DATABASE_URL")
    if not Path(NGINX).exists():
        pytest.skip("the scale-out test needs nginx: apt-get install -y nginx-light")
    root = tmp_path_factory.mktemp("scaleout")
    with contextlib.ExitStack() as stack:
        # A database of this run's own, as tests/conftest.py's postgres_schema makes one.
        server = make_url(POSTGRES_URL)
        name = f"{server.database}_scaleout_{uuid.uuid4().hex[:8]}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))

        def drop() -> None:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()

        stack.callback(drop)
        database_url = server.set(database=name).render_as_string(hide_password=False)

        shared = root / "shared"
        app_ports, http_port, https_port = [_free_port(), _free_port()], _free_port(), _free_port()
        env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": secrets.token_hex(32),
               "TRAINING_APP_SHARED": str(shared), "TRAINING_APP_PUBLIC_URL": f"https://{HOST}:{https_port}",
               "TRAINING_APP_PROXY_HOPS": "1", "TRAINING_APP_INSTANCE": str(root / "instance-setup")}
        env.pop("REDIS_URL", None)
        # The installation steps of docs/operations.md, before any process serves.
        _cli(env, "db", "upgrade")
        _cli(env, "import-courses", str(DEMO_PACKAGE))
        for email, role in (("learner@scaleout.example", "learner"), ("trainer@scaleout.example", "trainer"),
                            ("locked@scaleout.example", "learner")):
            _cli(env, "create-user", "--email", email, "--role", role, "--country", "CA", "--agency", "CBSA",
                 stdin=PASSWORD + "\n")

        apps = []
        for number, port in enumerate(app_ports, 1):
            process_env = {**env, "TRAINING_APP_INSTANCE": str(root / f"instance-{number}")}
            log = root / f"app-{number}.log"
            process = _start(stack, [*TRAINING_APP, "serve", "--host", "127.0.0.1",
                                     "--port", str(port), "--workers", "1", "--no-demo",
                                     "--courses", str(root / "no-courses")], process_env, log)
            apps.append((f"http://127.0.0.1:{port}", process, log))

        nginx_dir = root / "nginx"
        nginx_dir.mkdir()
        certificate, key = _self_signed(nginx_dir)
        rendered = subprocess.run(
            [sys.executable, str(ROOT / "deploy" / "render"), str(ROOT / "deploy" / "nginx.conf"),
             f"SERVER_NAME={HOST}", f"HTTP_LISTEN=127.0.0.1:{http_port}", f"HTTPS_LISTEN=127.0.0.1:{https_port}",
             f"APP_1=127.0.0.1:{app_ports[0]}", f"APP_2=127.0.0.1:{app_ports[1]}",
             f"TLS_CERTIFICATE={certificate}", f"TLS_KEY={key}"],
            capture_output=True, text=True, check=True).stdout
        (nginx_dir / "training-app.conf").write_text(rendered)
        # What Debian's /etc/nginx/nginx.conf provides around sites-enabled/, in this folder.
        (nginx_dir / "nginx.conf").write_text(f"""
daemon off;
pid {nginx_dir}/nginx.pid;
error_log {nginx_dir}/error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log {nginx_dir}/access.log;
    client_body_temp_path {nginx_dir}/body;
    proxy_temp_path {nginx_dir}/proxy;
    fastcgi_temp_path {nginx_dir}/fastcgi;
    uwsgi_temp_path {nginx_dir}/uwsgi;
    scgi_temp_path {nginx_dir}/scgi;
    include {nginx_dir}/training-app.conf;
}}
""")
        nginx_log = nginx_dir / "stdout.log"
        nginx = _start(stack, [NGINX, "-p", str(nginx_dir), "-c", str(nginx_dir / "nginx.conf")], env, nginx_log)

        tls = ssl.create_default_context(cafile=str(certificate))
        for url, process, log in apps:
            _wait_for(url, process, log)
        _wait_for(f"https://{HOST}:{https_port}", nginx, nginx_dir / "error.log", tls)
        engine = create_engine(database_url)
        stack.callback(engine.dispose)
        yield Site(database_url, shared, env, [url for url, _process, _log in apps],
                   f"https://{HOST}:{https_port}", f"http://{HOST}:{http_port}", tls, engine)


# --- a browser that can be sent to any process -------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


def _request(method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None,
             tls: ssl.SSLContext | None = None) -> Reply:
    parts = urlsplit(url)
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(parts.hostname, parts.port, context=tls, timeout=30)
    else:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body=body,
                           headers=headers or {})
        response = connection.getresponse()
        return Reply(response.status, response.msg, response.read())
    finally:
        connection.close()


@dataclass
class Browser:
    """One person's browser: its cookies go with every request, whichever process or proxy it is sent to."""

    site: Site
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str | None = None

    def send(self, method: str, base: str, path: str, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> Reply:
        headers = {"Accept": "text/html", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if base.startswith("https"):
            headers["Referer"] = f"{base}/"  # as a browser sends it on a same-origin form
        reply = _request(method, base + path, body, headers, self.site.tls)
        for line in reply.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(line).items():
                if morsel["expires"] and "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        token = re.search(r'<meta name="csrf-token" content="([^"]+)"', reply.text if _is_text(reply) else "")
        if token:
            self.csrf = token.group(1)
        return reply

    def get(self, base: str, path: str) -> Reply:
        return self.send("GET", base, path)

    def post(self, base: str, path: str, fields: dict[str, str] | None = None,
             headers: dict[str, str] | None = None) -> Reply:
        body = urlencode({**(fields or {}), "csrf_token": self.csrf}).encode()
        return self.send("POST", base, path, body,
                         {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})})

    def post_json(self, base: str, path: str, document: object) -> Reply:
        return self.send("POST", base, path, json.dumps(document).encode(),
                         {"Content-Type": "application/json", "Accept": "application/json",
                          "X-CSRFToken": self.csrf})

    def post_file(self, base: str, path: str, fields: dict[str, str], file_field: str, filename: str,
                  data: bytes) -> Reply:
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
                 for name, value in {**fields, "csrf_token": self.csrf}.items()]
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
                     f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
                     + data + b"\r\n")
        return self.send("POST", base, path, b"".join(parts) + f"--{boundary}--\r\n".encode(),
                         {"Content-Type": f"multipart/form-data; boundary={boundary}"})

    def sign_in(self, base: str, email: str, password: str = PASSWORD, client: str | None = None) -> Reply:
        """GET the form, then POST it; `client` is the address a proxy would report for the person.

        Signing in starts a new session with a new CSRF token: like a browser following the redirect,
        the next page read picks it up.
        """
        self.get(base, "/login")
        reply = self.post(base, "/login", {"email": email, "password": password},
                          headers={"X-Forwarded-For": client} if client else None)
        if reply.status == 302:
            self.get(base, "/account")
        return reply


def _is_text(reply: Reply) -> bool:
    return reply.headers.get_content_type() == "text/html"


# --- the properties --------------------------------------------------------------------------------


def test_nginx_serves_the_site_over_tls_and_redirects_http(site):
    assert _request("GET", site.proxy + "/healthz", tls=site.tls).status == 200
    redirect = _request("GET", site.http_proxy + "/login", headers={"Host": HOST})
    assert redirect.status == 301 and redirect.location.startswith(f"https://{HOST}")
    # Another host name gets no TLS handshake, so no page can be made to link to it.
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", urlsplit(site.proxy).port), timeout=10) as raw, \
            pytest.raises(ssl.SSLError):
        context.wrap_socket(raw, server_hostname="evil.example")


def test_sign_in_on_one_process_holds_on_the_other_and_through_nginx(site):
    browser = Browser(site)
    first, second = site.apps
    assert browser.sign_in(first, "learner@scaleout.example", client="10.1.0.1").status == 302
    assert browser.get(second, "/dashboard").status == 200  # the other process knows the session
    assert browser.get(site.proxy, "/dashboard").status == 200
    signed_in_elsewhere = Browser(site)
    assert signed_in_elsewhere.sign_in(site.proxy, "trainer@scaleout.example").status == 302
    for base in site.apps:
        assert signed_in_elsewhere.get(base, "/authoring").status == 200
    # Signing out on one process ends the session on every process: a copy of the cookie kept from
    # before, as a thief would replay it, no longer works on the other (the epoch is in the database).
    stolen = dict(browser.cookies)
    assert browser.post(second, "/logout").status == 302
    replay = Browser(site, cookies=stolen)
    assert replay.get(first, "/dashboard").status == 302


def test_login_lockout_counts_failures_across_processes(site):
    # Ten failures spread over both processes and nginx, each from a different client address, so only
    # the account's own counter, which every process shares, can reach the limit.
    routes = [*site.apps, site.proxy]
    for attempt in range(10):
        base = routes[attempt % 3]
        client = None if base == site.proxy else f"10.2.0.{attempt + 1}"
        reply = Browser(site).sign_in(base, "locked@scaleout.example", password="not the password", client=client)
        assert reply.status == 401, (attempt, reply.status)
    for number, base in enumerate(routes):
        client = None if base == site.proxy else f"10.3.0.{number + 1}"
        reply = Browser(site).sign_in(base, "locked@scaleout.example", client=client)
        assert reply.status == 429 and "Too many failed sign-in attempts" in reply.text


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 60)).save(out, format="PNG")
    return out.getvalue()


def test_photo_uploaded_through_one_process_is_served_by_the_other(site):
    trainer = Browser(site)
    first, second = site.apps
    assert trainer.sign_in(first, "trainer@scaleout.example", client="10.4.0.1").status == 302
    reply = trainer.post(first, "/authoring/courses", {"slug": "seized-parrots", "topic": "wildlife",
                                                       "title": "Seized parrots"})
    assert reply.status == 302, reply.text
    trainer.get(second, "/authoring/courses/seized-parrots/media")
    reply = trainer.post_file(second, "/authoring/courses/seized-parrots/media/upload", {"language": ""},
                              "file", "parrot.png", _png())
    assert reply.status == 302, reply.text
    page = trainer.get(first, "/authoring/courses/seized-parrots/media").text
    image = re.search(r'<img src="(/media/[0-9a-f]+\.png)"', page).group(1)
    for base in (first, site.proxy):
        served = trainer.get(base, image)
        assert served.status == 200 and served.headers["Content-Type"] == "image/png"
        assert Image.open(io.BytesIO(served.body)).size == (64, 48)
    assert (site.shared / "media" / image.removeprefix("/media/")).is_file()


def _quizzes(site: Site) -> list[int]:
    with site.db() as db:
        return list(db.scalars(select(Quiz.id).join(Module, Quiz.module_id == Module.id)
                               .join(Course, Module.course_id == Course.id)
                               .where(Course.slug == "demo-course").order_by(Module.position)))


def _take_quiz(site: Site, learner: Browser, quiz_id: int, start_on: str, save_on: str, submit_on: str) -> int:
    reply = learner.post(start_on, f"/quizzes/{quiz_id}/attempts")
    assert reply.status == 302, reply.text
    attempt_id = int(re.search(r"/attempts/(\d+)", reply.location).group(1))
    with site.db() as db:
        snapshot = db.get(Attempt, attempt_id).snapshot
    learner.get(save_on, f"/attempts/{attempt_id}")
    reply = learner.post_json(save_on, f"/attempts/{attempt_id}/autosave",
                              {"answers": {question["id"]: right_json(question) for question in snapshot["questions"]}})
    assert reply.status == 200, reply.text
    learner.get(submit_on, f"/attempts/{attempt_id}")
    assert learner.post(submit_on, f"/attempts/{attempt_id}/submit").status == 302
    return attempt_id


def test_quiz_autosaved_on_one_process_and_submitted_on_the_other_is_graded_once(site):
    learner = Browser(site)
    first, second = site.apps
    assert learner.sign_in(site.proxy, "learner@scaleout.example").status == 302
    assert learner.post(first, "/courses/demo-course/enrol").status == 302
    attempt_id = _take_quiz(site, learner, _quizzes(site)[0], start_on=first, save_on=first, submit_on=second)
    with site.db() as db:
        graded = db.get(Attempt, attempt_id)
        assert graded.score == 1 and graded.passed
    # The same submit again, through the other process and nginx: nothing changes.
    for base in (first, site.proxy):
        assert learner.post(base, f"/attempts/{attempt_id}/submit").status == 302
    with site.db() as db:
        again = db.get(Attempt, attempt_id)
        assert (again.submitted_at, again.score, again.results) == (graded.submitted_at, graded.score, graded.results)
        assert db.scalar(select(Attempt.id).where(Attempt.quiz_id == _quizzes(site)[0],
                                                  Attempt.user_id == graded.user_id, Attempt.id != attempt_id)) is None
    result = learner.get(site.proxy, f"/attempts/{attempt_id}/result")
    assert result.status == 200


def test_certificate_issued_on_one_process_verifies_on_the_other(site, tmp_path):
    learner = Browser(site)
    first, second = site.apps
    assert learner.sign_in(second, "learner@scaleout.example", client="10.5.0.1").status == 302
    assert learner.post(second, "/courses/demo-course/enrol").status == 302
    for lesson in ("labels", "valves", "permits"):
        learner.get(first, f"/courses/demo-course/lessons/{lesson}")
        assert learner.post(first, f"/courses/demo-course/lessons/{lesson}/complete").status == 302
    quizzes = _quizzes(site)
    with site.db() as db:
        passed_first = db.scalar(select(Attempt.id).where(Attempt.quiz_id == quizzes[0], Attempt.passed.is_(True)))
    if passed_first is None:  # this test also runs alone
        _take_quiz(site, learner, quizzes[0], start_on=second, save_on=first, submit_on=second)
    _take_quiz(site, learner, quizzes[1], start_on=first, save_on=second, submit_on=first)
    with site.db() as db:
        code = db.scalars(select(Certificate.code)).one()
    display = "-".join(code[i:i + 4] for i in range(0, len(code), 4))
    for base in (*site.apps, site.proxy):
        page = Browser(site).get(base, f"/verify/{display}")
        assert page.status == 200 and "This certificate is valid" in page.text, page.text
    # The credential downloaded from one process passes an offline check with the key the other publishes.
    credential = learner.get(first, f"/certificates/{display}/credential.json")
    assert credential.status == 200
    issuer = Browser(site).get(second, "/.well-known/training-app-issuer.json")
    (tmp_path / "credential.json").write_bytes(credential.body)
    (tmp_path / "issuer.json").write_bytes(issuer.body)
    published = json.loads(Browser(site).get(site.proxy, "/.well-known/training-app-issuer.json").body)
    assert published["id"] == site.env["TRAINING_APP_PUBLIC_URL"] + "/.well-known/training-app-issuer.json"
    output = _cli({**site.env, "TRAINING_APP_INSTANCE": str(tmp_path / "verifier")}, "verify-credential",
                  str(tmp_path / "credential.json"), "--key", str(tmp_path / "issuer.json"))
    assert output.startswith("Valid:")
