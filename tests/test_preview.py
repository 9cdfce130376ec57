"""`pia preview`: the live HTML preview, over HTTP and end to end in a real headless Chromium."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pia.load.located import load_located
from pia.model.diagnostics import Diagnostic, DiagnosticError
from pia.preview.server import (
    PreviewServer,
    Rendered,
    diagnostics_page,
    render_report,
    with_reload_script,
)

MINIMAL = Path(__file__).resolve().parent / "data" / "valid" / "minimal.yaml"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROME_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
#: How long a saved change may take to reach the browser. The aim is 1 s and an idle machine
#: measures 0.75-0.9 s (printed with -s); the limit leaves room for a loaded CI machine, where
#: 1.5 s was seen to fail with both cores busy. It still fails a preview that needs a manual
#: reload or re-renders on a slow timer.
LATENCY_LIMIT = 3.0
TITLE_LINE = "title: Minimal case"


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    path = tmp_path / "minimal.yaml"
    path.write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    return path


@pytest.fixture
def server(case_path: Path) -> Iterator[PreviewServer]:
    preview = PreviewServer(case_path, ["core"])
    preview.start()
    try:
        assert preview.wait_rendered(timeout=20), "the first rendering did not finish"
        yield preview
    finally:
        preview.stop()


def save(path: Path, text: str) -> None:
    """Save as an editor does, replacing the file, and make sure the stamp changes."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def get(url: str, host: str | None = None) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url)
    if host is not None:
        request.add_unredirected_header("Host", host)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode("utf-8")


