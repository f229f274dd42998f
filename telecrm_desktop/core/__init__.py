"""The core: everything the command line and the app share, one folder per pipeline stage; no Qt."""
