"""Each injected fault, seen from a real httpx client, and what the sandbox recorded for it."""

import time

import httpx
import pytest

from telecrm_desktop.sandbox import Faults, SandboxServer
from tests.sandbox.conftest import SteppedClock, Talk

# a connection closed (FIN) or reset (RST, when unread bytes were left) without an answer
CLOSED = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)


def lead(n, actions=False):
    body = {"fields": {"phone": f"9198765{n:05d}"}}
    if actions:
        body["actions"] = [{"type": "ACTION_1002", "fields": {"note": f"call {n}"}}]
    return body


@pytest.fixture
def faulty():
    with SandboxServer(rate_limit=1000, window_seconds=2.0, faults=Faults(seed=7)) as server:
        yield server, Talk(server)


def test_5xx_always_counts_against_the_window_and_queues_nothing(faulty):
    sandbox, talk = faulty
    sandbox.set_faults(error_rate=1.0, error_statuses=[500, 503])
    codes = {talk.post(lead(n)).status_code for n in range(20)}
    assert codes == {500, 503}
    state = talk.processed()
    assert state.queued == 0 and len(state.accepted_times("sandbox-async-1")) == 20
    sandbox.set_faults(error_rate=0.0)
    assert talk.post(lead(0)).status_code == 200


def test_5xx_probability_is_roughly_what_was_asked(faulty):
    sandbox, talk = faulty
    sandbox.set_faults(error_rate=0.3)
    codes = [talk.post(lead(n)).status_code for n in range(200)]
    errors = sum(c >= 500 for c in codes)
    assert 30 <= errors <= 90
    assert talk.processed().queued == codes.count(200) == 200 - errors


def test_scripted_sequence_is_applied_in_order(faulty):
    sandbox, talk = faulty
    sandbox.set_faults(script=["502", "ok", "429", "close_before", "close_after", "error"])
    assert talk.post(lead(1)).status_code == 502
    assert talk.post(lead(2)).status_code == 200
    assert talk.post(lead(3)).status_code == 429
    with pytest.raises(CLOSED):
        talk.post(lead(4))
    with pytest.raises(CLOSED):
        talk.post(lead(5))
    assert talk.post(lead(6)).status_code in (500, 502, 503)
    assert talk.post(lead(7)).status_code == 200  # script used up: back to the probabilities (0)
    state = talk.processed()
    assert sorted(state.leads()) == ["919876500002", "919876500005", "919876500007"]
    assert state.count("closed") == 2


def test_closed_before_reading_means_not_queued(faulty):
    sandbox, talk = faulty
    sandbox.set_faults(close_before_rate=1.0)
    for n in range(5):
        with pytest.raises(CLOSED):
            talk.post(lead(n, actions=True))
    state = talk.processed()
    assert state.queued == 0 and state.leads() == {}
    assert state.accepted_times("sandbox-async-1") == []


def test_closed_after_processing_means_queued_without_an_answer(faulty):
    sandbox, talk = faulty
    sandbox.set_faults(close_after_rate=1.0)
    with pytest.raises(CLOSED):
        talk.post(lead(1, actions=True))
    sandbox.set_faults(close_after_rate=0.0)
    assert talk.post(lead(1, actions=True)).status_code == 200  # the "uncertain" lead sent again...
    state = talk.processed()
    assert len(state.lead("919876500001").actions) == 2  # ...doubles its action, as telecrm would
    assert len(state.doubled_actions()) == 1


def test_fixed_latency_and_latency_range(faulty):
    sandbox, talk = faulty
    sandbox.set_faults(latency=0.15)
    started = time.monotonic()
    assert talk.post(lead(1)).status_code == 200
    assert time.monotonic() - started >= 0.15
    sandbox.set_faults(latency=[0.02, 0.1])
    times = []
    for n in range(5):
        started = time.monotonic()
        assert talk.post(lead(n)).status_code == 200
        times.append(time.monotonic() - started)
    assert min(times) >= 0.02  # a lower bound: a busy machine only adds to it
    drawn = [sandbox.faults.delay() for _ in range(200)]  # the draws themselves, not the clock
    assert all(0.02 <= d <= 0.1 for d in drawn) and max(drawn) - min(drawn) > 0.05  # from the range, not fixed


def test_slow_answer_outlives_the_client_timeout_but_the_lead_is_queued(faulty):
    sandbox, talk = faulty
    sandbox.set_faults(slow_rate=1.0, slow_seconds=1.0)
    with pytest.raises(httpx.ReadTimeout):
        talk.post(lead(1, actions=True), timeout=httpx.Timeout(5.0, read=0.3))
    assert talk.processed().lead("919876500001") is not None
    sandbox.set_faults(slow_rate=0.0)
    assert talk.post(lead(2)).status_code == 200


