"""Replaces PyInstaller's QtNetwork hook, which adds Qt's TLS backends, its copies of OpenSSL and
the network-information plugins.

The app uses QtNetwork for one thing, QLocalServer (one window per data folder,
gui/single_instance.py): a local socket, no TLS. HTTPS goes through Python's own ssl module.
"""

from pathlib import PurePath

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [(source, destination) for source, destination in binaries
            if "plugins" not in PurePath(destination.replace("\\", "/")).parts]
