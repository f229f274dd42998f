"""telecrm-import sandbox [--port N]: run the practice telecrm workspace on this computer until Ctrl-C.

The sandbox's tokens are not secrets (they open nothing but this local stand-in), so they are
printed for a tester to copy.
"""

from __future__ import annotations

import sys
import time

from telecrm_desktop.cli import UsageError

DEFAULT_PORT = 8765


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "sandbox",
        help="run a practice telecrm workspace on this computer (until Ctrl-C)",
        description="Run a practice telecrm workspace on this computer (loopback only) until Ctrl-C.",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"port to listen on (default {DEFAULT_PORT}; 0 picks a free one)")
    parser.add_argument("--workspace", metavar="FILE", help="workspace definition JSON (default: the bundled one)")
    parser.add_argument("--rate-limit", type=int, default=18000, metavar="N",
                        help="requests each token may send per window (default 18000)")
    parser.add_argument("--window-seconds", type=float, default=3600.0, metavar="S",
                        help="length of the rolling rate-limit window (default 3600)")
    parser.add_argument("--retry-after", metavar="SECONDS|auto",
                        help="send Retry-After with 429 answers: a number of seconds, or auto")
    parser.add_argument("--sync-rate-limit", type=int, metavar="N",
                        help="Sync API requests each Sync token may send per second (default: no limit)")
    parser.add_argument("--no-existing-leads", action="store_true",
                        help="start with an empty workspace instead of its few existing leads")
    parser.set_defaults(run=run)
    return parser


def _retry_after(value: str | None):
    if value is None or value == "auto":
        return value
    try:
        return float(value)
    except ValueError:
        raise UsageError(f'--retry-after "{value}" is not a number of seconds or "auto"') from None


def run(args) -> int:
    from telecrm_desktop.sandbox import SandboxServer

    if args.sync_rate_limit is not None and args.sync_rate_limit < 1:
        raise UsageError(f"--sync-rate-limit must be 1 or more requests a second, not {args.sync_rate_limit}")
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port} is not a port number (0 to 65535)")
    try:
        server = SandboxServer(
            args.workspace,
            port=args.port,
            rate_limit=args.rate_limit,
            window_seconds=args.window_seconds,
            retry_after=_retry_after(args.retry_after),
            sync_rate_limit=args.sync_rate_limit,
            existing_leads=not args.no_existing_leads,
        )
    except (OSError, ValueError, KeyError) as exc:
        raise UsageError(f"cannot read the workspace file {args.workspace}: {exc}") from None
    try:
        server.start()
    except OSError as exc:
        raise UsageError(
            f"cannot listen on 127.0.0.1 port {args.port} ({exc.strerror or exc}); "
            "choose another with --port N, or --port 0 for any free port"
        ) from None
    _print_banner(server, args)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    print("sandbox stopped", file=sys.stderr)
    return 0


def _print_banner(server, args) -> None:
    async_tokens = server.async_tokens
    lines = [
        f"telecrm sandbox workspace \"{server.workspace.name}\" running (Ctrl-C to stop)",
        f"  base URL (Async API):  {server.base_url}",
        f"  Sync API root:         {server.sync_url}",
        f"  enterprise ID:         {server.enterprise_id}",
        f"  rate limit:            {args.rate_limit} requests per {args.window_seconds:g} s per token",
        "  Sync rate limit:       "
        + (f"{args.sync_rate_limit} requests per second" if args.sync_rate_limit else "none"),
        f"  existing leads:        {len(server.state.leads())} (try send --mode new, or overwrite rules)",
        "  tokens (sandbox only, not secrets):",
    ]
    lines += [f"    {t.label} ({t.type.lower()}): {t.value}" for t in server.workspace.tokens]
    lines += [
        f"  admin:                 {server.base_url}/_sandbox/state (faults: POST /_sandbox/faults)",
        "",
        "Try it:",
        f"  export TELECRM_ASYNC_TOKENS={','.join(t.value for t in async_tokens)}",
        f"  export TELECRM_SYNC_TOKEN={server.sync_token.value}",
        f"  telecrm-import send FILE --mapping MAP.json --enterprise {server.enterprise_id} "
        f"--base-url {server.base_url}",
    ]
    print("\n".join(lines), flush=True)
