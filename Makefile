# Packaging shortcuts. `make dist` builds the Linux bundle (dist/telecrm-desktop/) and its tarball.
# On Windows and macOS run `pyinstaller --noconfirm --clean build.spec` instead (see docs/install.md).

PYTHON ?= $(if $(wildcard .venv/bin/python),.venv/bin/python,python3)

.PHONY: dist bundle tarball check-bundle icons clean

dist: bundle tarball

bundle:
	$(PYTHON) -m PyInstaller --noconfirm --clean --log-level WARN build.spec

tarball:
	bash packaging/linux/make-tarball.sh

# build, then start the bundle offscreen and drive its command line against the sandbox
check-bundle:
	bash scripts/check-bundle.sh

# redraw resources/icons/* (needs the build extra: pip install -e ".[build]")
icons:
	$(PYTHON) resources/icons/make_icons.py

clean:
	rm -rf build dist
