; Inno Setup 6 script: dist\telecrm-desktop-<version>-windows-x64-setup.exe from the bundle that
; `pyinstaller build.spec` left in dist\telecrm-desktop\. Build both with packaging\windows\build.ps1,
; or by hand:  iscc packaging\windows\telecrm-desktop.iss
; Installs per user by default (no administrator rights needed; the dialog offers all users).

#ifndef AppVersion
  ; the version resource build.spec wrote from pyproject.toml, e.g. "0.1.0.0"
  #define AppVersion GetVersionNumbersString(AddBackslash(SourcePath) + "..\..\dist\telecrm-desktop\telecrm-desktop.exe")
#endif
#define AppName "telecrm desktop importer"
#define AppExe "telecrm-desktop.exe"

[Setup]
; the AppId identifies the product for upgrades and uninstall: never change it
AppId={{CC07D324-5A5A-4500-83BE-E12B82C0C5C4}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=telecrm desktop importer
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=telecrm-desktop-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\resources\icons\telecrm-desktop.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; an open window holds its DLLs: ask to close it before replacing files
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; an upgrade replaces the whole bundle: stale DLLs of an older Qt must not linger
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "..\..\dist\telecrm-desktop\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; The data folder (%LOCALAPPDATA%\telecrm-desktop: journal, settings, logs) and the tokens in
; Windows Credential Manager are kept on uninstall, so a reinstall resumes where it was.
