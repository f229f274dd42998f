#!/usr/bin/env bash
# One command on a macOS CI runner (Python 3.11 from python.org or Homebrew):
#   bash packaging/macos/build.sh
# Builds dist/telecrm-desktop.app with PyInstaller (the BUNDLE section of build.spec), starts it
# offscreen, and wraps it in dist/telecrm-desktop-<version>-macos-<arch>.dmg.
# Signing and notarising need the team's Developer ID: set CODESIGN_IDENTITY to sign the app.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-python3}
"$PYTHON" -m pip install --disable-pip-version-check -q -e ".[build]"
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN build.spec
APP=dist/telecrm-desktop.app
QT_QPA_PLATFORM=offscreen "$APP/Contents/MacOS/telecrm-desktop" --self-test
"$APP/Contents/MacOS/telecrm-import" --version
if [ -n "${CODESIGN_IDENTITY:-}" ]; then
  codesign --force --deep --options runtime --timestamp --sign "$CODESIGN_IDENTITY" "$APP"
fi
VERSION=$(sed -n 's/^version *= *"\(.*\)"/\1/p' pyproject.toml | head -n 1)
DMG="dist/telecrm-desktop-$VERSION-macos-$(uname -m).dmg"
STAGE=build/dmg
rm -rf "$STAGE" && mkdir -p "$STAGE"
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"  # drag the app onto it to install
hdiutil create -volname "telecrm desktop importer" -srcfolder "$STAGE" -ov -format UDZO "$DMG"
echo "wrote $DMG"
