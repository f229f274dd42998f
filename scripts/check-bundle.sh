#!/usr/bin/env bash
# Builds the installer bundle from this tree and proves it works on this machine:
#   1. PyInstaller builds dist/telecrm-desktop/ (build.spec) and the Linux tarball;
#   2. both programs report pyproject's version, and no Qt library the bundle needs is missing;
#   3. `telecrm-desktop --self-test` walks the sandbox flow offscreen and exits 0;
#   4. the bundled `telecrm-import` checks and sends the sample sheet to its own sandbox, and
#      stores a token in a private Secret Service (GNOME Keyring) when one can be started.
# Ends with the bundle size, the build time and the cold start time. Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'check-bundle: %s\n' "$*" >&2; }
fail() { say "FAILED: $*"; exit 1; }
now() { date +%s.%N; }
seconds_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

# --no-build: check the bundle already in dist/ (after `make dist`), skipping setup and build
BUILD=yes
[ "${1:-}" = "--no-build" ] && BUILD=no

[ "$BUILD" = no ] || bash scripts/bootstrap.sh
# PyInstaller reads and strips Linux binaries with binutils (objdump, strip)
if [ "$BUILD" = yes ] && ! command -v objdump >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends binutils >/dev/null \
    || { "${sudo_cmd[@]}" apt-get update -qq || true; DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends binutils >/dev/null; }
