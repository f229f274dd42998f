"""Which Sync API and token teach the app a workspace's schema: the sandbox's own, or the real
workspace's Sync token from the keyring. The pulling and caching are core.workspace.schema_io's."""

from __future__ import annotations


def sync_access(workspace):
    """(sync url, enterprise id, core Token) for the workspace; SecretsError when no Sync token."""
    from telecrm_desktop.core import secrets
    from telecrm_desktop.core.addresses import check_enterprise_id

    if workspace.use_sandbox:
        from telecrm_desktop.gui.bridge.sandbox_link import sandbox_server

        server = sandbox_server()
        token = server.sync_token
        return server.sync_url, server.enterprise_id, secrets.Token(token.label, secrets.SYNC, token.value)
    address = workspace.sync_address()
    if address.problem():  # a sentence, as on the Workspace step, not a traceback
        raise secrets.SecretsError(address.problem())
    enterprise = check_enterprise_id(workspace.enterprise_id)
    token = secrets.load_sync_token(enterprise)
    if token is None:
        raise secrets.SecretsError("add a Sync token on this step first")
    return address.url, enterprise, token


def cached_schema(workspace):
    """The schema pulled earlier for this workspace, or None."""
    from telecrm_desktop.core.workspace import schema_io

    if workspace.use_sandbox:
        from telecrm_desktop.gui.bridge.sandbox_link import _server

        if _server is None:
            return None
        return schema_io.newest_schema(_server.enterprise_id)
    if not workspace.enterprise_id:
        return None
    try:
        return schema_io.newest_schema(workspace.enterprise_id)
    except Exception:  # noqa: BLE001 - an unreadable cache is as good as none: pull again
        return None
