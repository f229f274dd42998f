"""The sending engine: every pending lead of a journal run goes to telecrm, paced per token,
retried when that is safe, and given an outcome the journal keeps.

`SendEngine.run()` is synchronous and owns its asyncio loop, so the command line calls it from the
main thread and the app from a QThread; `SendControl` pauses, resumes or cancels it from any thread.
Several requests are in flight per token so that latency does not cap the rate; the pacer of each
token decides when the next one may leave.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import random
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Protocol, Sequence

from telecrm_desktop.core import run_claim
from telecrm_desktop.core.send.journal import Journal, LeadToSend
from telecrm_desktop.core.network import NetworkSettings
from telecrm_desktop.core import refusals
from telecrm_desktop.core.send import client as api
from telecrm_desktop.core.send import outcomes
from telecrm_desktop.core.send.pacing import RollingWindowPacer, run_limit

STOP_CANCELLED = "cancelled"
STOP_NO_TOKEN = "no_token"
STOP_UNREACHABLE = "unreachable"
# the first words of the events that open and close a stretch without any connection to telecrm
OUTAGE_STARTED = "telecrm cannot be reached"
OUTAGE_ENDED = "telecrm can be reached again"


class TokenLike(Protocol):
    """A `secrets.Token`: a public label, a one-way `fingerprint`, and `auth_header()` for requests."""

    label: str
    fingerprint: str

    def auth_header(self) -> dict[str, str]: ...


@dataclass
class SendSettings:
    rate_per_hour: int = 18_000  # each token's limit per window
    window: float = 3600.0  # seconds; scaled down in tests
    margin: float | None = None  # slack added to the window (see pacing.default_margin)
    share: float = 1.0  # part of each token's budget this run may use (live website forms use the rest)
    max_tokens: int = 3
    in_flight_per_token: int = 10
    max_attempts: int = 8  # for 5xx and unanswered leads without actions
    unreachable_limit: float = 600.0  # seconds without any connection to telecrm before the run stops
    retry_base: float = 0.5  # seconds; doubled on each attempt, with jitter
    retry_cap: float = 30.0
    rate_limited_base: float = 1.0  # back-off after a 429 without Retry-After
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    resend_uncertain: bool = False
    progress_interval: float = 0.25
    commit_gather: float = 0.001  # when many are in flight, let answers gather before the loop runs again
    network: NetworkSettings | None = None  # proxy and CA file overrides (core.network)


class SendControl:
    """Pause, resume and cancel a running engine from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._paused = False
        self._cancelled = False
        self._wake: Callable[[], None] | None = None

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def pause(self) -> None:
        self._set(paused=True)

    def resume(self) -> None:
        self._set(paused=False)

    def cancel(self) -> None:
        self._set(cancelled=True)

    def _set(self, paused: bool | None = None, cancelled: bool | None = None) -> None:
        with self._lock:
            if paused is not None:
                self._paused = paused
            if cancelled:
                self._cancelled = True
            wake = self._wake
        if wake:
            wake()

    def _attach(self, wake: Callable[[], None] | None) -> None:
        with self._lock:
            self._wake = wake


@dataclass
class SendProgress:
    total: int  # leads this session set out to send
    done: int  # of those, how many have an outcome
    counts: dict[str, int]  # outcomes so far in this session (queued, failed, uncertain)
    in_flight: int
    active_tokens: list[str]  # labels
    paused: bool
    rate: float  # requests per second over the last seconds
    retry_in: float | None = None  # while telecrm cannot be reached: seconds until the next try


@dataclass
class SendSummary:
    stopped: str | None  # None, STOP_CANCELLED, STOP_NO_TOKEN or STOP_UNREACHABLE
    counts: dict[str, int]  # outcomes in this session
    tokens_out: list[str]  # labels of tokens telecrm refused
    requests: int  # requests dispatched
    rate_limited: int  # 429 answers
    elapsed: float
    uncertain_recovered: int = 0  # leads found "sending" from a killed run and made uncertain
    journal_seconds: float = 0.0  # time spent committing to the journal while sending

    @property
    def rate(self) -> float:
        return self.requests / self.elapsed if self.elapsed > 0 else 0.0


def token_key(token: TokenLike) -> str:
    """A stable one-way key for a token (for pacing across restarts); never reveals the value."""
    return token.fingerprint


@dataclass
class _Token:
    label: str
    key: str
    authorization: str = field(repr=False)
    pacer: RollingWindowPacer
    in_flight: int = 0
    out: bool = False
    hold_until: float = 0.0  # after a 429
    strikes: int = 0  # 429s in a row


def _backoff(base: float, attempt: int, cap: float) -> float:
    """Exponential back-off with jitter: base, 2*base, 4*base ... up to cap, each +-25%."""
    return min(cap, base * (2 ** max(0, attempt - 1))) * random.uniform(0.75, 1.25)