def test_429_storm_with_and_without_retry_after(faulty):
    sandbox, talk = faulty
    clock = sandbox.clock = SteppedClock()  # the storm's clock moves only when the test moves it
    sandbox.storm(0.6)
    r = talk.post(lead(1))
    assert r.status_code == 429 and "retry-after" not in r.headers
    sandbox.retry_after = "auto"
    assert talk.post(lead(2)).headers["retry-after"] == "1"
    clock.now += 0.61
    assert talk.post(lead(3)).status_code == 200
    state = talk.processed()
    assert state.rate_limited == 2
    assert len(state.accepted_times("sandbox-async-1")) == 1  # storm refusals are not counted


def test_one_token_revoked_mid_run_the_others_keep_working(faulty):
    sandbox, talk = faulty
    assert talk.post(lead(1), label="sandbox-async-3").status_code == 200
    sandbox.revoke("sandbox-async-3")
    assert talk.post(lead(2), label="sandbox-async-3").status_code == 401
    assert talk.post(lead(3), label="sandbox-async-1").status_code == 200
    for label in ("sandbox-async-1", "sandbox-async-2"):
        sandbox.revoke(label)
    assert {talk.post(lead(4), label=t.label).status_code for t in sandbox.async_tokens} == {401}


def test_server_down_refuses_connections_then_comes_back_on_the_same_port(faulty):
    sandbox, talk = faulty
    assert talk.post(lead(1)).status_code == 200  # a kept-alive connection exists
    port = sandbox.port
    went_down = time.monotonic()
    sandbox.go_down(3.0)  # long enough for the two refusals below on a busy machine
    with pytest.raises((httpx.ConnectError, *CLOSED)):
        talk.post(lead(2))
    with pytest.raises(httpx.ConnectError):
        talk.post(lead(3))
    assert time.monotonic() - went_down < 3.0, "too slow to see the server down: the check proves nothing"
    time.sleep(max(0.0, went_down + 3.2 - time.monotonic()))
    assert sandbox.port == port
    assert talk.post(lead(4)).status_code == 200
    assert sorted(talk.processed().leads()) == ["919876500001", "919876500004"]


def test_faults_do_not_touch_the_sync_api(faulty):
    sandbox, talk = faulty
    sandbox.set_faults(error_rate=1.0, close_before_rate=0.0)
    assert talk.sync_get("metadata").status_code == 200


def test_unknown_fault_settings_are_refused():
    with pytest.raises(ValueError):
        Faults(script=["explode"])
    with pytest.raises(ValueError):
        Faults().update(error_chance=0.5)


def test_admin_endpoint_changes_faults_tokens_and_availability(faulty):
    sandbox, talk = faulty
    admin = f"{sandbox.base_url}/_sandbox"
    http = talk.http
    assert http.post(f"{admin}/faults", json={"error_rate": 1.0, "error_statuses": [503]}).json()["faults"]["error_rate"] == 1.0
    assert talk.post(lead(1)).status_code == 503
    assert http.post(f"{admin}/faults", json={"error_rate": 0, "script": ["close_after"]}).status_code == 200
    with pytest.raises(CLOSED):
        talk.post(lead(2))
    assert http.post(f"{admin}/faults", json={"nonsense": 1}).status_code == 400
    assert http.post(f"{admin}/revoke", json={"label": "sandbox-async-2"}).json()["revoked"] == ["sandbox-async-2"]
    assert talk.post(lead(3), label="sandbox-async-2").status_code == 401
    assert http.post(f"{admin}/restore", json={"label": "sandbox-async-2"}).status_code == 200
    assert http.post(f"{admin}/revoke", json={"label": "nobody"}).status_code == 400
    assert talk.post(lead(3), label="sandbox-async-2").status_code == 200
    sandbox.clock = SteppedClock()  # the storm lasts until the test moves this clock
    assert http.post(f"{admin}/storm", json={"seconds": 0.3}).status_code == 200
    assert talk.post(lead(4)).status_code == 429
    sandbox.clock = time.monotonic
    talk.processed()
    leads = http.get(f"{admin}/leads").json()["leads"]
    assert sorted(item["key"] for item in leads) == ["919876500002", "919876500003"]
    state = http.get(f"{admin}/state").json()
    assert state["queued"] == 2 and state["leads"] == 2
    went_down = time.monotonic()
    assert http.post(f"{admin}/down", json={"seconds": 3.0}).status_code == 200  # goes down just after
    refused = False
    while not refused and time.monotonic() < went_down + 2.5:
        try:
            httpx.get(f"{admin}/state")
            time.sleep(0.02)
        except httpx.ConnectError:
            refused = True
    assert refused, "the sandbox kept answering although it was told to go down"
    time.sleep(max(0.0, went_down + 3.2 - time.monotonic()))
    assert http.post(f"{admin}/reset").json()["leads"] == 0
