"""telecrm-import schema pull: reads the workspace's schema through the Sync API into the data folder.

Also the two helpers `check` and `send` use: `schema_for_command` (the --schema file or the
enterprise's newest pulled schema, with its age said on standard error) and `require_fit` (exit 2
when the template names fields or actions the workspace lacks).

Exit status of `schema pull`: 0 saved; 1 the Sync API failed (network, server); 2 usage (no Sync
token, bad enterprise ID or URL); 3 the Sync token was refused.
"""

from __future__ import annotations

import sys

from telecrm_desktop.cli import EXIT_NO_TOKEN_LEFT, EXIT_OK, EXIT_ROWS_NEED_ATTENTION, UsageError
from telecrm_desktop.core import secrets
from telecrm_desktop.core.addresses import EnterpriseIdError, check_enterprise_id
from telecrm_desktop.core.workspace.schema import Schema
from telecrm_desktop.core.workspace.schema_io import (
    SchemaFileError,
    load_schema,
    newest_schema,
    pull_schema,
    save_schema,
    schema_age_text,
    schema_path,
    schema_summary,
)
from telecrm_desktop.core.workspace.schema_rules import check_mapping_against_schema
from telecrm_desktop.cli.api_roots import sync_root
from telecrm_desktop.core.endpoints import SYNC_URL_ENV
from telecrm_desktop.core.workspace.sync_client import DEFAULT_SYNC_URL, SyncClient, SyncError, SyncTokenRefused


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "schema",
        help="pull the workspace's fields, actions, pipeline and team through the Sync API",
        description=(
            "Read the workspace's schema with a Sync token and keep it in the data folder, so that "
            "check and send can validate against the real workspace."
        ),
    )
    parser.add_argument("action", choices=("pull",), help="pull: read the schema and save it")
    parser.add_argument("--enterprise", required=True, metavar="ID", help="the 24-character enterprise ID")
    parser.add_argument(
        "--sync-url", metavar="URL", default=None,
        help=f"the Sync API root (default: ${SYNC_URL_ENV}, else {DEFAULT_SYNC_URL})")
    parser.set_defaults(run=run)
    return parser


def run(args) -> int:
    try:
        enterprise = check_enterprise_id(args.enterprise)
        url = sync_root(args.sync_url)
        token = secrets.load_sync_token(enterprise)
    except (secrets.SecretsError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    if token is None:
        raise UsageError(
            f"no Sync token for enterprise {enterprise}: add one with `telecrm-import tokens add "
            f"--enterprise {enterprise} --sync`, or set {secrets.SYNC_TOKEN_ENV}"
        )
    print(f"Reading the schema of enterprise {enterprise} with the Sync token \"{token.label}\"...", file=sys.stderr)
    try:
        with SyncClient(url, enterprise, token) as client:
            schema = pull_schema(client)
    except SyncTokenRefused as exc:
        print(f"telecrm-import: {exc}", file=sys.stderr)
        return EXIT_NO_TOKEN_LEFT
    except SyncError as exc:
        print(f"telecrm-import: {exc}", file=sys.stderr)
        return EXIT_ROWS_NEED_ATTENTION
    try:
        path = save_schema(schema)
    except SchemaFileError as exc:
        raise UsageError(str(exc)) from None
    for warning in schema.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    name = f'"{schema.workspace_name}" ' if schema.workspace_name else ""
    print(f"Workspace {name}({enterprise}): {schema_summary(schema)}")
    print(f"saved to {path}")
    return EXIT_OK


# -- for check and send ------------------------------------------------------------------------


def schema_for_command(enterprise: str | None, schema_file: str | None, *, stream=None) -> Schema | None:
    """The schema `check`/`send` validate against: `--schema FILE`, else the enterprise's newest
    pulled one, else None. Says which one and how old on `stream` (standard error)."""
    stream = stream or sys.stderr
    try:
        if schema_file:
            schema, where = load_schema(schema_file), schema_file
        elif enterprise:
            enterprise = check_enterprise_id(enterprise)
            schema, where = newest_schema(enterprise), schema_path(enterprise)
        else:
            return None
    except (SchemaFileError, secrets.SecretsError, EnterpriseIdError) as exc:
        raise UsageError(str(exc)) from None
    if schema is None:
        print(f"No workspace schema pulled for {enterprise}: checking without it "
              f"(run `telecrm-import schema pull --enterprise {enterprise}` to check against the workspace).",
              file=stream)
        return None
    print(f"Using the workspace schema {schema_age_text(schema)} ({where}).", file=stream)
    for warning in schema.warnings:
        print(f"warning: {warning}", file=stream)
    return schema


def require_fit(mapping, schema: Schema, *, stream=None) -> None:
    """Prints the template's warnings; raises UsageError (exit 2) listing every target the
    workspace lacks, each with the nearest real name when there is one."""
    stream = stream or sys.stderr
    problems = check_mapping_against_schema(mapping, schema)
    for problem in problems:
        if not problem.is_error:
            print(f"warning: {problem.message}", file=stream)
    errors = [p.message for p in problems if p.is_error]
    if errors:
        listed = "\n  ".join(errors)
        raise UsageError(f"the template does not fit the workspace ({len(errors)} problem"
                         f"{'' if len(errors) == 1 else 's'}):\n  {listed}")
