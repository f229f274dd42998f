"""telecrm desktop importer: Excel and CSV leads into telecrm."""

from importlib.metadata import PackageNotFoundError, version as _version

try:
    # pyproject.toml's version, through the installed metadata (build.spec copies it into bundles)
    __version__ = _version("telecrm-desktop")
except PackageNotFoundError:  # a source tree that was never installed: "0+unknown", not a guess
    __version__ = "0+unknown"
