"""deploy/Caddyfile, the reverse proxy of docker-compose.yml.

Without Caddy: the file is read into its blocks and checked for what production relies on (one site, TLS from
CADDY_TLS, /static/ from the volume with a year's cache for hashed names only, everything else to web:8000, text
compressed, uploads capped above the portal's own limits, no header of the portal's touched). With Caddy installed
(`apt-get install caddy`): `caddy adapt --validate` in each TLS mode, and a real Caddy on local ports in front of a
stand-in for gunicorn, checked from a client.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from django.core.files.base import ContentFile
from ruamel.yaml import YAML

ROOT = Path(settings.BASE_DIR)
CADDYFILE = ROOT / "deploy" / "Caddyfile"
CADDY = shutil.which("caddy")
needs_caddy = pytest.mark.skipif(CADDY is None, reason="caddy is not installed (apt-get install caddy)")


@dataclass
class Directive:
    name: str
    args: list[str]
    block: list[Directive] = field(default_factory=list)

    def find(self, name: str) -> list[Directive]:
        """Every directive of that name in this block, at any depth."""
        found = []
        for child in self.block:
            if child.name == name:
                found.append(child)
            found.extend(child.find(name))
        return found


def _tokens(line: str) -> list[str]:
    """A Caddyfile line's tokens: blanks separate them, "double quotes" group them, # starts a comment."""
    tokens, current, quoted, started = [], "", False, False
    i = 0
    while i < len(line):
        char = line[i]
        if quoted:
            if char == "\\" and i + 1 < len(line) and line[i + 1] == '"':
                current += '"'
                i += 1
            elif char == '"':
                quoted = False
            else:
                current += char
        elif char == '"':
            quoted = started = True
        elif char.isspace():
            if started:
                tokens.append(current)
            current, started = "", False
        elif char == "#" and not started:
            break
        else:
            current += char
            started = True
        i += 1
    assert not quoted, f"unclosed quote in {line!r}"
    if started:
        tokens.append(current)
    return tokens


def parse_caddyfile(text: str) -> Directive:
    """The file as a tree: one Directive per line, the lines of a { block } as its children."""
    root = Directive("(file)", [])
    stack = [root]
    for number, line in enumerate(text.splitlines(), 1):
        tokens = _tokens(line)
        if not tokens:
            continue
        if tokens == ["}"]:
            assert len(stack) > 1, f"line {number}: a }} closes nothing"
            stack.pop()
            continue
        opens = tokens[-1] == "{"
        directive = Directive(tokens[0], tokens[1:-1] if opens else tokens[1:])
        stack[-1].block.append(directive)
        if opens:
            stack.append(directive)
    assert len(stack) == 1, "a { block } is not closed"
    return root


def _size(text: str) -> int:
    """Caddy's sizes (humanize): 25MB is 25,000,000 bytes, 25MiB is 25 * 2**20."""
    number, unit = re.fullmatch(r"(\d+)\s*([KMG]i?B)", text).groups()
    power = {"K": 1, "M": 2, "G": 3}[unit[0]]
    return int(number) * ((1024 if "i" in unit else 1000) ** power)


def _default(placeholder: str) -> str:
    """The default of a {$VAR:default} placeholder."""
    return re.fullmatch(r"\{\$\w+:(.+)\}", placeholder).group(1)


@pytest.fixture(scope="module")
def caddyfile() -> Directive:
    return parse_caddyfile(CADDYFILE.read_text())


@pytest.fixture(scope="module")
def site(caddyfile) -> Directive:
    sites = [d for d in caddyfile.block if d.block and d.name != "{"]
    assert len(sites) == 1, "one site: the portal's"
    return sites[0]


@pytest.fixture(scope="module")
def compose() -> dict:
    return YAML(typ="safe").load((ROOT / "docker-compose.yml").read_text())


def _static_handle(site: Directive) -> Directive:
    handles = [d for d in site.block if d.name == "handle" and d.args == ["/static/*"]]
    assert len(handles) == 1
    return handles[0]


def test_the_site_is_the_portals_address_with_tls_from_the_environment(site):
    assert site.name == "{$SITE_URL}"
    assert [d.args for d in site.block if d.name == "tls"] == [["{$CADDY_TLS}"]]


