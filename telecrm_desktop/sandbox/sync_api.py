"""The Sync API endpoints (telecrm-api.md section 5), answered from the workspace and the stored leads.

The token was checked by the server. Paging: `skip` >= 0 (default 0) and `limit` (default 10;
team-members 1..10, lead/search 1..100); anything else is a 400 in the Sync error envelope.
lead/search matches each listed field against any of its values (phones and e-mails normalised
as the identifier is), all listed fields together; unknown fields match nothing.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from .replies import Reply, bad_request, error
from .values import Dropped, identifier_key, normalise_phone

if TYPE_CHECKING:
    from .server import SandboxServer


def _reply(status, body):
    return Reply(status, body)


def _paging(query: dict, max_limit: int):
    try:
        skip = int(query.get("skip", 0))
        limit = int(query.get("limit", 10))
    except ValueError:
        return None, None, bad_request("skip and limit must be whole numbers")
    if skip < 0:
        return None, None, bad_request("skip must be 0 or more")
    if not 1 <= limit <= max_limit:
        return None, None, bad_request(f"limit must be between 1 and {max_limit}")
    return skip, limit, None


def answer(server: "SandboxServer", method: str, path: str, query: dict, body: bytes):
    ws = server.workspace
    resource = path.split("/", 3)[3] if path.count("/") >= 3 else ""
    detail = query.get("detail", "").lower() == "true"
    routes = {
        ("GET", "metadata"): lambda: _reply(200, ws.metadata_answer()),
        ("GET", "custom-fields"): lambda: _reply(200, ws.custom_fields_answer(detail)),
        ("GET", "custom-actions"): lambda: _reply(200, ws.custom_actions_answer(detail)),
        ("GET", "lead-stage-pipeline"): lambda: _reply(200, ws.pipeline_answer()),
        ("GET", "team-members"): lambda: _team_members(server, query),
        ("POST", "lead/search"): lambda: _lead_search(server, query, body),
    }
    route = routes.get((method, resource))
    if route is None:
        if any(r == resource for _, r in routes):
            return error(405, "METHOD_NOT_ALLOWED", f"{method} is not allowed on {resource}.")
        return error(404, "NOT_FOUND", f"No endpoint {method} {path}.")
    with server.state.lock:  # dropdown options and leads change under the worker
        return route()


def _team_members(server, query):
    skip, limit, problem = _paging(query, 10)
    return problem or _reply(200, server.workspace.team_members_answer(skip, limit))


def _search_key(type_name: str, value, ws):
    if type_name == "PHONE":
        return normalise_phone(value, ws)
    if isinstance(value, str):
        return value.strip().lower()
    return value


def _lead_search(server, query, body):
    skip, limit, problem = _paging(query, 100)
    if problem:
        return problem
    try:
        wanted = json.loads(body or b"{}").get("fields")
    except (ValueError, AttributeError):
        wanted = None
    if not isinstance(wanted, dict) or not all(isinstance(v, list) for v in wanted.values()):
        return bad_request('the body must be {"fields": {"<apiName>": [values...]}}')
    ws = server.workspace
    if list(wanted) == [ws.identifier_field]:
        found = _by_identifier(server, wanted[ws.identifier_field])
        return _reply(200, {"data": found[skip : skip + limit], "total_count": len(found)})
    wanted_keys = {}
    for name, values in wanted.items():
        type_name = ws.fields.get(name, {}).get("type", "")
        keys = set()
        for value in values:
            try:
                keys.add(json.dumps(_search_key(type_name, value, ws)))
            except Dropped:
                continue
        wanted_keys[name] = (type_name, keys)
    found = []
    for lead in server.state.store.leads.values():
        if all(
            name in lead.fields and json.dumps(_search_key(type_name, lead.fields[name], ws)) in keys
            for name, (type_name, keys) in wanted_keys.items()
        ):
            found.append({"id": lead.id, "fields": json.loads(json.dumps(lead.fields))})
    return _reply(200, {"data": found[skip : skip + limit], "total_count": len(found)})


def _by_identifier(server, values: list) -> list[dict]:
    """A search on the identifier field alone: each value matched as telecrm matches identifiers, by
    key (a 100,000-lead workspace answers without reading every lead)."""
    found, seen = [], set()
    for value in values:
        try:
            key = identifier_key(value, server.workspace)
        except Dropped:
            continue
        lead = server.state.store.leads.get(key)
        if lead is not None and key not in seen:
            seen.add(key)
            found.append({"id": lead.id, "fields": json.loads(json.dumps(lead.fields))})
    return found
