"""One module per step of the import (and the token dialog)."""
