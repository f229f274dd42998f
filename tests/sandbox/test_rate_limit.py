"""The per-token rolling-window limit: 429 above it, Retry-After as configured, and proof of pacing."""

import httpx
from hypothesis import given
from hypothesis import strategies as st

from telecrm_desktop.sandbox import SandboxServer, max_in_window
from tests.sandbox.conftest import SteppedClock, Talk


def lead(n):
    return {"fields": {"phone": f"9198765{n:05d}"}}


def test_over_the_limit_is_429_and_not_queued(talk, sandbox):
    codes = [talk.post(lead(n)).status_code for n in range(60)]
    assert codes == [200] * 50 + [429] * 10
    state = talk.processed()
    assert state.queued == 50 and state.rate_limited == 10
    assert len(state.accepted_times("sandbox-async-1")) == 50
    assert state.max_in_window("sandbox-async-1", 2.0) == 50
    r = talk.post(lead(99))
    assert r.status_code == 429
    assert r.json()["error"]["code"] == "TOO_MANY_REQUESTS"
    assert "retry-after" not in r.headers  # the default: like the docs, say nothing


def test_each_token_has_its_own_window(talk):
    assert all(talk.post(lead(n)).status_code == 200 for n in range(50))
    assert talk.post(lead(50)).status_code == 429
    assert talk.post(lead(51), label="sandbox-async-2").status_code == 200
    assert talk.post(lead(52), label="sandbox-async-3").status_code == 200


def stepped(sandbox: SandboxServer) -> SteppedClock:
    sandbox.clock = clock = SteppedClock()
    return clock


def test_the_window_rolls_rather_than_resetting_on_the_clock():
    with SandboxServer(rate_limit=5, window_seconds=1.0) as sandbox:
        clock, talk = stepped(sandbox), Talk(sandbox)
        assert [talk.post(lead(n)).status_code for n in range(3)] == [200] * 3
        clock.now += 0.3
        assert [talk.post(lead(n)).status_code for n in range(3, 6)] == [200, 200, 429]
        clock.now += 0.71  # the first three left the window, the next two did not
        assert [talk.post(lead(n)).status_code for n in range(6, 10)] == [200, 200, 200, 429]
        assert sandbox.state.max_in_window("sandbox-async-1", 1.0) == 5


def test_refused_requests_do_not_count_against_the_window():
    with SandboxServer(rate_limit=3, window_seconds=0.6) as sandbox:
        clock, talk = stepped(sandbox), Talk(sandbox)
        assert [talk.post(lead(n)).status_code for n in range(3)] == [200] * 3
        for _ in range(5):  # refused all through the window
            clock.now += 0.1
            assert talk.post(lead(9)).status_code == 429
        clock.now += 0.11  # 0.61 after the three: they left; the refusals must not keep it full
        assert [talk.post(lead(n)).status_code for n in range(10, 14)] == [200, 200, 200, 429]


def test_retry_after_in_seconds_or_until_a_slot_frees():
    with SandboxServer(rate_limit=2, window_seconds=3.0, retry_after=7) as sandbox:
        talk = Talk(sandbox)
        [talk.post(lead(n)) for n in range(2)]
        assert talk.post(lead(3)).headers["retry-after"] == "7"
    with SandboxServer(rate_limit=2, window_seconds=3.0, retry_after="auto") as sandbox:
        clock, talk = stepped(sandbox), Talk(sandbox)
        [talk.post(lead(n)) for n in range(2)]
        assert talk.post(lead(3)).headers["retry-after"] == "3"
        clock.now += 1.2
        assert talk.post(lead(4)).headers["retry-after"] == "2"


def test_concurrent_clients_never_get_more_than_the_limit_accepted():
    import asyncio

    async def hammer(sandbox):
        url = f"{sandbox.base_url}/enterprise/{sandbox.enterprise_id}/autoupdatelead"
        headers = {"Authorization": f"Bearer {sandbox.token('sandbox-async-1').value}"}
        async with httpx.AsyncClient(limits=httpx.Limits(max_connections=16)) as http:
            answers = await asyncio.gather(*(http.post(url, json=lead(n), headers=headers) for n in range(200)))
        return [a.status_code for a in answers]

    with SandboxServer(rate_limit=40, window_seconds=5.0) as sandbox:
        stepped(sandbox)  # time stands still: all 200 arrive inside one window, however long they take
        codes = asyncio.run(hammer(sandbox))
        assert codes.count(200) == 40 and codes.count(429) == 160
        assert sandbox.state.max_in_window("sandbox-async-1", 5.0) == 40


def _brute_force(times, seconds):
    return max((sum(1 for u in times if t <= u < t + seconds) for t in times), default=0)


@given(st.lists(st.floats(0, 100, allow_nan=False), max_size=40), st.floats(0.01, 30))
def test_max_in_window_matches_brute_force(times, seconds):
    times = sorted(times)
    assert max_in_window(times, seconds) == _brute_force(times, seconds)
