"""telecrm desktop importer: Excel and CSV leads into telecrm."""

from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("telecrm-desktop")
except PackageNotFoundError:  # running from a source tree or a frozen bundle without metadata
    __version__ = "0.1.0"
