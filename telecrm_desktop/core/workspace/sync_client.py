"""An httpx client for the Sync API endpoints of telecrm-api.md section 5.

Every failure becomes a `SyncError` holding one sentence for the user: the endpoint, what telecrm
answered (its error envelope's code and message when it sent one) and what to do. A 401 becomes
`SyncTokenRefused`, naming the token by its label. Token values never appear in any message.
Reads are retried a few times on 429, 5xx and connection failures: they change nothing on telecrm.
"""

from __future__ import annotations

import time

import httpx

from telecrm_desktop.core.addresses import check_api_root, check_enterprise_id
from telecrm_desktop.core.network import NetworkSettings, client_proxy, tls_context
from telecrm_desktop.core.quoting import shortened
from telecrm_desktop.core.secrets import Token, redact
from telecrm_desktop.core.send.client import parse_retry_after

DEFAULT_SYNC_URL = "https://next.telecrm.in/autoupdate/v2"
TEAM_PAGE_LIMIT = 10  # the most team-members accepts per page
SEARCH_PAGE_LIMIT = 100  # the most lead/search accepts per page
_MAX_PAGES = 10_000  # a server that never stops paging must not keep us forever


class SyncError(Exception):
    """A Sync API request failed; str() is one sentence for the user."""

    def __init__(self, message: str, *, status_code: int | None = None, code: str | None = None):
        super().__init__(redact(message))
        self.status_code = status_code
        self.code = code


class SyncTokenRefused(SyncError):
    """telecrm answered 401: the Sync token is wrong, deleted, or an Async one."""


def check_sync_url(value: str) -> str:
    """The Sync API root without a trailing slash: https, or http only to this computer (the sandbox).

    Raises ValueError with one sentence naming the value.
    """
    return check_api_root(value, example=DEFAULT_SYNC_URL, name="Sync API root")


def _envelope(response: httpx.Response) -> tuple[str | None, str]:
    """(code, message) from `{"error": {"code", "message"}}`, else (None, the body shortened)."""
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        error = None
    if isinstance(error, dict):
        code = error.get("code")
        message = error.get("message")
        return (str(code) if code else None), (shortened(str(message)) if message else "")
    return None, shortened(response.text)


