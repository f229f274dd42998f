"""`telecrm-import sandbox` in a real process: prints what a tester needs, serves, stops on Ctrl-C."""

import os
import re
import signal
import socket
import subprocess
import sys

import httpx

from telecrm_desktop.cli import main
from telecrm_desktop.sandbox import load_workspace


def _start(*args):
    return subprocess.Popen(
        [sys.executable, "-m", "telecrm_desktop.cli", "sandbox", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def _read_banner(process) -> str:
    lines = []
    for line in process.stdout:
        lines.append(line)
        if line.startswith("  telecrm-import send"):
            return "".join(lines)
    raise AssertionError("the sandbox ended before printing its banner: " + process.stderr.read())


def test_prints_url_enterprise_and_tokens_then_serves_until_ctrl_c():
    process = _start("--port", "0", "--rate-limit", "2", "--window-seconds", "60", "--retry-after", "auto")
    try:
        banner = _read_banner(process)
        ws = load_workspace()
        base_url = re.search(r"base URL \(Async API\):\s+(http://127\.0\.0\.1:\d+)", banner).group(1)
        assert f"enterprise ID:         {ws.enterprise_id}" in banner
        for token in ws.tokens:
            assert f"{token.label} ({token.type.lower()}): {token.value}" in banner
        async_token = ws.tokens_of("ASYNC")[0].value
        url = f"{base_url}/enterprise/{ws.enterprise_id}/autoupdatelead"
        with httpx.Client() as http:
            codes = [http.post(url, json={"fields": {"phone": "919876543210"}},
                               headers={"Authorization": f"Bearer {async_token}"}) for _ in range(3)]
            assert [r.status_code for r in codes] == [200, 200, 429]
            assert int(codes[2].headers["retry-after"]) >= 59
            state = http.get(f"{base_url}/_sandbox/state").json()
            assert state["queued"] == 2
        process.send_signal(signal.SIGINT)
        assert process.wait(30) == 0  # generous: a busy CI machine once took over 10 s
        assert "sandbox stopped" in process.stderr.read()
    finally:
        process.kill()
        process.wait()
        process.stdout.close()
        process.stderr.close()


def test_a_port_in_use_is_a_usage_error_naming_the_port(capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["sandbox", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"port {port}" in err and "--port" in err
    assert err.count("\n") == 1  # one sentence, no traceback


def test_bad_arguments_are_usage_errors(capsys):
    assert main(["sandbox", "--port", "0", "--retry-after", "soon"]) == 2
    assert '"soon"' in capsys.readouterr().err
    assert main(["sandbox", "--port", "70000"]) == 2
    assert "70000" in capsys.readouterr().err
