"""Look a run's leads up in the workspace: which exist, and what telecrm holds for them.

Sync `lead/search` on the identifier field, up to 100 normalised identifiers a request (values
in a list match any of them), every page of the answer read. Requests are paced evenly under the
Sync rate (10 a second unless told otherwise; telecrm does not document its Sync limit). As the
send engine does: a 429 waits its Retry-After (else 1, 2, 4 ... s) and is asked again; a 5xx, a
timeout or a lost connection is asked again up to 8 times with growing waits; a 401 stops the
lookup at once. Each request's answers are recorded (LookupRecord) before the next request
leaves, so a resumed run looks up only what is left, and a stopped lookup leaves every lead
either looked up or not, never half.

Pure core: progress through a callback, cancellation through `should_stop`; no Qt.
"""

from __future__ import annotations

import re
import ssl
import time
from dataclasses import dataclass
from typing import Callable

import httpx

from telecrm_desktop.core.addresses import check_enterprise_id
from telecrm_desktop.core.network import NetworkSettings, client_proxy, tls_context
from telecrm_desktop.core.secrets import Token, redact
from telecrm_desktop.core.send.client import parse_retry_after
from telecrm_desktop.core.send.pacing import backoff
from telecrm_desktop.core.workspace.sync_client import check_sync_url
from telecrm_desktop.core.workspace.lookup_record import LookupRecord

SEARCH_LIMIT = 100  # identifiers per request and leads per page: the most lead/search takes
_NOT_DIGITS = re.compile(r"\D")

STOP_CANCELLED, STOP_REFUSED, STOP_FAILED = "cancelled", "refused", "failed"


class LookupStopped(Exception):
    """The lookup could not finish; str() is one sentence for the user. `kind`: cancelled, refused, failed."""

    def __init__(self, message: str, kind: str):
        super().__init__(redact(message))
        self.kind = kind


@dataclass
class LookupSettings:
    rate_per_second: float = 10.0  # the Sync limit this lookup keeps under
    share: float = 0.97  # of that rate, so that clock jitter does not cost a 429
    batch: int = SEARCH_LIMIT
    max_attempts: int = 8  # per request, for 5xx and lost connections
    retry_base: float = 0.5
    retry_cap: float = 30.0
    rate_limited_base: float = 1.0  # wait after a 429 without Retry-After (doubled while they go on)
    max_rate_limited: int = 50  # 429s in a row before giving up
    connect_timeout: float = 10.0
    read_timeout: float = 30.0


@dataclass
class LookupProgress:
    done: int  # leads looked up (this run, including those of an earlier attempt)
    total: int
    requests: int  # lead/search requests sent by this lookup (retries and pages included)
    retries: int
    found: int


@dataclass
class LookupSummary:
    looked_up: int  # by this call
    already: int  # recorded by an earlier, interrupted attempt
    found: int  # among those looked up by this call
    requests: int
    retries: int
    elapsed: float


def match_key(value: object, identifier_type: str) -> str:
    """How telecrm matches identifiers: phones by digits, anything else trimmed and case-insensitive."""
    text = str(value).strip()
    if identifier_type == "phone":
        return _NOT_DIGITS.sub("", text)
    return text.casefold()


def _fields_of(lead: object, identifier_field: str) -> dict | None:
    """A found lead's fields: `{"fields": {...}}` as documented, or the fields given flat."""
    if not isinstance(lead, dict):
        return None
    fields = lead.get("fields") if isinstance(lead.get("fields"), dict) else lead
    return fields if identifier_field in fields else None


def _let_others_run() -> None:
    """Hand the interpreter lock over between steps: in the app this runs in a worker thread, and a
    window waiting for the lock only gets it at once when it is given."""
    time.sleep(0)