def wait_until(predicate: Any, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def located_yaml_error(text: str, name: str) -> Diagnostic:
    with pytest.raises(DiagnosticError) as caught:
        load_located(text, name)
    return caught.value.diagnostics[0]


# --- HTTP ---------------------------------------------------------------------------------------


def test_serves_report_and_version_on_loopback_only(server: PreviewServer) -> None:
    host, port = server.address
    assert host == "127.0.0.1"
    assert re.fullmatch(rf"http://127\.0\.0\.1:{port}/[A-Za-z0-9_-]{{24}}/", server.url)
    assert port != 0
    assert server._httpd is not None
    assert server._httpd.socket.getsockname()[0] == "127.0.0.1"

    status, headers, version = get(server.url + "version")
    assert status == 200
    assert re.fullmatch(r"[0-9a-f]{16}", version)
    assert headers["Cache-Control"] == "no-store"

    status, headers, page = get(server.url)
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<h1 class="cover-title" id="cover">Minimal case</h1>' in page
    nonce = re.search(r"script-src 'nonce-([^']+)'", headers["Content-Security-Policy"])
    assert nonce is not None
    assert f'<script nonce="{nonce.group(1)}">' in page
    assert f'var version = "{version}";' in page
    assert page.rstrip().endswith("</html>")

    # only /TOKEN/ and /TOKEN/version, only for requests addressed to this server
    assert get(server.url + "version?x=1")[0] == 200
    for path in ("favicon.ico", "../etc/passwd", "version/", "index.html"):
        assert get(server.url + path)[0] == 404, path
    root = f"http://127.0.0.1:{port}/"
    for path in ("", "version", "x/", "x/version", server.token[:-1] + "/", server.token):
        assert get(root + path)[0] == 404, path
    assert get(server.url, host="evil.example")[0] == 403
    assert get(server.url, host=f"localhost:{port}")[0] == 200
    conn = http.client.HTTPConnection(host, port, timeout=5)
    conn.request("POST", "/", body=b"x")
    assert conn.getresponse().status == 501
    conn.close()


def test_each_server_has_its_own_url_token(case_path: Path) -> None:
    """Before: the page was served at http://127.0.0.1:PORT/ to anyone who found the port."""
    first, second = PreviewServer(case_path, ["core"]), PreviewServer(case_path, ["core"])
    assert first.token != second.token
    assert len(first.token) >= 24


def test_an_idle_connection_is_closed_after_the_timeout(case_path: Path) -> None:
    """Before: a connection that sent nothing was kept forever (one thread each)."""
    import socket

    with PreviewServer(case_path, ["core"], connection_timeout=0.5) as preview:
        idle = socket.create_connection(preview.address, timeout=10)
        started = time.monotonic()
        assert idle.recv(1) == b""  # the server hung up
        assert time.monotonic() - started < 5
        idle.close()


def test_many_concurrent_requests_are_all_answered(server: PreviewServer) -> None:
    """Before: with a backlog of 5 and no timeouts, 47 of 200 concurrent requests went
    unanswered for a minute. Idle connections are opened first, then 100 requests at once."""
    import socket
    from concurrent.futures import ThreadPoolExecutor

    from pia.preview.server import BACKLOG

    assert BACKLOG >= 128
    idle = [socket.create_connection(server.address, timeout=10) for _ in range(50)]
    try:
        with ThreadPoolExecutor(max_workers=100) as pool:
            codes = list(pool.map(lambda _: get(server.url + "version")[0], range(100)))
    finally:
        for sock in idle:
            sock.close()
    assert codes == [200] * 100


def test_bad_edits_show_located_errors_and_recover(
    server: PreviewServer, case_path: Path, minimal_text: str
) -> None:
    def page() -> str:
        return get(server.url)[2]

    # a dangling reference: a schema-level problem, located
    save(case_path, minimal_text.replace("to: receiver", "to: nobody"))
    assert wait_until(lambda: "[PIA-E020]" in page())
    assert re.search(r"minimal\.yaml:\d+:\d+: error: .*nobody", page())
    assert server.current.ok is False

    # the report comes back when the file is fixed
    save(case_path, minimal_text.replace(TITLE_LINE, "title: Fixed <again>"))
    assert wait_until(lambda: "Fixed &lt;again&gt;</h1>" in page())
    assert server.current.ok is True


def test_a_named_rubric_file_is_watched(case_path: Path, tmp_path: Path) -> None:
    shipped = Path(__file__).resolve().parents[1] / "src" / "pia" / "data" / "rubrics" / "core.yaml"
    rubric = tmp_path / "my-core.yaml"
    good = shipped.read_text(encoding="utf-8")
    rubric.write_text(good, encoding="utf-8")
    with PreviewServer(case_path, [str(rubric)]) as preview:
        assert preview.wait_rendered(timeout=20)
        assert preview.watched_paths() == [case_path, rubric]
        assert preview.current.ok

        # a CEL syntax error in an indicator: located in the rubric file
        save(rubric, good.replace("a.relied_on == true &&", "a.relied_on == true &&&", 1))
        assert wait_until(lambda: "[PIA-E030]" in get(preview.url)[2])
        assert re.search(r"my-core\.yaml:\d+:\d+: error: ", get(preview.url)[2])

        save(rubric, good)
        assert wait_until(lambda: preview.current.ok)
        assert 'id="cover">Minimal case</h1>' in get(preview.url)[2]


def test_error_text_is_escaped(tmp_path: Path) -> None:
    diagnostic = Diagnostic("<x>.yaml", 3, 4, "PIA-E001", "<script>alert(1)</script> & more")
    rendered = diagnostics_page(tmp_path / "<x>.yaml", [diagnostic])
    assert "<script>" not in rendered.body
    assert (
        "&lt;x&gt;.yaml:3:4: error: &lt;script&gt;alert(1)&lt;/script&gt; &amp; more [PIA-E001]"
        in rendered.body
    )
    page = with_reload_script(rendered.body, rendered.version, "n0nce")
    assert page.count("<script") == 1
    assert page.index('<script nonce="n0nce">') < page.index("</body>")


def test_internal_error_is_shown_and_the_server_keeps_running(case_path: Path) -> None:
    fail = True

    def render(path: Path, rubrics: Any, as_of: Any) -> Rendered:
        if fail:
            raise RuntimeError("boom <b>")
        return render_report(path, rubrics, as_of)

    logged: list[str] = []
    with PreviewServer(case_path, ["core"], render=render, log=logged.append) as preview:
        assert preview.wait_rendered(timeout=20)
        status, _, page = get(preview.url)
        assert status == 200
        assert "internal error: RuntimeError: boom &lt;b&gt;" in page
        assert "Traceback" not in page
        fail = False
        save(case_path, case_path.read_text(encoding="utf-8") + "\n")
        assert wait_until(lambda: 'id="cover">Minimal case</h1>' in get(preview.url)[2])
    assert any("internal error: RuntimeError: boom <b>" in line for line in logged)
    assert any(re.search(r"rendered in \d+\.\d\d s", line) for line in logged)


def test_cli_prints_url_and_stops_cleanly_on_ctrl_c(case_path: Path) -> None:
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "pia.cli", "preview", str(case_path)),
            *("--rubric", "core", "--no-open", "--as-of", "2025-06-01"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        # The watcher thread may log its first render before the URL line: read until the URL.
        seen: list[str] = []
        match = None
        while match is None and len(seen) < 20:
            seen.append(proc.stdout.readline())
            match = re.search(r"http://127\.0\.0\.1:\d+/[A-Za-z0-9_-]+/", seen[-1])
        assert match, seen
        assert wait_until(lambda: "Minimal case</h1>" in get(match.group(0))[2], timeout=20)
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=10)
        out = "".join(seen) + rest
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, out
    assert "rendered in" in out
    assert out.rstrip().endswith("stopped")


def test_cli_rejects_bad_arguments(tmp_path: Path) -> None:
    from pia.cli import main

    assert main(["preview", str(MINIMAL), "--rubric", "nosuch", "--no-open"]) == 2
    assert main(["preview", str(MINIMAL), "--as-of", "June", "--no-open"]) == 2
    assert main(["preview", str(tmp_path / "missing.yaml"), "--no-open"]) == 2