fi
PY=.venv/bin/python
[ -x "$PY" ] || PY=python3  # --no-build after a `make dist` with the system's Python
WORK=$(mktemp -d)
SANDBOX_PID=
cleanup() {
  if [ -n "$SANDBOX_PID" ]; then kill "$SANDBOX_PID" 2>/dev/null || true; wait "$SANDBOX_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
build_seconds="(not built)"
if [ "$BUILD" = yes ]; then
  "$PY" -m pip install -q --disable-pip-version-check -e ".[build]" > "$WORK/pip.log" 2>&1 \
    || { cat "$WORK/pip.log" >&2; fail "could not install the build extra (PyInstaller)"; }
  say "building the bundle"
  build_start=$(now)
  "$PY" -m PyInstaller --noconfirm --clean --log-level WARN build.spec
  build_seconds="$(seconds_since "$build_start") s"
  bash packaging/linux/make-tarball.sh
fi

BUNDLE=dist/telecrm-desktop
APP=$BUNDLE/telecrm-desktop
CLI=$BUNDLE/telecrm-import
[ -x "$APP" ] && [ -x "$CLI" ] || fail "the build did not produce $APP and $CLI"

# the bundle's journal, settings and logs go under $WORK, never into the user's data folder
export TELECRM_DESKTOP_HOME=$WORK/home
export QT_QPA_PLATFORM=offscreen

say "versions"
version=$(sed -n 's/^version *= *"\(.*\)"/\1/p' pyproject.toml | head -n 1)
"$APP" --version | grep -qF "$version" || fail "telecrm-desktop --version does not say $version"
"$CLI" --version | grep -qF "$version" || fail "telecrm-import --version does not say $version"

say "libraries"
# A Qt library missing from the bundle means build.spec trimmed too much. Other libraries that
# this machine lacks (say, Wayland's) come from the user's system, so they are only listed.
missing=$(find "$BUNDLE/_internal" -name '*.so*' -type f -print0 \
  | LD_LIBRARY_PATH="$BUNDLE/_internal" xargs -0 -n 20 ldd 2>/dev/null | awk '/not found/ { print $1 }' | sort -u)
if [ -n "$missing" ]; then
  say "not in the bundle, taken from the system when needed: $(echo $missing)"
  if grep -q '^libQt6' <<<"$missing"; then fail "Qt libraries missing from the bundle: $(grep '^libQt6' <<<"$missing" | tr '\n' ' ')"; fi
fi

say "start-up time"
# --startup-probe ends the process as soon as the first window is painted (packaging/launchers).
# The first run after dropping the page cache (when this user may) is the cold start.
sync; { echo 3 > /proc/sys/vm/drop_caches; } 2>/dev/null || true
start=$(now)
"$APP" --startup-probe || fail "telecrm-desktop --startup-probe failed"
cold_start=$(seconds_since "$start")
start=$(now)
"$APP" --startup-probe
warm_start=$(seconds_since "$start")

say "self-test, offscreen"
start=$(now)
self_test_status=0
TELECRM_DESKTOP_HOME=$WORK/self-test-home "$APP" --self-test > "$WORK/self-test.log" 2>&1 || self_test_status=$?
if [ "$self_test_status" -ne 0 ]; then cat "$WORK/self-test.log" >&2; fail "telecrm-desktop --self-test exited $self_test_status"; fi
self_test_seconds=$(seconds_since "$start")
tail -n 5 "$WORK/self-test.log" >&2

say "phone numbers of five countries (phonenumbers' per-country metadata, loaded on demand)"
cat > "$WORK/world.csv" <<'CSV'
Name,Phone
London office,+44 20 7946 0958
California office,+1 650 253 0000
Sydney office,+61 2 9374 4000
Berlin office,+49 30 901820
Singapore office,+65 6221 1234
Too short,+44 20 7946
CSV
echo '{"format": "telecrm-mapping/1", "identifier": "phone", "country": "IN", "columns": {"Name": {"to": "fields.name"}, "Phone": {"to": "fields.phone", "type": "phone"}}}' > "$WORK/world.mapping.json"
TELECRM_DESKTOP_HOME=$WORK/phones-home "$CLI" check "$WORK/world.csv" --mapping "$WORK/world.mapping.json" \
  --report "$WORK/world-report.csv" >/dev/null 2>&1 || true
expected='2,442079460958,ready 3,16502530000,ready 4,61293744000,ready 5,4930901820,ready 6,6562211234,ready 7,,invalid'
got=$(tail -n +2 "$WORK/world-report.csv" | tr -d '\r' \
  | awk -F, '{ printf "%s%s,%s,%s", (NR > 1 ? " " : ""), $1, ($3 == "ready" ? $2 : ""), $3 }')
[ "$got" = "$expected" ] || fail "phone numbers read wrongly in the bundle: got '$got', expected '$expected'"

say "command line against the sandbox"
# a data folder of its own: the self-test's journal would make every lead `unchanged`
export TELECRM_DESKTOP_HOME=$WORK/cli-home
SAMPLE=$(ls telecrm_desktop/assets/samples/*.csv telecrm_desktop/assets/samples/*.xlsx 2>/dev/null | head -n 1 || true)
MAPPING=$(ls telecrm_desktop/assets/samples/*.mapping.json 2>/dev/null | head -n 1 || true)
[ -n "$SAMPLE" ] && [ -n "$MAPPING" ] || fail "no sample sheet and mapping in telecrm_desktop/assets/samples/"
port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$CLI" sandbox --port "$port" > "$WORK/sandbox.log" 2>&1 &
SANDBOX_PID=$!
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  kill -0 "$SANDBOX_PID" 2>/dev/null || { cat "$WORK/sandbox.log" >&2; fail "the sandbox stopped"; }
  sleep 0.1
done
# the sandbox workspace's enterprise and first Async token, from the definition the bundle ships
read -r enterprise token sync_token < <("$PY" - "$BUNDLE/_internal/telecrm_desktop/sandbox/workspace.json" <<'PY'
import json, sys
workspace = json.load(open(sys.argv[1], encoding="utf-8"))
first = {kind: next(t["value"] for t in workspace["tokens"] if t["type"] == kind) for kind in ("ASYNC", "SYNC")}
print(workspace["enterprise"]["id"], first["ASYNC"], first["SYNC"])
PY
)
# the workspace schema through the Sync API, so check and send hold the template against it
TELECRM_SYNC_TOKEN=$sync_token "$CLI" schema pull --enterprise "$enterprise" \
  --sync-url "http://127.0.0.1:$port/autoupdate/v2" || fail "telecrm-import schema pull from the sandbox failed"
check_status=0
"$CLI" check "$SAMPLE" --mapping "$MAPPING" --enterprise "$enterprise" --report "$WORK/check.csv" || check_status=$?
[ "$check_status" -le 1 ] || fail "telecrm-import check exited $check_status"
ready=$(grep -c ',ready,' "$WORK/check.csv" || true)
[ "$ready" -gt 0 ] || fail "check found no row ready to send in $SAMPLE"
if [[ "$SAMPLE" == *.csv ]]; then
  # the same rows as a workbook: the bundled python-calamine must read it
  "$PY" - "$SAMPLE" "$WORK/sample.xlsx" <<'PY'
import csv, sys
import openpyxl
raw = open(sys.argv[1], "rb").read()
try:
    text = raw.decode("utf-8-sig")
except UnicodeDecodeError:
    text = raw.decode("cp1252")
workbook = openpyxl.Workbook()
for row in csv.reader(text.splitlines()):
    workbook.active.append(row)
workbook.save(sys.argv[2])
PY
  xlsx_status=0
  "$CLI" check "$WORK/sample.xlsx" --mapping "$MAPPING" --enterprise "$enterprise" --report "$WORK/check-xlsx.csv" || xlsx_status=$?
  [ "$xlsx_status" -le 1 ] || fail "telecrm-import check of the sample as .xlsx exited $xlsx_status"
  grep -q ',ready,' "$WORK/check-xlsx.csv" || fail "check found no row ready to send in the sample as .xlsx"
fi
send_status=0
TELECRM_ASYNC_TOKENS=$token "$CLI" send "$SAMPLE" --mapping "$MAPPING" --enterprise "$enterprise" \
  --base-url "http://127.0.0.1:$port" --report "$WORK/send.csv" || send_status=$?
[ "$send_status" -le 1 ] || fail "telecrm-import send exited $send_status"
queued=$(grep -c ',queued,' "$WORK/send.csv" || true)
[ "$queued" -eq "$ready" ] || fail "check said $ready rows are ready, send queued $queued"
kill "$SANDBOX_PID"; wait "$SANDBOX_PID" 2>/dev/null || true; SANDBOX_PID=

if command -v dbus-run-session >/dev/null 2>&1 && command -v gnome-keyring-daemon >/dev/null 2>&1; then
  say "tokens in a Secret Service (a private GNOME Keyring), through the bundled keyring backends"
  keyring_root=$WORK/keyring
  mkdir -p -m 700 "$keyring_root" "$keyring_root/run" "$keyring_root/data" "$keyring_root/config" "$keyring_root/home"
  keyring_status=0
  XDG_RUNTIME_DIR=$keyring_root/run XDG_DATA_HOME=$keyring_root/data XDG_CONFIG_HOME=$keyring_root/config \
  HOME=$keyring_root/home dbus-run-session -- bash -c '
    set -e
    printf %s check-bundle-keyring | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
    daemon=$!
    trap "kill $daemon 2>/dev/null || true" EXIT
    for _ in $(seq 1 40); do "$0" tokens list --enterprise "$1" >/dev/null 2>&1 && break; sleep 0.25; done
    printf %s 00000000-0000-0000-0000-000000000000check-bundle:not-a-real-token-7e57 | "$0" tokens add --enterprise "$1" --label bundle-check
    "$0" tokens list --enterprise "$1"
    "$0" tokens remove --enterprise "$1" --label bundle-check
  ' "$CLI" "$enterprise" > "$WORK/tokens.log" 2>&1 || keyring_status=$?
  if [ "$keyring_status" -ne 0 ] || ! grep -q "bundle-check" "$WORK/tokens.log" || ! grep -q "7e57" "$WORK/tokens.log"; then
    cat "$WORK/tokens.log" >&2; fail "the bundled telecrm-import could not store a token in the Secret Service"
  fi
  if grep -q "not-a-real-token" "$WORK/tokens.log"; then fail "telecrm-import tokens printed a token value"; fi
fi

size_mb=$(du -sm "$BUNDLE" | cut -f1)
say "OK: bundle ${size_mb} MB, tarball $(du -m dist/telecrm-desktop-*.tar.gz | cut -f1 | head -n 1) MB, build ${build_seconds}, self-test ${self_test_seconds} s, start to first window ${cold_start} s cold, ${warm_start} s warm; sandbox: ${ready} ready, ${queued} queued"