class LeadLookup:
    def __init__(self, sync_url: str, enterprise_id: str, token: Token | None, identifier_field: str, *,
                 identifier_type: str = "phone", settings: LookupSettings | None = None,
                 on_progress: Callable[[LookupProgress], None] | None = None,
                 should_stop: Callable[[], bool] | None = None, network: NetworkSettings | None = None):
        if token is None:
            raise LookupStopped(no_sync_token_sentence(enterprise_id), STOP_REFUSED)
        self.sync_url = check_sync_url(sync_url)
        self.enterprise_id = check_enterprise_id(enterprise_id)
        self.token = token
        self.identifier_field = identifier_field
        self.identifier_type = identifier_type
        self.settings = settings or LookupSettings()
        self.on_progress = on_progress
        self.should_stop = should_stop or (lambda: False)
        self.network = network or NetworkSettings.from_environment()  # proxy and CA file (core.network)
        self._next_at = 0.0
        self.requests = 0
        self.retries = 0

    # -- the whole lookup -------------------------------------------------------------------
    def run(self, identifiers: list[str], record: LookupRecord, run_id: int) -> LookupSummary:
        """Look up every identifier not yet recorded for `run_id`; raises LookupStopped when it cannot finish."""
        started = time.monotonic()
        unique = list(dict.fromkeys(identifiers))
        _let_others_run()
        known = record.looked_up(run_id, unique)
        todo = [i for i in unique if i not in known]
        _let_others_run()
        done, found = len(known), 0
        self._report(done, len(unique), found)
        s = self.settings
        with httpx.Client(
            verify=_tls_context(self.sync_url, self.network),
            proxy=client_proxy(self.sync_url, self.network),
            trust_env=False,  # the proxy is chosen above, the same way as for sending
            timeout=httpx.Timeout(connect=s.connect_timeout, read=s.read_timeout, write=s.connect_timeout,
                                  pool=s.connect_timeout),
            follow_redirects=False,
            headers={"Accept": "application/json", **self.token.auth_header()},
        ) as http:
            for start in range(0, len(todo), s.batch):
                if self.should_stop():
                    raise LookupStopped(
                        f"the lookup was cancelled after {done:,} of {len(unique):,} leads; "
                        "nothing was sent", STOP_CANCELLED)
                batch = todo[start:start + s.batch]
                stored = self._search(http, batch)
                results = {i: stored.get(match_key(i, self.identifier_type)) for i in batch}
                self._match_national(batch, stored, results)
                record.record(run_id, results)
                _let_others_run()
                done += len(batch)
                found += sum(1 for f in results.values() if f is not None)
                self._report(done, len(unique), found)
        return LookupSummary(len(todo), len(known), found, self.requests, self.retries, time.monotonic() - started)

    def _match_national(self, batch: list[str], stored: dict, results: dict) -> None:
        """A phone telecrm shows without its country code still matches its lead."""
        if self.identifier_type != "phone" or len(stored) <= sum(1 for f in results.values() if f is not None):
            return
        for identifier in batch:
            if results[identifier] is None:
                digits = match_key(identifier, "phone")
                for key, fields in stored.items():
                    if len(key) >= 7 and 1 <= len(digits) - len(key) <= 3 and digits.endswith(key):
                        results[identifier] = fields
                        break

    def _report(self, done: int, total: int, found: int) -> None:
        if self.on_progress is not None:
            self.on_progress(LookupProgress(done, total, self.requests, self.retries, found))

    # -- one search, every page --------------------------------------------------------------
    def _search(self, http: httpx.Client, batch: list[str]) -> dict[str, dict]:
        """match key -> telecrm's fields, for the leads of `batch` that exist."""
        found: dict[str, dict] = {}
        body = {"fields": {self.identifier_field: batch}}
        skip = 0
        while True:
            answer = self._post(http, body, skip)
            page = answer.get("data")
            if not isinstance(page, list):
                raise LookupStopped('telecrm\'s Sync API answered lead/search without the list "data" it '
                                    "documents; check the Sync API address; nothing was sent", STOP_FAILED)
            for lead in page:
                fields = _fields_of(lead, self.identifier_field)
                if fields is not None:
                    found.setdefault(match_key(fields[self.identifier_field], self.identifier_type), fields)
            skip += len(page)
            total = answer.get("total_count")
            if not page or len(page) < SEARCH_LIMIT or not isinstance(total, int) or skip >= total:
                return found

    def _pace(self) -> None:
        interval = 1.0 / (self.settings.rate_per_second * self.settings.share)
        now = time.monotonic()
        self._next_at = max(self._next_at, now)
        self._sleep(self._next_at - now)
        self._next_at += interval

    def _sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return
            if self.should_stop():
                raise LookupStopped("the lookup was cancelled; nothing was sent", STOP_CANCELLED)
            time.sleep(min(left, 0.1))

    def _post(self, http: httpx.Client, body: dict, skip: int) -> dict:
        s = self.settings
        url = f"{self.sync_url}/enterprise/{self.enterprise_id}/lead/search"
        failures = rate_limited = 0
        while True:
            self._pace()
            self.requests += 1
            try:
                response = http.post(url, params={"skip": skip, "limit": SEARCH_LIMIT}, json=body)
            except httpx.HTTPError as exc:
                if "CERTIFICATE_VERIFY_FAILED" in str(exc):
                    raise LookupStopped(f"the TLS certificate of {self.sync_url} could not be verified: the "
                                        "connection is not safe for a token; nothing was sent", STOP_FAILED) from None
                failures += 1
                problem = f"no answer ({type(exc).__name__})"
                if failures >= s.max_attempts:
                    raise self._gave_up(problem) from None
                self.retries += 1
                self._sleep(backoff(s.retry_base, failures, s.retry_cap))
                continue
            status = response.status_code
            if 200 <= status < 300:
                try:
                    answer = response.json()
                except ValueError:
                    answer = None
                if not isinstance(answer, dict):
                    raise LookupStopped("telecrm's Sync API answered lead/search with something that is not "
                                        "JSON; check the Sync API address; nothing was sent", STOP_FAILED)
                return answer
            if status == 401:
                raise LookupStopped(
                    f'telecrm refused the Sync token "{self.token.label}" (401) while looking leads up: it may '
                    "have been deleted; the leads not looked up are not sent: add a Sync token from telecrm's "
                    "Settings -> Website and API -> API token and run again", STOP_REFUSED)
            if status == 429:
                rate_limited += 1
                if rate_limited >= s.max_rate_limited:
                    raise self._gave_up(f"{rate_limited} answers 429 (too many requests) in a row")
                wait = _retry_after(response)
                self.retries += 1
                self._sleep(wait if wait is not None else backoff(s.rate_limited_base, rate_limited, s.retry_cap))
                self._next_at = time.monotonic()
                continue
            if status >= 500:
                failures += 1
                if failures >= s.max_attempts:
                    raise self._gave_up(f"answer {status}")
                self.retries += 1
                self._sleep(backoff(s.retry_base, failures, s.retry_cap))
                continue
            raise LookupStopped(f"telecrm's Sync API refused lead/search with {status} "
                                f"({response.text[:120]!r}); nothing was sent", STOP_FAILED)

    def _gave_up(self, problem: str) -> LookupStopped:
        return LookupStopped(f"telecrm's Sync API kept failing while looking leads up ({problem}); the leads "
                             "not looked up are not sent: try again later (the leads already looked up are "
                             "remembered)", STOP_FAILED)


def _tls_context(url: str, network: NetworkSettings) -> ssl.SSLContext | bool:
    """Certificates are always verified on https, against the OS store and the CA file as for
    sending; plain http (allowed only to this computer, the sandbox) has nothing to verify, so no
    certificate store is loaded for it."""
    return tls_context(network) if url.startswith("https:") else False


def _retry_after(response: httpx.Response) -> float | None:
    """The 429's Retry-After (seconds or an HTTP date, as the send engine reads it), at most 5 minutes."""
    wait = parse_retry_after(response.headers.get("retry-after"))
    return None if wait is None else min(300.0, wait)


def no_sync_token_sentence(enterprise_id: str) -> str:
    return (f"there is no Sync token for workspace {enterprise_id}: telecrm's existing leads cannot be looked "
            "up, so the import mode and the overwrite rules cannot be applied; nothing was sent. Add a Sync "
            "token from telecrm's Settings -> Website and API -> API token")
