# One command on a Windows CI runner (Python 3.11 and Inno Setup 6 installed):
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
# Builds dist\telecrm-desktop\ with PyInstaller, starts it offscreen, then the installer .exe.
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")
python -m pip install --disable-pip-version-check -q -e ".[build]"
python -m PyInstaller --noconfirm --clean --log-level WARN build.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }
$env:QT_QPA_PLATFORM = "offscreen"
$selfTest = Start-Process -FilePath "dist\telecrm-desktop\telecrm-desktop.exe" -ArgumentList "--self-test" -Wait -PassThru -NoNewWindow
if ($selfTest.ExitCode -ne 0) { throw "the bundle's --self-test failed ($($selfTest.ExitCode))" }
Remove-Item Env:QT_QPA_PLATFORM
$iscc = (Get-Command iscc -ErrorAction SilentlyContinue).Source
if (-not $iscc) { $iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
& $iscc "packaging\windows\telecrm-desktop.iss"
if ($LASTEXITCODE -ne 0) { throw "Inno Setup failed" }
Get-ChildItem dist\*-setup.exe
