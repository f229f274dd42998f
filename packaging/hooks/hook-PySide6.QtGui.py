"""Replaces PyInstaller's QtGui hook, which collects every plugin of QtGui's categories.

The filter must happen here, before PyInstaller follows each plugin's library dependencies:
the gtk3 platform theme alone drags GTK, cairo, pango and atk of the build machine into the
bundle, and the eglfs plugins bring the embedded-device libraries.
"""

from pathlib import PurePath

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

# category -> plugin file stems to keep; None keeps the whole category; a category not listed is
# dropped. png is built into QtGui; svg and ico need their plugins.
KEEP = {
    "platforms": {
        # Linux: X11, Wayland, offscreen (CI and --self-test), minimal
        "libqxcb", "libqwayland", "libqwayland-egl", "libqwayland-generic", "libqoffscreen",
        "libqminimal",
        "qwindows", "qoffscreen", "qminimal", "qdirect2d",  # Windows
        "libqcocoa", "libqoffscreen", "libqminimal",  # macOS
    },
    "platforms/darwin": None,
    "imageformats": {"libqsvg", "libqico", "qsvg", "qico"},
    "iconengines": {"libqsvgicon", "qsvgicon"},
    # native file dialogs through the desktop portal; gtk3 would bundle the build machine's GTK
    "platformthemes": {"libqxdgdesktopportal"},
    # typing with compose keys and IBus input methods (Indic keyboards); not the virtual keyboard
    "platforminputcontexts": {"libcomposeplatforminputcontextplugin", "libibusplatforminputcontextplugin"},
    "xcbglintegrations": None,
    "wayland-decoration-client": None,
    "wayland-graphics-integration-client": None,
    "wayland-shell-integration": None,
    "accessiblebridge": None,
    # dropped: egldeviceintegrations (embedded eglfs), generic (evdev/tuio touch input for kiosks)
}



def keep_plugin(source: str, destination: str) -> bool:
    parts = PurePath(destination.replace("\\", "/")).parts
    if "plugins" not in parts:
        return True
    category = "/".join(parts[parts.index("plugins") + 1 :])
    if category not in KEEP:
        return False
    keep = KEEP[category]
    return keep is None or PurePath(source).name.split(".")[0] in keep


hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [(source, destination) for source, destination in binaries if keep_plugin(source, destination)]
