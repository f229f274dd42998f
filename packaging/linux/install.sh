#!/usr/bin/env sh
# Installs telecrm desktop importer for the current user: the program folder goes to
# ~/.local/opt/telecrm-desktop, `telecrm-desktop` and `telecrm-import` to ~/.local/bin, and a
# menu entry with its icon to ~/.local/share. No root needed. Run it from the unpacked tarball.
#   PREFIX=/opt/telecrm-desktop BIN_DIR=/usr/local/bin DATA_DIR=/usr/share sudo -E ./install.sh
# installs for every user instead. ./install.sh --uninstall removes what it installed.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
PREFIX=${PREFIX:-$HOME/.local/opt/telecrm-desktop}
BIN_DIR=${BIN_DIR:-$HOME/.local/bin}
DATA_DIR=${DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}}
SIZES="16 24 32 48 64 128 256 512"

if [ "${1:-}" = "--uninstall" ]; then
  rm -rf "$PREFIX"
  rm -f "$BIN_DIR/telecrm-desktop" "$BIN_DIR/telecrm-import" "$DATA_DIR/applications/telecrm-desktop.desktop"
  for size in $SIZES; do rm -f "$DATA_DIR/icons/hicolor/${size}x${size}/apps/telecrm-desktop.png"; done
  rm -f "$DATA_DIR/icons/hicolor/scalable/apps/telecrm-desktop.svg"
  echo "telecrm desktop importer removed (your data folder and keyring entries are kept)."
  exit 0
fi

[ -x "$HERE/telecrm-desktop" ] || { echo "install.sh: run me from the unpacked telecrm-desktop folder" >&2; exit 1; }
mkdir -p "$PREFIX" "$BIN_DIR" "$DATA_DIR/applications"
rm -rf "$PREFIX/_internal"
cp -R "$HERE/_internal" "$HERE/telecrm-desktop" "$HERE/telecrm-import" "$PREFIX/"
ln -sf "$PREFIX/telecrm-desktop" "$BIN_DIR/telecrm-desktop"
ln -sf "$PREFIX/telecrm-import" "$BIN_DIR/telecrm-import"

ICONS="$PREFIX/_internal/telecrm_desktop/assets/icons"
for size in $SIZES; do
  mkdir -p "$DATA_DIR/icons/hicolor/${size}x${size}/apps"
  cp "$ICONS/telecrm-desktop-$size.png" "$DATA_DIR/icons/hicolor/${size}x${size}/apps/telecrm-desktop.png"
done
mkdir -p "$DATA_DIR/icons/hicolor/scalable/apps"
cp "$ICONS/telecrm-desktop.svg" "$DATA_DIR/icons/hicolor/scalable/apps/telecrm-desktop.svg"
# the menu entry runs the installed program by its full path: ~/.local/bin may not be on PATH
sed -e "s|^Exec=telecrm-desktop|Exec=$PREFIX/telecrm-desktop|" -e "s|^TryExec=.*|TryExec=$PREFIX/telecrm-desktop|" \
  "$HERE/telecrm-desktop.desktop" > "$DATA_DIR/applications/telecrm-desktop.desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$DATA_DIR/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$DATA_DIR/icons/hicolor" || true

echo "Installed in $PREFIX. Start it from the applications menu, or run: $BIN_DIR/telecrm-desktop"
case ":$PATH:" in *":$BIN_DIR:"*) ;; *) echo "Note: $BIN_DIR is not on your PATH; add it to run telecrm-import by name." ;; esac
