"""telecrm-import tokens add|list|remove: the API tokens kept in the OS keyring.

The token value is never accepted as an argument (it would stay in the shell history): `add`
asks for it without echoing on a terminal, or reads it from standard input otherwise.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from telecrm_desktop.cli import UsageError
from telecrm_desktop.core import secrets
from telecrm_desktop.core.addresses import EnterpriseIdError, check_enterprise_id


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "tokens",
        help="add, list or remove the API tokens stored in the OS keyring",
        description=(
            "Store telecrm API tokens in the operating system's keyring, by enterprise and label. "
            "'add' asks for the token without showing it, or reads it from standard input."
        ),
    )
    parser.add_argument(
        "action", choices=("add", "list", "remove"),
        help="add (asks for the token), list (labels and last 4 characters), remove (--label)")
    # Catches a token typed after the action, to refuse it without echoing it back.
    parser.add_argument("stray", nargs="*", help=argparse.SUPPRESS)
    parser.add_argument(
        "--enterprise", required=True, metavar="ID", help="the 24-character enterprise ID")
    parser.add_argument(
        "--label", metavar="NAME", help="the token's name (default: token-1, token-2...)")
    parser.add_argument("--sync", action="store_true", help="a Sync token (default: Async)")
    parser.set_defaults(run=run)
    return parser


def run(args) -> int:
    if args.stray:
        raise UsageError(
            "never type a token on the command line (it stays in your shell history): run "
            "`telecrm-import tokens add --enterprise ID` and paste it when asked, or pipe it in"
        )
    try:
        return {"add": _add, "list": _list, "remove": _remove}[args.action](args)
    except (secrets.SecretsError, EnterpriseIdError) as exc:
        raise UsageError(str(exc)) from None


def _read_value(kind_name: str, enterprise: str) -> str:
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(f"{kind_name} token for enterprise {enterprise} (not shown): ")
    if sys.stdin is None:
        raise UsageError("no token given: paste it when asked, or pipe it in on standard input")
    return sys.stdin.read()


def _add(args) -> int:
    kind = secrets.SYNC if args.sync else secrets.ASYNC
    enterprise = check_enterprise_id(args.enterprise)
    label = secrets.check_label(args.label) if args.label else secrets.next_label(enterprise, kind)
    value = secrets.check_token_value(_read_value(secrets.KIND_NAMES[kind], enterprise))
    warning = secrets.token_shape_warning(value)
    if warning:
        print(f"telecrm-import: warning: {warning}", file=sys.stderr)
    token = secrets.store_token(enterprise, label, value, kind)
    print(
        f"Stored {secrets.KIND_NAMES[kind]} token '{token.label}' ({token.masked}) for enterprise "
        f"{enterprise} in {secrets.keyring_name()}."
    )
    return 0


def _list(args) -> int:
    enterprise = check_enterprise_id(args.enterprise)
    tokens = secrets.list_tokens(enterprise)
    if not tokens:
        print(
            f"No tokens stored for enterprise {enterprise}; add one with "
            f"`telecrm-import tokens add --enterprise {enterprise}`."
        )
    else:
        width = max(len("LABEL"), *(len(t.label) for t in tokens))
        print(f"{'LABEL':<{width}}  KIND   ENDS WITH")
        for token in tokens:
            print(f"{token.label:<{width}}  {secrets.KIND_NAMES[token.kind]:<5}  {token.masked}")
    if os.environ.get(secrets.ASYNC_TOKENS_ENV, "").strip():
        print(f"Note: {secrets.ASYNC_TOKENS_ENV} is set, so `send` uses those tokens instead.")
    return 0


def _remove(args) -> int:
    if not args.label:
        raise UsageError("say which token to remove with --label NAME (see `tokens list`)")
    enterprise = check_enterprise_id(args.enterprise)
    secrets.remove_token(enterprise, args.label)
    print(f"Removed token '{args.label.strip()}' of enterprise {enterprise} from the keyring.")
    return 0
