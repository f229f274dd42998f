# The real Secret Service (gnome-keyring in a private D-Bus session) for keyring tests.
from tests.keyring_session import keyring_daemons, secret_service  # noqa: F401
