"""The sending engine: every pending lead of a journal run goes to telecrm, paced per token,
retried when that is safe, and given an outcome the journal keeps.

`SendEngine.run()` is synchronous and owns its asyncio loop, so the command line calls it from the
main thread and the app from a QThread; `SendControl` pauses, resumes or cancels it from any thread.
Several requests are in flight per token so that latency does not cap the rate; the pacer of each
token decides when the next one may leave. What each answer means for the lead and the token is
decided in answers.py; the run's counters and queues are one RunState (run_state.py).

Over 400 lines: the settings, control and progress shapes the callers use sit with the loop that
reads them, so one file tells how a send runs from start to stop.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Protocol, Sequence

from telecrm_desktop.core.send import run_claim
from telecrm_desktop.core.addresses import check_enterprise_id
from telecrm_desktop.core.network import NetworkSettings
from telecrm_desktop.core.send import client as api
from telecrm_desktop.core.send import outcomes
from telecrm_desktop.core.send.answers import OUTAGE_ENDED, OUTAGE_STARTED, TROUBLE_STREAK, AnswerHandling  # noqa: F401
from telecrm_desktop.core.send.journal import Journal, LeadToSend
from telecrm_desktop.core.send.pacing import RollingWindowPacer, run_limit
from telecrm_desktop.core.send.run_state import RunState, TokenLane

STOP_CANCELLED = "cancelled"
STOP_NO_TOKEN = "no_token"
STOP_UNREACHABLE = "unreachable"


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
        self.enterprise_id = check_enterprise_id(enterprise_id)
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

    # -- the run --------------------------------------------------------------------------------

    def _event(self, message: str) -> None:
        if self.on_event:
            self.on_event(message)

    def _make_tokens(self, journal: Journal) -> list[TokenLane]:
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
            result.append(TokenLane(token.label, token_key(token), token.auth_header()["Authorization"], pacer))
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
        state = RunState(total=journal.count_to_send(self.run_id, resend_uncertain=s.resend_uncertain),
                         started=started)
        loop = _SendLoop(self, journal, tokens, state)
        stopped = await loop.run()
        if journal.storage_failure is not None:  # answers are in; the rest stays pending for the next run
            raise journal.storage_failure
        if stopped == STOP_NO_TOKEN:
            journal.set_pending(self.run_id, "not sent: telecrm refused every token")
        elif stopped == STOP_CANCELLED:
            journal.set_pending(self.run_id, "not sent: the run was cancelled")
        elif stopped == STOP_UNREACHABLE:
            journal.set_pending(self.run_id, "not sent: telecrm could not be reached")
        loop.report(force=True)
        return SendSummary(
            stopped=stopped, counts=state.counts, tokens_out=[t.label for t in tokens if t.out],
            requests=state.requests, rate_limited=state.rate_limited,
            elapsed=time.monotonic() - started, uncertain_recovered=recovered, journal_seconds=state.journal_seconds,
        )


class _SendLoop:
    """One run's loop: hand leads to tokens as their pacers allow, commit answers, stop when done.

    Several requests are in flight at once; each answer goes through `AnswerHandling` (answers.py),
    which decides the lead's outcome and what happens to its token.
    """

    def __init__(self, engine: SendEngine, journal: Journal, tokens: list[TokenLane], state: RunState) -> None:
        self.engine = engine
        self.settings = engine.settings
        self.control = engine.control
        self.journal = journal
        self.tokens = tokens
        self.state = state
        self.answers = AnswerHandling(state, self.settings, engine._event, enterprise_id=engine.enterprise_id)
        resend = self.settings.resend_uncertain
        self.source: Iterator[LeadToSend] = journal.leads_to_send(engine.run_id, resend_uncertain=resend)
        self.fresh: deque[LeadToSend] = deque()  # read from the journal, not yet sent
        self.source_done = False
        self.tasks: set[asyncio.Task] = set()
        self.wake = asyncio.Event()
        self.last_progress = 0.0
        self.http: api.AsyncApiClient | None = None

    # -- the journal ----------------------------------------------------------------------------

    def flush(self, sending: list) -> None:
        """Commit the answers so far, and `sending` marks; before any of those requests leaves."""
        state = self.state
        done = list(state.finished)
        state.finished.clear()
        started_at = time.perf_counter()
        try:
            self.journal.write_batch(self.engine.run_id, self.engine.enterprise_id, sending=sending, finished=done)
        except BaseException:
            state.finished[:0] = done
            raise
        finally:
            state.journal_seconds += time.perf_counter() - started_at

    # -- one request ----------------------------------------------------------------------------

    async def send(self, token: TokenLane, lead: LeadToSend, planned: float) -> None:
        # the "sending" mark is committed right before the first byte is written (see client)
        left_at = planned

        def mark() -> None:
            nonlocal left_at
            self.flush([(lead.seq, token.label, token.key, time.time())])
            left_at = time.monotonic()
            token.pacer.move(planned, left_at)

        try:
            answer = await self.http.post_lead(token.authorization, lead.body, before_send=mark)
        except Exception as exc:  # a bug must not lose the lead: treat it as "no answer"
            answer = api.Answer(api.AnswerKind.NO_ANSWER, f"unexpected error while sending ({type(exc).__name__})")
        if answer.status_code is not None and self.settings.margin is None:
            # the server counts a request when it arrives: cover the answer time's spread
            token.pacer.widen(time.monotonic() - left_at)
        token.in_flight -= 1
        self.state.in_flight -= 1
        self.answers.handle(token, lead, answer)
        self.wake.set()

    # -- which lead, which token ----------------------------------------------------------------

    def has_lead(self, now: float) -> bool:
        if not self.fresh and not self.source_done:
            self.fresh.extend(itertools.islice(self.source, 500))
            self.source_done = not self.fresh
        return bool(self.fresh) or self.state.retry_due(now)

    def next_lead(self, now: float) -> LeadToSend:
        if self.state.retry_due(now):  # retries first: they have waited longest
            return self.state.next_retry()
        return self.fresh.popleft()

    def can_send(self, token: TokenLane, now: float) -> bool:
        s, state = self.settings, self.state
        if token.out or token.in_flight >= s.in_flight_per_token or token.hold_until > now:
            return False
        if state.hold_until > now or (state.streak >= TROUBLE_STREAK and state.in_flight > 0):
            return False
        return token.pacer.ready(now)

    def next_wake(self, now: float, have_lead: bool) -> float:
        """When something may change without an answer arriving: a pacing slot, a back-off ending."""
        state = self.state
        times = []
        if state.retries:
            times.append(state.retries[0][0])
        if have_lead or state.retries:
            for t in self.tokens:
                if not t.out and t.in_flight < self.settings.in_flight_per_token:
                    times.append(max(t.pacer.next_send_at(now), t.hold_until, state.hold_until))
        return min(times) if times else now + self.settings.progress_interval

    def report(self, force: bool = False) -> None:
        on_progress, state, recent = self.engine.on_progress, self.state, self.state.recent
        now = time.monotonic()
        if not on_progress or (not force and now - self.last_progress < self.settings.progress_interval):
            return
        self.last_progress = now
        while recent and recent[0] < now - 5.0:
            recent.popleft()
        span = min(5.0, max(now - state.started, 1e-6))
        on_progress(SendProgress(
            total=state.total,
            done=sum(state.counts.get(k, 0) for k in (outcomes.QUEUED, outcomes.FAILED, outcomes.UNCERTAIN)),
            counts=dict(state.counts), in_flight=state.in_flight,
            active_tokens=[t.label for t in self.tokens if not t.out], paused=self.control.paused,
            rate=len(recent) / span, retry_in=self.retry_in(now),
        ))

    def retry_in(self, now: float) -> float | None:
        """While telecrm cannot be reached: seconds until the next try (None while it can)."""
        state = self.state
        if state.unreachable_since is None:
            return None
        return max(0.0, state.hold_until - now, (state.retries[0][0] - now) if state.retries else 0.0)

    def stop_reason(self, now: float, active: list[TokenLane]) -> str | None:
        s, state = self.settings, self.state
        if self.control.cancelled or self.journal.storage_failure is not None:  # disk full: stop as a cancel
            return STOP_CANCELLED
        if not active:
            return STOP_NO_TOKEN
        if state.unreachable_since is not None and now - state.unreachable_since > s.unreachable_limit:
            self.engine._event(f"telecrm could not be reached for {s.unreachable_limit:.0f} seconds: stopping; "
                               "start the same send again later to send the rest.")
            return STOP_UNREACHABLE
        return None

    def dispatch(self, active: list[TokenLane], now: float) -> list[tuple[TokenLane, LeadToSend]]:
        """Every lead the tokens may send now, round-robin over the tokens."""
        batch: list[tuple[TokenLane, LeadToSend]] = []
        progress = True
        while progress:
            progress = False
            for token in active:
                if self.can_send(token, now) and self.has_lead(now):
                    lead = self.next_lead(now)
                    token.pacer.record(now)
                    token.in_flight += 1
                    self.state.in_flight += 1
                    batch.append((token, lead))
                    progress = True
        return batch

    # -- the loop -------------------------------------------------------------------------------

    async def run(self) -> str | None:
        """Send until done or stopped; the stop reason (None when every lead has an outcome)."""
        s, state, wake = self.settings, self.state, self.wake
        loop = asyncio.get_running_loop()
        self.control._attach(lambda: loop.call_soon_threadsafe(wake.set))
        self.http = api.AsyncApiClient(
            self.engine.base_url, self.engine.enterprise_id,
            max_connections=max(1, len(self.tokens)) * s.in_flight_per_token,
            connect_timeout=s.connect_timeout, read_timeout=s.read_timeout, network=s.network,
        )
        stopped: str | None = None
        try:
            while True:
                now = time.monotonic()
                active = [t for t in self.tokens if not t.out]
                stopped = self.stop_reason(now, active)
                if stopped:
                    break
                batch = [] if self.control.paused else self.dispatch(active, now)
                if state.finished and not batch:  # with a batch, the first request's mark commits them
                    self.flush([])
                for token, lead in batch:
                    state.requests += 1
                    state.recent.append(now)
                    task = asyncio.create_task(self.send(token, lead, now))
                    self.tasks.add(task)
                    task.add_done_callback(self.tasks.discard)
                self.report()
                if not batch and state.in_flight == 0 and not state.retries and not self.has_lead(now):
                    break
                wait = self.next_wake(now, self.has_lead(now)) - now
                if batch and wait <= 0:
                    continue
                wake.clear()
                timer = loop.call_later(min(max(wait, 0.001), s.progress_interval), wake.set)
                await wake.wait()  # an answer, a control change, or the timer (cheaper than wait_for)
                timer.cancel()
                if state.in_flight >= 4:
                    # busy: let a few more answers arrive so one pass (and one commit) covers them
                    await asyncio.sleep(s.commit_gather)
            # stopping: answers of requests already on their way still count
            while self.tasks:
                await asyncio.wait(set(self.tasks))
            self.flush([])
        finally:
            self.control._attach(None)
            for task in self.tasks:
                task.cancel()
            await self.http.aclose()
            if state.finished:  # an exception above: keep what we know
                self.journal.write_batch(self.engine.run_id, self.engine.enterprise_id, finished=state.finished)
        return stopped
