# Packaging shortcuts. `make dist` builds the Linux bundle (dist/telecrm-desktop/) and its tarball.
# On Windows and macOS run `pyinstaller --noconfirm --clean build.spec` instead (see docs/install.md).
# `make dist-windows` builds the Windows bundle and installer on Debian, under Wine (as root).

PYTHON ?= $(if $(wildcard .venv/bin/python),.venv/bin/python,python3)

.PHONY: dist bundle tarball check-bundle check-wheel dist-windows icons clean

dist: bundle tarball

bundle:
	$(PYTHON) -m PyInstaller --noconfirm --clean --log-level WARN build.spec

tarball:
	bash packaging/linux/make-tarball.sh

# build, then start the bundle offscreen and drive its command line against the sandbox
check-bundle:
	bash scripts/check-bundle.sh

# a wheel installed into a fresh virtual environment, started away from the source tree
check-wheel:
	bash scripts/check-wheel.sh

# Windows: dist/windows/telecrm-desktop/ and its Inno Setup installer, built, installed, started
# and uninstalled under Wine (installs Wine first; run as root; about 10 minutes the first time)
dist-windows:
	bash packaging/windows/build-under-wine.sh

# redraw telecrm_desktop/assets/icons/* (needs the build extra: pip install -e ".[build]")
icons:
	$(PYTHON) resources/icons/make_icons.py

clean:
	rm -rf build dist