class SendEngine:
    def __init__(
        self,
        journal_path: Path | str,
        run_id: int,
        *,
        enterprise_id: str,
        base_url: str,
        tokens: Sequence[TokenLike],
        settings: SendSettings | None = None,
        control: SendControl | None = None,
        on_progress: Callable[[SendProgress], None] | None = None,
        on_event: Callable[[str], None] | None = None,
    ):
        self.journal_path = Path(journal_path)
        self.run_id = run_id
        self.enterprise_id = api.check_enterprise_id(enterprise_id)
        self.base_url = api.check_base_url(base_url)
        self.settings = settings or SendSettings()
        self.control = control or SendControl()
        self.on_progress = on_progress
        self.on_event = on_event
        unique: dict[str, TokenLike] = {}
        for token in tokens:
            unique.setdefault(token_key(token), token)
        self._given_tokens = list(unique.values())

    # -- public ---------------------------------------------------------------------------------

    def run(self) -> SendSummary:
        """Send until every lead has an outcome, the run is cancelled, or no token is left."""
        # one engine per run, whichever process runs it; RunBusy (a sentence) when another holds it
        with run_claim.claim_run(self.journal_path, self.run_id):
            journal = Journal(self.journal_path)  # this thread's own connection
            try:
                return asyncio.run(self._run(journal))
            finally:
                journal.close()

    # -- the loop -------------------------------------------------------------------------------

    def _event(self, message: str) -> None:
        if self.on_event:
            self.on_event(message)

    def _make_tokens(self, journal: Journal) -> list[_Token]:
        s = self.settings
        tokens = self._given_tokens[: s.max_tokens]
        if len(self._given_tokens) > s.max_tokens:
            skipped = ", ".join(t.label for t in self._given_tokens[s.max_tokens:])
            self._event(f"Using {s.max_tokens} tokens at once; not using: {skipped}.")
        limit = run_limit(s.rate_per_hour, s.share)
        mono = time.monotonic()
        result = []
        for token in tokens:
            pacer = RollingWindowPacer(limit, s.window, s.margin)
            # ages, not wall-clock times: a clock set back or forward cannot free a token's window
            ages = journal.dispatch_ages(token_key(token), pacer.span)
            pacer.restore((mono - age for age in ages), now=mono)
            result.append(_Token(token.label, token_key(token), token.auth_header()["Authorization"], pacer))
        journal.forget_dispatches_older_than(2 * max(s.window, 3600.0))
        return result

    async def _run(self, journal: Journal) -> SendSummary:
        s = self.settings
        started = time.monotonic()
        recovered = journal.recover_interrupted(self.run_id)
        if recovered:
            self._event(f"{recovered} lead(s) with actions were on their way when the program stopped; "
                        "they are uncertain and sent again only when uncertain leads are re-sent on purpose.")
        tokens = self._make_tokens(journal)
        total = journal.count_to_send(self.run_id, resend_uncertain=s.resend_uncertain)
        source: Iterator[LeadToSend] = journal.leads_to_send(self.run_id, resend_uncertain=s.resend_uncertain)
        fresh: deque[LeadToSend] = deque()
        source_done = False
        retries: list[tuple[float, int, LeadToSend]] = []  # (ready at, tie-breaker, lead)
        tie = itertools.count()
        attempts: dict[int, int] = {}
        finished: list[tuple[int, str, str, str | None]] = []
        counts: dict[str, int] = {}
        recent: deque[float] = deque()
        state = {"streak": 0, "hold_until": 0.0, "requests": 0, "rate_limited": 0, "in_flight": 0,
                 "unreachable_since": None}
        wake = asyncio.Event()
        loop = asyncio.get_running_loop()
        self.control._attach(lambda: loop.call_soon_threadsafe(wake.set))
        http = api.AsyncApiClient(
            self.base_url, self.enterprise_id,
            max_connections=max(1, len(tokens)) * s.in_flight_per_token,
            connect_timeout=s.connect_timeout, read_timeout=s.read_timeout, network=s.network,
        )
        tasks: set[asyncio.Task] = set()

        def finish(lead: LeadToSend, status: str, reason: str) -> None:
            finished.append((lead.seq, status, reason, lead.body_hash))
            counts[status] = counts.get(status, 0) + 1

        def retry_later(lead: LeadToSend, delay: float, reason: str) -> None:
            finished.append((lead.seq, outcomes.PENDING, reason, lead.body_hash))
            heapq.heappush(retries, (time.monotonic() + delay, next(tie), lead))

        def trouble(lead: LeadToSend, answer: api.Answer) -> None:
            """5xx, no connection, or no answer for a lead that may be sent again."""
            state["streak"] += 1
            if state["streak"] >= 3:  # the server is in trouble: everyone waits, one request probes
                state["hold_until"] = time.monotonic() + _backoff(s.retry_base, state["streak"] - 2, s.retry_cap)
            if answer.kind == api.NOT_SENT:
                # nothing left: not the lead's fault, so no attempt is spent; a server down for
                # longer than unreachable_limit stops the run instead (leads stay pending)
                delay = _backoff(s.retry_base, 1, s.retry_cap)
                if state["unreachable_since"] is None:
                    state["unreachable_since"] = time.monotonic()
                    self._event(f"{OUTAGE_STARTED}: {answer.detail}; trying again in "
                                f"{max(1, round(max(delay, state['hold_until'] - time.monotonic())))} s.")
                retry_later(lead, delay, answer.detail)
                return
            n = attempts.get(lead.seq, 0) + 1
            attempts[lead.seq] = n
            if n >= s.max_attempts:
                finish(lead, outcomes.FAILED, f"{answer.detail}; gave up after {n} attempts")
            else:
                retry_later(lead, _backoff(s.retry_base, n, s.retry_cap), answer.detail)

        def on_answer(token: _Token, lead: LeadToSend, answer: api.Answer) -> None:
            kind = answer.kind
            if answer.status_code is not None:
                if state["unreachable_since"] is not None:
                    self._event(f"{OUTAGE_ENDED} after {time.monotonic() - state['unreachable_since']:.0f} s "
                                "without a connection; sending goes on.")
                state["unreachable_since"] = None
            if kind == api.QUEUED:
                state["streak"] = 0
                token.strikes = 0
                finish(lead, outcomes.QUEUED, "" if answer.detail == "telecrm answered QUEUED" else answer.detail)
            elif kind == api.RATE_LIMITED:
                state["rate_limited"] += 1
                token.strikes += 1
                wait = answer.retry_after if answer.retry_after is not None else _backoff(
                    s.rate_limited_base, token.strikes, max(s.rate_limited_base, min(60.0, s.window / 2)))
                token.hold_until = max(token.hold_until, time.monotonic() + min(wait, s.window))
                retry_later(lead, 0.0, answer.detail)
            elif kind == api.UNAUTHORIZED:
                if not token.out:
                    token.out = True
                    self._event(refusals.async_token_refused(token.label, self.enterprise_id)
                                + " It is not used for the rest of this run.")
                retry_later(lead, 0.0, f'the token "{token.label}" was refused')
            elif kind == api.REJECTED:
                state["streak"] = 0
                finish(lead, outcomes.FAILED, answer.detail)
            elif kind == api.NO_ANSWER and lead.has_actions:
                finish(lead, outcomes.UNCERTAIN, f"{answer.detail}; the lead carries actions, so it is not "
                                                 "sent again unless uncertain leads are re-sent on purpose")
            else:  # SERVER_ERROR, NOT_SENT, NO_ANSWER without actions: safe to send again
                trouble(lead, answer)

        timing = {"journal": 0.0}

        def flush(sending: list) -> None:
            """Commit the answers so far, and `sending` marks; before any of those requests leaves."""
            done = list(finished)
            finished.clear()
            started_at = time.perf_counter()
            try:
                journal.write_batch(self.run_id, self.enterprise_id, sending=sending, finished=done)
            except BaseException:
                finished[:0] = done
                raise
            finally:
                timing["journal"] += time.perf_counter() - started_at

        async def send(token: _Token, lead: LeadToSend, planned: float) -> None:
            # the "sending" mark is committed right before the first byte is written (see client)
            left_at = planned

            def mark() -> None:
                nonlocal left_at
                flush([(lead.seq, token.label, token.key, time.time())])
                left_at = time.monotonic()
                token.pacer.move(planned, left_at)

            try:
                answer = await http.post_lead(token.authorization, lead.body, before_send=mark)
            except Exception as exc:  # a bug must not lose the lead: treat it as "no answer"
                answer = api.Answer(api.NO_ANSWER, f"unexpected error while sending ({type(exc).__name__})")
            if answer.status_code is not None and s.margin is None:
                # the server counts a request when it arrives: cover the answer time's spread
                token.pacer.widen(time.monotonic() - left_at)
            token.in_flight -= 1
            state["in_flight"] -= 1
            on_answer(token, lead, answer)
            wake.set()

        def refill() -> None:
            nonlocal source_done
            if not fresh and not source_done:
                fresh.extend(itertools.islice(source, 500))
                source_done = not fresh

        def has_lead(now: float) -> bool:
            refill()
            return bool(fresh) or bool(retries and retries[0][0] <= now)

        def next_lead(now: float) -> LeadToSend:
            if retries and retries[0][0] <= now:  # retries first: they have waited longest
                return heapq.heappop(retries)[2]
            return fresh.popleft()

        def can_send(token: _Token, now: float) -> bool:
            if token.out or token.in_flight >= s.in_flight_per_token or token.hold_until > now:
                return False
            if state["hold_until"] > now or (state["streak"] >= 3 and state["in_flight"] > 0):
                return False
            return token.pacer.ready(now)

        last_progress = 0.0

        def report(force: bool = False) -> None:
            nonlocal last_progress
            now = time.monotonic()
            if not self.on_progress or (not force and now - last_progress < s.progress_interval):
                return
            last_progress = now
            while recent and recent[0] < now - 5.0:
                recent.popleft()
            span = min(5.0, max(now - started, 1e-6))
            self.on_progress(SendProgress(
                total=total, done=sum(counts.get(k, 0) for k in (outcomes.QUEUED, outcomes.FAILED, outcomes.UNCERTAIN)),
                counts=dict(counts), in_flight=state["in_flight"],
                active_tokens=[t.label for t in tokens if not t.out], paused=self.control.paused,
                rate=len(recent) / span, retry_in=retry_in(now),
            ))

        def retry_in(now: float) -> float | None:
            if state["unreachable_since"] is None:
                return None
            return max(0.0, state["hold_until"] - now, (retries[0][0] - now) if retries else 0.0)

        stopped: str | None = None
        try:
            while True:
                now = time.monotonic()
                if self.control.cancelled or journal.storage_failure is not None:  # disk full: stop as a cancel
                    stopped = STOP_CANCELLED
                    break
                active = [t for t in tokens if not t.out]
                if not active:
                    stopped = STOP_NO_TOKEN
                    break
                if state["unreachable_since"] is not None and now - state["unreachable_since"] > s.unreachable_limit:
                    stopped = STOP_UNREACHABLE
                    self._event(f"telecrm could not be reached for {s.unreachable_limit:.0f} seconds: stopping; "
                                "start the same send again later to send the rest.")
                    break
                batch: list[tuple[_Token, LeadToSend]] = []
                if not self.control.paused:
                    progress = True
                    while progress:
                        progress = False
                        for token in active:
                            if can_send(token, now) and has_lead(now):
                                lead = next_lead(now)
                                token.pacer.record(now)
                                token.in_flight += 1
                                state["in_flight"] += 1
                                batch.append((token, lead))
                                progress = True
                if finished and not batch:  # with a batch, the first request's mark commits them
                    flush([])
                for token, lead in batch:
                    state["requests"] += 1
                    recent.append(now)
                    task = asyncio.create_task(send(token, lead, now))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
                report()
                if not batch and state["in_flight"] == 0 and not retries and not has_lead(now):
                    break
                wait = self._next_wake(tokens, retries, state, now, has_lead(now)) - now
                if batch and wait <= 0:
                    continue
                wake.clear()
                timer = loop.call_later(min(max(wait, 0.001), s.progress_interval), wake.set)
                await wake.wait()  # an answer, a control change, or the timer (cheaper than wait_for)
                timer.cancel()
                if state["in_flight"] >= 4:
                    # busy: let a few more answers arrive so one pass (and one commit) covers them
                    await asyncio.sleep(s.commit_gather)
            # stopping: answers of requests already on their way still count
            while tasks:
                await asyncio.wait(set(tasks))
            flush([])
        finally:
            self.control._attach(None)
            for task in tasks:
                task.cancel()
            await http.aclose()
            if finished:  # an exception above: keep what we know
                journal.write_batch(self.run_id, self.enterprise_id, finished=finished)
        if journal.storage_failure is not None:  # answers are in; the rest stays pending for the next run
            raise journal.storage_failure
        if stopped == STOP_NO_TOKEN:
            journal.set_pending(self.run_id, "not sent: telecrm refused every token")
        elif stopped == STOP_CANCELLED:
            journal.set_pending(self.run_id, "not sent: the run was cancelled")
        elif stopped == STOP_UNREACHABLE:
            journal.set_pending(self.run_id, "not sent: telecrm could not be reached")
        report(force=True)
        return SendSummary(
            stopped=stopped, counts=counts, tokens_out=[t.label for t in tokens if t.out],
            requests=state["requests"], rate_limited=state["rate_limited"],
            elapsed=time.monotonic() - started, uncertain_recovered=recovered, journal_seconds=timing["journal"],
        )

    def _next_wake(self, tokens: list[_Token], retries: list, state: dict, now: float, have_lead: bool) -> float:
        """When something may change without an answer arriving: a pacing slot, a back-off ending."""
        times = []
        if retries:
            times.append(retries[0][0])
        if have_lead or retries:
            for t in tokens:
                if not t.out and t.in_flight < self.settings.in_flight_per_token:
                    times.append(max(t.pacer.next_send_at(now), t.hold_until, state["hold_until"]))
        return min(times) if times else now + self.settings.progress_interval
