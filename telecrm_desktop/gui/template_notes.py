"""What the template itself does to every lead, as the workspace's schema sees it: the same
checks the command line prints as warnings (core.workspace.schema_rules.check_mapping_against_schema), for
the Review step, where a constant that is not a dropdown option would otherwise go unseen."""

from __future__ import annotations


def every_lead_warnings(mapping, schema) -> list[str]:
    """Sentences for the template's warnings that touch every lead (constants); [] without a schema."""
    if mapping is None or schema is None:
        return []
    from telecrm_desktop.core.workspace.schema_rules import check_mapping_against_schema

    try:
        problems = check_mapping_against_schema(mapping, schema)
    except Exception:  # noqa: BLE001 - the Map step already says why a template does not fit
        return []
    return [p.message for p in problems if p.source == "the constant"]
