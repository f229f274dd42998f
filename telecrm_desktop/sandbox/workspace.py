"""The sandbox's workspace: fields, actions, pipeline, team and tokens, read from a definition file.

The file (`workspace.json` beside this module, format `telecrm-sandbox-workspace/1`) holds each
thing once, in the Sync API's detailed form; the Sync answers (plain and `?detail=true`) are cut
from it here. The workspace is mutable only where telecrm's is: a dropdown label that is not an
option becomes a new option.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path

DEFAULT_WORKSPACE_FILE = Path(__file__).with_name("workspace.json")

ASYNC, SYNC = "ASYNC", "SYNC"


@dataclass(frozen=True)
class SandboxToken:
    label: str
    type: str  # ASYNC or SYNC
    value: str  # not a secret: the sandbox's tokens are printed for testers


class Workspace:
    def __init__(self, definition: dict):
        self.definition = copy.deepcopy(definition)
        enterprise = self.definition["enterprise"]
        self.enterprise_id: str = enterprise["id"]
        self.name: str = enterprise["name"]
        self.identifier_field: str = enterprise.get("leadIdentifierFieldId", "phone")
        self.country_code: str = str(enterprise.get("countryCode", "91"))
        self.national_number_length: int = int(enterprise.get("nationalNumberLength", 10))
        self.timezone: str = enterprise.get("timezone", "Asia/Kolkata")
        self.date_format: str = enterprise.get("dateFormat", "DD/MM/YYYY")
        self.tokens = [SandboxToken(t["label"], t["type"].upper(), t["value"]) for t in self.definition["tokens"]]
        self.fields: dict[str, dict] = {f["apiName"]: f for f in self.definition["customFields"]}
        self.actions: dict[str, dict] = {a["code"]: a for a in self.definition["customActions"]}
        pipeline = self.definition["pipeline"]
        stages = pipeline["leadStages"]
        self.active_statuses = {s["label"] for stage in stages for s in stage.get("activeStatuses", [])}
        self.archived_statuses = {s["label"] for stage in stages for s in stage.get("archivedStatuses", [])}
        self.lost_reasons = {r["reasonLabel"] for r in pipeline.get("activeLeadLostReasons", [])}
        self.members: list[dict] = self.definition["teamMembers"]
        self.active_member_emails = {
            m["email"].strip().lower(): m["email"] for m in self.members if m.get("status") == "Active"
        }

    # -- tokens ---------------------------------------------------------------------------
    def tokens_of(self, type_: str) -> list[SandboxToken]:
        return [t for t in self.tokens if t.type == type_]

    # -- the workspace changing itself --------------------------------------------------
    def dropdown_options(self, api_name: str) -> list[str]:
        return [o["label"] for o in self.fields[api_name].get("options", [])]

    def add_dropdown_option(self, api_name: str, label: str) -> None:
        options = self.fields[api_name].setdefault("options", [])
        options.append({"id": f"{len(options) + 1:024x}", "label": label})

    def action_allows_backdating(self, code: str) -> bool:
        return bool(self.actions[code].get("allowPredatedActivity", {}).get("enabled"))

    # -- Sync API answers (telecrm-api.md section 5) -----------------------------------
    def metadata_answer(self) -> dict:
        return {
            "name": self.name,
            "id": self.enterprise_id,
            "leadIdentifierFieldId": self.identifier_field,
            "countryCode": self.country_code,
            "timezone": self.timezone,
            "dateFormat": self.date_format,
        }

    def custom_fields_answer(self, detail: bool) -> dict:
        answer = []
        for f in self.fields.values():
            item = {
                "type": f["type"],
                "apiName": f["apiName"],
                "displayName": f.get("displayName", f["apiName"]),
                "isLeadid": bool(f.get("isLeadid")),
                "lockAfterCreate": bool(f.get("lockAfterCreate")),
            }
            if detail:
                item = {"id": f["id"], **item, "description": f.get("description", "")}
            if "options" in f:
                item["options"] = copy.deepcopy(f["options"]) if detail else [o["label"] for o in f["options"]]
            answer.append(item)
        return {"customFields": answer}

    def custom_actions_answer(self, detail: bool) -> dict:
        answer = []
        for a in self.actions.values():
            item = {k: a[k] for k in ("code", "displayName", "score", "source")}
            if detail:
                item["fieldSchema"] = copy.deepcopy(a.get("fieldSchema", {}))
                item["allowPredatedActivity"] = copy.deepcopy(a.get("allowPredatedActivity", {"enabled": False}))
            answer.append(item)
        return {"customActions": answer}

    def pipeline_answer(self) -> dict:
        return copy.deepcopy(self.definition["pipeline"])

    def team_members_answer(self, skip: int, limit: int) -> dict:
        page = copy.deepcopy(self.members[skip : skip + limit])
        return {"data": page, "total_count": len(self.members), "skip": skip, "limit": limit}


def load_workspace(path: str | Path | None = None) -> Workspace:
    """The workspace in `path`, or the bundled sandbox workspace."""
    file = Path(path) if path is not None else DEFAULT_WORKSPACE_FILE
    with open(file, encoding="utf-8") as handle:
        return Workspace(json.load(handle))