class SyncClient:
    """One workspace's Sync API, with one Sync token. Use as a context manager, or call close()."""

    def __init__(
        self,
        base_url: str,
        enterprise_id: str,
        token: Token,
        *,
        connect_timeout: float = 10.0,
        read_timeout: float = 30.0,
        retries: int = 2,
        retry_wait: float = 1.0,
        network: NetworkSettings | None = None,
    ):
        self.base_url = check_sync_url(base_url)
        self.enterprise_id = check_enterprise_id(enterprise_id)
        self.token = token
        self._retries = retries
        self._retry_wait = retry_wait
        self._read_timeout = read_timeout
        network = network or NetworkSettings.from_environment()
        self._http = httpx.Client(
            verify=tls_context(network),  # the OS store; never turned off: the token travels in these requests
            proxy=client_proxy(self.base_url, network),
            trust_env=False,  # proxies are chosen above (core.network), the same way as for sending
            timeout=httpx.Timeout(connect=connect_timeout, read=read_timeout, write=connect_timeout,
                                  pool=connect_timeout),
            follow_redirects=False,
            headers={"Accept": "application/json"},
        )

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # -- the endpoints ----------------------------------------------------------------------
    def metadata(self) -> dict:
        return self._json("GET", "metadata")

    def custom_fields(self, detail: bool = True) -> list[dict]:
        answer = self._json("GET", "custom-fields", params={"detail": "true"} if detail else None)
        return self._list(answer, "customFields", "custom-fields")

    def custom_actions(self, detail: bool = True) -> list[dict]:
        answer = self._json("GET", "custom-actions", params={"detail": "true"} if detail else None)
        return self._list(answer, "customActions", "custom-actions")

    def lead_stage_pipeline(self) -> dict:
        return self._json("GET", "lead-stage-pipeline")

    def team_members(self) -> list[dict]:
        """Every team member, all pages read (the endpoint gives at most 10 per page)."""
        return self._all_pages("GET", "team-members", TEAM_PAGE_LIMIT)

    def search_leads(self, fields: dict[str, list[str]], *, limit: int = SEARCH_PAGE_LIMIT) -> list[dict]:
        """The leads matching `fields` (e.g. {"phone": ["919876543210"]}), every page read.

        Each lead is the answer's item, usually `{"fields": {...}}`.
        """
        if not 1 <= limit <= SEARCH_PAGE_LIMIT:
            raise ValueError(f"lead/search takes 1 to {SEARCH_PAGE_LIMIT} leads per page, not {limit}")
        return self._all_pages("POST", "lead/search", limit, body={"fields": fields})

    # -- plumbing -----------------------------------------------------------------------------
    def _url(self, path: str) -> str:
        return f"{self.base_url}/enterprise/{self.enterprise_id}/{path}"

    def _all_pages(self, method: str, path: str, limit: int, body: dict | None = None) -> list[dict]:
        items: list[dict] = []
        skip = 0
        previous: list[dict] | None = None
        for _ in range(_MAX_PAGES):
            answer = self._json(method, path, params={"skip": skip, "limit": limit}, body=body)
            page = self._list(answer, "data", path)
            if len(page) > limit:  # paging ignored: this is the whole list, and the next "page" would repeat it
                return items + page if skip == 0 else items
            if page and page == previous:  # `skip` ignored: the same page again
                return items
            previous = page
            items.extend(page)
            total = answer.get("total_count")
            skip += len(page)
            if not page or len(page) < limit or (isinstance(total, int) and skip >= total):
                return items
        raise SyncError(f"telecrm's Sync API kept paging {path} past {_MAX_PAGES} pages: stopped reading")

    def _list(self, answer: dict, key: str, path: str) -> list[dict]:
        items = answer.get(key)
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise SyncError(
                f'telecrm\'s Sync API answered {path} without the list "{key}" it documents; '
                f"check that {self.base_url} is telecrm's Sync API address"
            )
        return items

    def _json(self, method: str, path: str, *, params: dict | None = None, body: dict | None = None) -> dict:
        response = self._send(method, path, params, body)
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise SyncError(
                f"telecrm's Sync API answered {path} with something that is not a JSON object "
                f"({shortened(response.text, 80)!r}); check that {self.base_url} is telecrm's Sync API address",
                status_code=response.status_code,
            )
        return answer

    def _send(self, method: str, path: str, params: dict | None, body: dict | None) -> httpx.Response:
        url = self._url(path)
        headers = self.token.auth_header()
        attempt = 0
        while True:
            wait = self._retry_wait * (attempt + 1)
            try:
                response = self._http.request(method, url, params=params, json=body, headers=headers)
            except httpx.TimeoutException:
                failure = SyncError(
                    f"telecrm's Sync API did not answer {path} within {self._read_timeout:g} seconds; "
                    "try again later"
                )
            except httpx.HTTPError as exc:
                if "CERTIFICATE_VERIFY_FAILED" in str(exc):
                    raise SyncError(
                        f"the TLS certificate of {self.base_url} could not be verified: the connection "
                        "is not safe for a token (a proxy or a wrong address?); nothing was sent"
                    ) from None
                failure = SyncError(
                    f"could not reach telecrm's Sync API at {self.base_url} ({type(exc).__name__}); "
                    "check the internet connection and the Sync API address"
                )
            else:
                if 200 <= response.status_code < 300:
                    return response
                failure = self._refusal(path, response)
                if not (response.status_code == 429 or response.status_code >= 500):
                    raise failure
                retry_after = parse_retry_after(response.headers.get("retry-after"))
                if retry_after is not None:
                    wait = retry_after
            if attempt >= self._retries or wait > 60:
                raise failure
            attempt += 1
            time.sleep(wait)

    def _refusal(self, path: str, response: httpx.Response) -> SyncError:
        code, message = _envelope(response)
        said = f"{code}: {message}" if code and message else (code or message or "no explanation")
        status = response.status_code
        if status == 401:
            from telecrm_desktop.core.refusals import sync_token_refused

            return SyncTokenRefused(sync_token_refused(self.token.label, self.enterprise_id),
                                    status_code=status, code=code)
        if status == 404 or 300 <= status < 400:
            hint = f"check the enterprise ID and that {self.base_url} is telecrm's Sync API address"
        elif status == 429:
            hint = "too many requests: wait a minute and try again"
        elif status >= 500:
            hint = "telecrm had a problem: try again later"
        else:
            hint = "the request was refused"
        return SyncError(f"telecrm's Sync API answered {path} with {status} ({said}); {hint}",
                         status_code=status, code=code)



