#!/usr/bin/env bash
# Wraps the built bundle (dist/telecrm-desktop/, from `pyinstaller build.spec`) into
# dist/telecrm-desktop-<version>-linux-<arch>.tar.gz with a menu entry, the icon and install.sh.
# If `appimagetool` is on PATH it also writes dist/telecrm-desktop-<version>-<arch>.AppImage
# (neither Debian nor PyPI packages appimagetool, so this is skipped where it is missing).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
BUNDLE=dist/telecrm-desktop
[ -x "$BUNDLE/telecrm-desktop" ] || { echo "make-tarball: build the bundle first (make bundle)" >&2; exit 1; }

VERSION=$(sed -n 's/^version *= *"\(.*\)"/\1/p' pyproject.toml | head -n 1)
ARCH=$(uname -m)
NAME="telecrm-desktop-$VERSION-linux-$ARCH"
STAGE=build/tarball/$NAME
rm -rf "build/tarball"
mkdir -p "$STAGE"
cp -R "$BUNDLE"/. "$STAGE/"
cp packaging/linux/telecrm-desktop.desktop packaging/linux/install.sh "$STAGE/"
cp telecrm_desktop/assets/icons/telecrm-desktop-256.png "$STAGE/telecrm-desktop.png"
chmod +x "$STAGE/install.sh"
cat > "$STAGE/README.txt" <<TEXT
telecrm desktop importer $VERSION for Linux ($ARCH)

Run it in place:     ./telecrm-desktop          (command line: ./telecrm-import --help)
Install for you:     ./install.sh               (menu entry, ~/.local/bin; --uninstall removes it)
Tokens are kept in the desktop's Secret Service keyring (GNOME Keyring, KWallet, KeePassXC).
TEXT
tar -C build/tarball -czf "dist/$NAME.tar.gz" "$NAME"
echo "wrote dist/$NAME.tar.gz ($(du -h "dist/$NAME.tar.gz" | cut -f1))"

if command -v appimagetool >/dev/null 2>&1; then
  APPDIR=build/AppDir
  rm -rf "$APPDIR"
  mkdir -p "$APPDIR/usr/lib"
  cp -R "$BUNDLE" "$APPDIR/usr/lib/telecrm-desktop"
  cp packaging/linux/telecrm-desktop.desktop "$APPDIR/"
  cp telecrm_desktop/assets/icons/telecrm-desktop-256.png "$APPDIR/telecrm-desktop.png"
  cat > "$APPDIR/AppRun" <<'SH'
#!/bin/sh
# `telecrm-desktop.AppImage --cli ARGS` runs the command line; anything else opens the window
HERE=$(dirname "$(readlink -f "$0")")
if [ "${1:-}" = "--cli" ]; then shift; exec "$HERE/usr/lib/telecrm-desktop/telecrm-import" "$@"; fi
exec "$HERE/usr/lib/telecrm-desktop/telecrm-desktop" "$@"
SH
  chmod +x "$APPDIR/AppRun"
  ARCH=$ARCH appimagetool --no-appstream "$APPDIR" "dist/telecrm-desktop-$VERSION-$ARCH.AppImage"
else
  echo "make-tarball: appimagetool not found, no AppImage (the tarball is the Linux download)" >&2
fi
