"""telecrm-import schema pull against the sandbox, and the helpers check and send call."""

from __future__ import annotations

import json

import pytest

from telecrm_desktop.cli import UsageError, main
from telecrm_desktop.cli.schema import require_fit, schema_for_command
from telecrm_desktop.core import secrets
from telecrm_desktop.core.template.mapping import parse_mapping
from telecrm_desktop.core.workspace.schema_io import load_schema, save_schema


def pull(sandbox, *extra):
    return main(["schema", "pull", "--enterprise", sandbox.enterprise_id, *extra])


def test_pull_with_the_env_token_saves_and_summarises(sandbox, monkeypatch, capsys, data_home):
    monkeypatch.setenv("TELECRM_SYNC_TOKEN", sandbox.sync_token.value)
    assert pull(sandbox, "--sync-url", sandbox.sync_url) == 0
    out, err = capsys.readouterr()
    path = data_home / "schemas" / f"{sandbox.enterprise_id}.json"
    assert out.splitlines() == [
        f'Workspace "Sunrise Homes (sandbox)" ({sandbox.enterprise_id}): 20 fields, 4 actions, 8 statuses '
        "(4 archived), 5 lost reasons, 21 active members; identifier: phone",
        f"saved to {path}",
    ]
    assert load_schema(path).fields["city"].type == "text"
    assert sandbox.sync_token.value not in out + err + path.read_text(encoding="utf-8")


def test_sync_url_from_the_environment(sandbox, monkeypatch, capsys):
    monkeypatch.setenv("TELECRM_SYNC_TOKEN", sandbox.sync_token.value)
    monkeypatch.setenv("TELECRM_SYNC_URL", sandbox.sync_url)
    assert pull(sandbox) == 0


def test_a_refused_token_exits_3_without_showing_it(sandbox, monkeypatch, capsys, data_home):
    value = sandbox.async_tokens[0].value
    monkeypatch.setenv("TELECRM_SYNC_TOKEN", value)
    assert pull(sandbox, "--sync-url", sandbox.sync_url) == 3
    out, err = capsys.readouterr()
    assert 'telecrm refused the Sync token "env-sync-1" (401' in err
    assert value not in out + err and value[-4:] not in out + err
    assert not (data_home / "schemas").exists() or not list((data_home / "schemas").iterdir())


def test_unreachable_server_exits_1(sandbox, monkeypatch, capsys):
    monkeypatch.setenv("TELECRM_SYNC_TOKEN", sandbox.sync_token.value)
    assert pull(sandbox, "--sync-url", "http://127.0.0.1:9/autoupdate/v2") == 1
    assert "could not reach telecrm's Sync API" in capsys.readouterr().err


@pytest.mark.parametrize("args, words", [
    (["--enterprise", "nope", "--sync-url", "http://127.0.0.1:1"], "enterprise ID must be"),
    (["--enterprise", "9d2f64c4d3f07515bed076de", "--sync-url", "http://telecrm.example"], "is not encrypted"),
])
def test_usage_errors_exit_2(args, words, monkeypatch, capsys):
    monkeypatch.setenv("TELECRM_SYNC_TOKEN", "x" * 20)
    assert main(["schema", "pull", *args]) == 2
    assert words in capsys.readouterr().err


@pytest.mark.keyring
def test_keyring_sync_token_and_none(sandbox, secret_service, capsys):
    assert pull(sandbox, "--sync-url", sandbox.sync_url) == 2
    err = capsys.readouterr().err
    assert f"no Sync token for enterprise {sandbox.enterprise_id}" in err and "--sync" in err
    secrets.store_token(sandbox.enterprise_id, "sync-1", sandbox.sync_token.value, kind=secrets.SYNC)
    try:
        assert pull(sandbox, "--sync-url", sandbox.sync_url) == 0
        assert 'with the Sync token "sync-1"' in capsys.readouterr().err
    finally:
        secrets.remove_token(sandbox.enterprise_id, "sync-1")


def test_schema_for_command(sandbox, monkeypatch, capsys, tmp_path, client):
    from telecrm_desktop.core.workspace.schema_io import pull_schema

    assert schema_for_command(None, None) is None
    assert schema_for_command(sandbox.enterprise_id, None) is None
    assert "No workspace schema pulled" in capsys.readouterr().err
    schema = pull_schema(client)
    save_schema(schema)
    assert schema_for_command(sandbox.enterprise_id, None) == schema
    assert "Using the workspace schema pulled just now (" in capsys.readouterr().err
    file = save_schema(schema, tmp_path / "saved.json")
    assert schema_for_command(None, str(file)) == schema
    with pytest.raises(UsageError, match="does not exist"):
        schema_for_command(None, str(tmp_path / "missing.json"))


def test_require_fit(client, capsys):
    from telecrm_desktop.core.workspace.schema_io import pull_schema

    schema = pull_schema(client)
    fitting = parse_mapping({"format": "telecrm-mapping/1", "columns": {
        "Mobile": {"to": "fields.phone"}, "When": {"to": "actions.ACTION_1002.created_on"}}})
    require_fit(fitting, schema)
    assert "warning: " in capsys.readouterr().err
    broken = parse_mapping({"format": "telecrm-mapping/1", "columns": {
        "Mobile": {"to": "fields.phone"}, "Town": {"to": "fields.City"}, "X": {"to": "actions.1001.note"}}})
    with pytest.raises(UsageError) as caught:
        require_fit(broken, schema)
    text = str(caught.value)
    assert text.startswith("the template does not fit the workspace (2 problems):")
    assert 'did you mean "city"' in text and "did you mean ACTION_1001" in text
    assert main  # the dispatcher turns UsageError into exit 2 (tested in tests/cli)
