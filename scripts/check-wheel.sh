#!/usr/bin/env bash
# Installs the project as a user would from the package index: a wheel built from this tree,
# installed (not editable) into a fresh virtual environment, then started away from the source
# tree: `telecrm-desktop --self-test` offscreen and `telecrm-import check` on the sample the wheel
# ships. Proves the icons, sample sheet and template travel inside the wheel. Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PYTHON=${PYTHON:-python3}
say() { printf 'check-wheel: %s\n' "$*" >&2; }
fail() { say "FAILED: $*"; exit 1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

say "building the wheel"
# from a copy of the files git knows (committed or not, ignored ones left out): setuptools leaves
# build/ behind in the tree it builds, and a stale build/lib would slip old files into the wheel
SOURCE=$ROOT
if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  SOURCE=$WORK/source
  mkdir -p "$SOURCE"
  git -C "$ROOT" ls-files -z --cached --others --exclude-standard \
    | tar -C "$ROOT" --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -C "$SOURCE" -xf -
fi
"$PYTHON" -m pip wheel -q --disable-pip-version-check --no-deps --wheel-dir "$WORK/wheels" "$SOURCE" > "$WORK/wheel.log" 2>&1 \
  || { cat "$WORK/wheel.log" >&2; fail "could not build the wheel"; }
WHEEL=$(ls "$WORK"/wheels/telecrm_desktop-*.whl)
for member in assets/samples/leads-sample.csv assets/samples/leads-sample.mapping.json assets/icons/telecrm-desktop.svg \
  assets/icons/telecrm-desktop-256.png sandbox/workspace.json; do
  unzip -l "$WHEEL" "telecrm_desktop/$member" > /dev/null || fail "the wheel lacks telecrm_desktop/$member"
done

say "installing $(basename "$WHEEL") into a fresh virtual environment"
"$PYTHON" -m venv "$WORK/venv" || fail "$PYTHON -m venv failed (Debian: apt-get install python3-venv)"
"$WORK/venv/bin/python" -m pip install -q --disable-pip-version-check "$WHEEL" > "$WORK/install.log" 2>&1 \
  || { cat "$WORK/install.log" >&2; fail "pip install of the wheel failed"; }

# away from the tree, so nothing is imported from it by accident
cd "$WORK"
export TELECRM_DESKTOP_HOME=$WORK/home QT_QPA_PLATFORM=offscreen
unset PYTHONPATH
installed=$("$WORK/venv/bin/python" -c 'import telecrm_desktop; print(telecrm_desktop.__file__)')
case "$installed" in "$WORK/venv/"*) ;; *) fail "telecrm_desktop was imported from $installed, not from the virtual environment";; esac

say "telecrm-desktop --self-test"
"$WORK/venv/bin/telecrm-desktop" --self-test > "$WORK/self-test.log" 2>&1 \
  || { cat "$WORK/self-test.log" >&2; fail "telecrm-desktop --self-test failed in the installed wheel"; }
tail -n 1 "$WORK/self-test.log" >&2

say "telecrm-import check on the sample the wheel ships"
read -r sample template < <("$WORK/venv/bin/python" -c 'from telecrm_desktop import assets; print(assets.sample_sheet(), assets.sample_template())')
case "$sample" in "$WORK/venv/"*) ;; *) fail "the sample sheet is not inside the installed package: $sample";; esac
status=0
"$WORK/venv/bin/telecrm-import" check "$sample" --mapping "$template" --report "$WORK/check.csv" > "$WORK/check.log" 2>&1 || status=$?
[ "$status" -le 1 ] || { cat "$WORK/check.log" >&2; fail "telecrm-import check exited $status"; }
ready=$(grep -c ',ready,' "$WORK/check.csv" || true)
[ "$ready" -gt 0 ] || fail "check found no row ready in the sample"
say "OK: the installed wheel passes its self-test; check on the sample: $ready rows ready"
