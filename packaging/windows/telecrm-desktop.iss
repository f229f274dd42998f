; Inno Setup 6 script: dist\telecrm-desktop-<version>-windows-x64-setup.exe from the bundle that
; `pyinstaller build.spec` left in dist\telecrm-desktop\. Build both with packaging\windows\build.ps1,
; or by hand:  iscc packaging\windows\telecrm-desktop.iss
; Installs per user by default (no administrator rights needed; the dialog offers all users).
; Silent: setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART [/ALLUSERS] [/DIR=...]

#ifndef BundleDir
  ; where `pyinstaller build.spec` left the bundle; build-under-wine.sh passes /DBundleDir=...
  #define BundleDir AddBackslash(SourcePath) + "..\..\dist\telecrm-desktop"
#endif
#ifndef AppVersion
  ; the version resource build.spec wrote from pyproject.toml, e.g. "0.1.0.0"
  #define AppVersion GetVersionNumbersString(BundleDir + "\telecrm-desktop.exe")
#endif
#define AppName "telecrm desktop importer"
#define AppExe "telecrm-desktop.exe"
; the file type "Open with" offers for .xlsx and .csv (tests/windows and check_install.py name it too)
#define ProgId "telecrm-desktop.sheet"

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
; /ALLUSERS or /CURRENTUSER on the command line (silent installs), or the dialog
PrivilegesRequiredOverridesAllowed=commandline dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=telecrm-desktop-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\telecrm_desktop\assets\icons\telecrm-desktop.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; an open window holds its DLLs: ask to close it before replacing files
CloseApplications=yes
; the "Open with" entries below: Explorer re-reads associations after install and uninstall
ChangesAssociations=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; an upgrade replaces the whole bundle: stale DLLs of an older Qt must not linger
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; "Open with" for workbooks and CSV files, without taking over the default program (Excel stays
; the default). Explorer starts the app with the file's full path as its only argument; the
; quotes keep a path with spaces whole. HKA: per user or all users, as installed.
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "Lead sheet"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\.xlsx\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.csv\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue
; the program's own entry, which "Open with > Choose another app" lists
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#AppName}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".xlsx"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".csv"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; The data folder (%LOCALAPPDATA%\telecrm-desktop: journal, settings, logs) and the tokens in
; Windows Credential Manager are kept on uninstall, so a reinstall resumes where it was.