def test_everything_but_static_files_goes_to_gunicorn(site):
    catch_all = [d for d in site.block if d.name == "handle" and not d.args]
    assert len(catch_all) == 1
    assert [d.args for d in catch_all[0].block] == [["web:8000"]]
    assert [d.name for d in catch_all[0].block] == ["reverse_proxy"]
    assert [d.args for d in site.find("reverse_proxy")] == [["web:8000"]], "one upstream, no other"


def test_static_files_are_served_from_the_volume_the_migrate_service_fills(site, compose):
    static = _static_handle(site)
    assert [d.args for d in static.find("root")] == [["*", "/srv"]]
    assert [d.name for d in static.block].count("file_server") == 1
    # /static/x is looked up as /srv/static/x: the volume mounted there is the one migrate copies the image's
    # STATIC_ROOT into.
    services = compose["services"]
    assert "static:/srv/static:ro" in services["proxy"]["volumes"]
    assert "static:/data/static" in services["migrate"]["volumes"]
    static_root = services["web"]["environment"]["STATIC_ROOT"]
    assert f"cp -R {static_root}/. /data/static/" in services["migrate"]["command"][-1]
    assert settings.STATIC_URL == "/static/"


def test_only_files_named_by_their_content_hash_are_cached_for_a_year(site):
    static = _static_handle(site)
    matchers = {d.name: d for d in static.block if d.name.startswith("@")}
    headers = {d.args[0]: d.args[1:] for d in static.block if d.name == "header" and d.args[0].startswith("@")}
    assert headers["@immutable"] == ["Cache-Control", "public, max-age=31536000, immutable"]
    assert headers["@revalidate"] == ["Cache-Control", "public, max-age=3600"]
    # Both only for files that exist: a 404 is never cached for a year.
    assert [d.name for d in matchers["@immutable"].block] == ["path_regexp", "file"]
    assert [(d.name, d.args) for d in matchers["@revalidate"].block] == [
        ("not", ["path_regexp", *matchers["@immutable"].block[0].args]),
        ("file", []),
    ]
    hashed = re.compile(matchers["@immutable"].block[0].args[0])
    # The names Django's manifest storage (WhiteNoise's, in production) gives the collected files.
    storage = ManifestStaticFilesStorage(location="/nonexistent")
    for name in ("css/site.css", "admin/js/core.js", "vendor/jquery-ui/jquery-ui.min.js", "img/logo.svg"):
        hashed_name = storage.hashed_name(name, ContentFile(b"/* release 1 */"))
        assert hashed.search("/static/" + hashed_name), hashed_name
        assert not hashed.search("/static/" + name), name


def test_text_is_compressed_with_zstd_or_gzip(site):
    (encode,) = site.find("encode")
    assert encode.args == ["zstd", "gzip"]
    (match,) = encode.block
    types = {d.args[1] for d in match.block if d.name == "header" and d.args[0] == "Content-Type"}
    for content_type in ("text/html", "text/css", "application/json", "application/xml", "text/csv", "image/svg+xml"):
        assert f"{content_type}*" in types
    assert not any(t.startswith(("application/pdf", "image/jpeg", "image/png")) for t in types)


def test_the_upload_limit_is_above_every_limit_of_the_portal(site, compose):
    (request_body,) = site.find("request_body")
    (max_size,) = request_body.block
    caddy_default = _default(max_size.args[0])
    largest = max(settings.EVIDENCE_MAX_BYTES, settings.REPORTS_UPLOAD_MAX_BYTES, settings.IMPORT_MAX_BYTES)
    # Room for the multipart envelope and the form's other fields, so the portal refuses a file a little over its
    # limit with its own message in the visitor's language rather than the proxy's bare error.
    assert _size(caddy_default) >= largest + 1024 * 1024
    assert compose["services"]["proxy"]["environment"]["PROXY_MAX_BODY"] == f"${{PROXY_MAX_BODY:-{caddy_default}}}"


def test_the_proxy_neither_serves_media_nor_touches_the_portals_headers(site):
    # Evidence is served by the portal's views (published files only): Caddy has no file server for it.
    assert all(d.args in (["/static/*"], []) for d in site.find("handle"))
    assert len(site.find("file_server")) == 1
    # Security headers (CSP, HSTS, X-Frame-Options...) come from Django: the only header lines are the static
    # files' own, inside /static/ (other `header` lines are the compression's response matchers), and the proxy
    # has no header_down of its own.
    assert not [d for d in site.block if d.name == "header"]
    for handle in site.find("handle"):
        if handle.args != ["/static/*"]:
            assert not [d for d in handle.block if d.name == "header"]
    (proxy,) = site.find("reverse_proxy")
    assert proxy.block == []