# --- a real browser -----------------------------------------------------------------------------


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip(f"needs Debian's chromium and chromium-driver ({CHROMIUM}, {CHROMEDRIVER})")
    webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium (dev extras)")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    profile = tmp_path / "chromium-profile"
    profile.mkdir()
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for_text(driver: Any, css: str, pattern: str, timeout: float) -> tuple[str, float]:
    """Poll the page until an element matching ``css`` has text matching ``pattern``; return
    the text and how long it took. Survives the page reloading under it."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By

    started = time.monotonic()
    last = ""
    while time.monotonic() - started < timeout:
        try:
            for element in driver.find_elements(By.CSS_SELECTOR, css):
                last = element.text
                if re.search(pattern, last):
                    return last, time.monotonic() - started
        except WebDriverException:  # the page was reloading
            pass
        time.sleep(0.02)
    raise AssertionError(f"no {css} matching {pattern!r} within {timeout} s (last: {last!r})")


def test_browser_follows_saved_edits(
    browser: Any, server: PreviewServer, case_path: Path, minimal_text: str
) -> None:
    browser.get(server.url)
    wait_for_text(browser, "h1#cover", r"^Minimal case$", timeout=5)
    assert browser.title == "Minimal case: privacy impact assessment"

    latencies = []
    for n in (1, 2):
        save(case_path, minimal_text.replace(TITLE_LINE, f"title: Edited case {n}"))
        _, latency = wait_for_text(browser, "h1#cover", rf"^Edited case {n}$", LATENCY_LIMIT)
        latencies.append(latency)
    print(f"\nsave -> browser latency: {', '.join(f'{t:.2f} s' for t in latencies)}")

    broken = minimal_text.replace(TITLE_LINE, "title: [unclosed")
    error = located_yaml_error(broken, str(case_path))
    save(case_path, broken)
    text, latency = wait_for_text(
        browser, "ul.problems li", r"minimal\.yaml:\d+:\d+", LATENCY_LIMIT
    )
    print(f"save -> error shown: {latency:.2f} s")
    assert f"minimal.yaml:{error.line}:{error.col}: error:" in text
    assert text.endswith("[PIA-E001]")
    assert get(server.url + "version")[0] == 200  # the server still answers

    save(case_path, minimal_text)
    _, latency = wait_for_text(browser, "h1#cover", r"^Minimal case$", LATENCY_LIMIT)
    print(f"save -> report back: {latency:.2f} s")
    assert not browser.find_elements("css selector", "ul.problems")


def test_the_preview_shows_the_profile_and_paper_assess_would_use(case_path: Path) -> None:
    default = render_report(case_path, ["core"], None).body
    assert '<body class="paper-letter">' in default
    assert "Responsible Officials" in default
    edpb = render_report(case_path, ["core"], None, profile="edpb").body
    assert '<body class="paper-a4">' in edpb
    assert "0. Technical Sheet and Triggers" in edpb
    assert "Responsible Officials" not in edpb
    letter = render_report(case_path, ["core"], None, profile="edpb", paper="letter").body
    assert '<body class="paper-letter">' in letter


def test_the_preview_lays_the_report_out_as_sheets_with_the_page_margins(
    case_path: Path,
) -> None:
    from pia.preview.server import SHEET_WIDTHS, page_margin
    from pia.render.html import assets_dir

    css = (assets_dir() / "report.css").read_text(encoding="utf-8")
    margin = page_margin()
    assert re.search(r"@page \{\s*margin: " + re.escape(margin) + ";", css)
    body = render_report(case_path, ["core"], None).body
    sheet = body[body.index('<style id="pia-preview-sheet">') :]
    assert sheet.index("</style>") < sheet.index("</head>")
    assert "@media screen" in sheet
    assert f"padding: {margin};" in sheet
    assert f"body.paper-letter {{ width: {SHEET_WIDTHS['letter']}; }}" in sheet
    assert f"body.paper-a4 {{ width: {SHEET_WIDTHS['a4']}; }}" in sheet


def test_the_server_renders_under_the_profile_it_was_given(case_path: Path) -> None:
    with PreviewServer(case_path, ["core"], profile="edpb") as preview:
        assert preview.wait_rendered(timeout=20)
        status, _, page = get(preview.url)
    assert status == 200
    assert "3. Inherent Risk" in page
    assert 'class="paper-a4"' in page


def test_an_unknown_profile_is_a_usage_error(case_path: Path) -> None:
    from click.testing import CliRunner

    from pia.cli.app import cli

    result = CliRunner().invoke(cli, ["preview", str(case_path), "--no-open", "--profile", "cnil"])
    assert result.exit_code == 2
    assert "no report profile 'cnil'" in result.output