# With Caddy installed -------------------------------------------------------------------------------------------


def _caddy_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SITE_URL", "CADDY_", "PROXY_"))}
    env.update(HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"))
    env.update(extra)
    return env


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
         "-subj", "/CN=conecta.example.org", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    return cert, key


@needs_caddy
@pytest.mark.parametrize("mode", ["acme", "internal", "files"])
def test_caddy_accepts_the_file_in_each_certificate_mode(tmp_path, mode):
    if mode == "acme":
        tls = "sistemas@pastaza.gob.ec"
    elif mode == "internal":
        tls = "internal"
    else:
        tls = " ".join(str(p) for p in _self_signed(tmp_path))
    result = subprocess.run(
        [CADDY, "adapt", "--config", str(CADDYFILE), "--adapter", "caddyfile", "--validate"],
        env=_caddy_env(tmp_path, SITE_URL="https://conecta.example.org", CADDY_TLS=tls),
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert '"dial":"web:8000"' in result.stdout


class _Upstream(BaseHTTPRequestHandler):
    """Stands in for gunicorn: answers a page with the portal's security headers, and records what it received."""

    protocol_version = "HTTP/1.1"
    seen: list[dict] = []

    def _answer(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Security-Policy", "default-src 'self'")
        self.send_header("Strict-Transport-Security", "max-age=31536000")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.seen.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
        if self.path.endswith(".pdf"):
            self._answer(b"%PDF-1.7 " + b"0" * 5000, "application/pdf")
        else:
            self._answer(b"<!doctype html><p>" + b"Conecta Pastaza " * 500, "text/html; charset=utf-8")

    def do_POST(self):  # noqa: N802
        length, read = int(self.headers.get("Content-Length") or 0), 0
        while read < length and (chunk := self.rfile.read(min(65536, length - read))):
            read += len(chunk)
        self.seen.append({"path": self.path, "body_bytes": read})
        self._answer(b"ok", "text/plain")

    def log_message(self, *args):
        pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_proxy(tmp_path):
    """A real Caddy running deploy/Caddyfile on local ports, with only the addresses changed.

    web:8000 becomes a local stand-in, /srv a temporary folder, ports 80 and 443 free local ports; the certificate
    comes from Caddy's own CA (CADDY_TLS=internal), without touching the system's trust store.
    """
    if CADDY is None:
        pytest.skip("caddy is not installed (apt-get install caddy)")
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    _Upstream.seen = []
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    http_port, https_port = _free_port(), _free_port()
    srv = tmp_path / "srv"
    (srv / "static" / "css").mkdir(parents=True)
    text = CADDYFILE.read_text()
    assert text.count("reverse_proxy web:8000") == 1 and text.count("root * /srv\n") == 1
    text = text.replace("reverse_proxy web:8000", f"reverse_proxy 127.0.0.1:{upstream.server_port}")
    text = text.replace("root * /srv\n", f"root * {srv}\n")
    config = tmp_path / "Caddyfile"
    config.write_text(
        f"{{\n\tadmin off\n\thttp_port {http_port}\n\thttps_port {https_port}\n\tskip_install_trust\n}}\n\n{text}"
    )
    env = _caddy_env(tmp_path, SITE_URL=f"https://localhost:{https_port}", CADDY_TLS="internal")
    log = (tmp_path / "caddy.log").open("w")
    process = subprocess.Popen(
        [CADDY, "run", "--config", str(config), "--adapter", "caddyfile"], env=env, stdout=log, stderr=log
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                _request(https_port, "GET", "/healthz")
                break
            except OSError:
                assert process.poll() is None, (tmp_path / "caddy.log").read_text()
                assert time.monotonic() < deadline, "caddy did not answer within 20 s"
                time.sleep(0.1)
        _Upstream.seen.clear()
        yield {"http": http_port, "https": https_port, "static": srv / "static", "seen": _Upstream.seen}
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
        upstream.shutdown()
        upstream.server_close()


def _request(port: int, method: str, path: str, *, tls: bool = True, body: bytes | None = None, **headers: str):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # Caddy's internal CA, trusted by nobody here
    if tls:
        connection = http.client.HTTPSConnection("localhost", port, context=context, timeout=30)
    else:
        connection = http.client.HTTPConnection("localhost", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers={k.replace("_", "-"): v for k, v in headers.items()})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def test_plain_http_is_redirected_to_https(live_proxy):
    status, headers, _ = _request(live_proxy["http"], "GET", "/es/", tls=False)
    assert status == 308
    assert headers["location"].startswith("https://localhost")


def test_pages_reach_gunicorn_with_the_visitors_address_and_keep_the_portals_headers(live_proxy):
    status, headers, body = _request(
        live_proxy["https"], "GET", "/es/compromisos/", X_Forwarded_For="203.0.113.66", Accept_Encoding="zstd, gzip"
    )
    assert status == 200
    (seen,) = live_proxy["seen"]
    # What a client writes in X-Forwarded-For is replaced by its real address: TRUSTED_PROXIES=1 takes that.
    assert seen["x-forwarded-for"] == "127.0.0.1"
    assert seen["x-forwarded-proto"] == "https"
    assert seen["host"] == f"localhost:{live_proxy['https']}"
    assert headers["content-security-policy"] == "default-src 'self'"
    assert headers["strict-transport-security"] == "max-age=31536000"
    assert headers["x-frame-options"] == "DENY"
    assert headers["content-encoding"] == "zstd"
    assert len(body) < 1000, "8 KB of HTML, compressed"


def test_a_pdf_is_not_compressed_again(live_proxy):
    status, headers, _ = _request(live_proxy["https"], "GET", "/informes/1.pdf", Accept_Encoding="zstd, gzip")
    assert status == 200
    assert "content-encoding" not in headers


def test_media_paths_go_to_the_portal_not_to_a_folder(live_proxy):
    (live_proxy["static"].parent / "media").mkdir()
    (live_proxy["static"].parent / "media" / "acta.html").write_text("<script>alert(1)</script>")
    status, _, body = _request(live_proxy["https"], "GET", "/media/acta.html")
    assert status == 200 and b"Conecta Pastaza" in body
    assert [s["path"] for s in live_proxy["seen"]] == ["/media/acta.html"]


def test_static_files_come_from_the_volume_with_their_cache_lifetime(live_proxy):
    css = live_proxy["static"] / "css"
    (css / "site.0123456789ab.css").write_text("body { color: #1a1a1a; }\n" * 100)
    subprocess.run(["gzip", "-k", str(css / "site.0123456789ab.css")], check=True)
    (css / "site.css").write_text("body { color: #1a1a1a; }\n")

    status, headers, _ = _request(
        live_proxy["https"], "GET", "/static/css/site.0123456789ab.css", Accept_Encoding="gzip"
    )
    assert status == 200
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers["content-encoding"] == "gzip"  # the .gz that collectstatic writes beside it
    assert headers["x-content-type-options"] == "nosniff"

    status, headers, _ = _request(live_proxy["https"], "GET", "/static/css/site.css")
    assert status == 200 and headers["cache-control"] == "public, max-age=3600"

    status, headers, _ = _request(live_proxy["https"], "GET", "/static/css/gone.0123456789ab.css")
    assert status == 404 and "cache-control" not in headers
    assert live_proxy["seen"] == [], "static files never reach gunicorn"


def test_an_upload_over_the_proxy_limit_never_reaches_the_portal_whole(live_proxy):
    limit = _size(_default(parse_caddyfile(CADDYFILE.read_text()).find("max_size")[0].args[0]))
    status, _, _ = _request(
        live_proxy["https"], "POST", "/admin/upload/", body=b"x" * (settings.EVIDENCE_MAX_BYTES + 4096)
    )
    assert status == 200, "a file at the portal's own limit passes: the portal answers it"
    try:
        status, _, _ = _request(live_proxy["https"], "POST", "/admin/upload/", body=b"x" * (limit + 1))
    except OSError:
        status = None  # the connection closed while the body was still being sent: refused as well
    # Caddy 2.7+ answers 413; 2.6 (Debian 12's) cuts the upstream request short and answers 502.
    assert status in (None, 413, 502)
    assert all(s["body_bytes"] <= limit for s in live_proxy["seen"][1:])
