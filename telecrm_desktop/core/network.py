"""How requests reach telecrm from an office network: which proxy, and which certificates to trust.

- Trust: the operating system's certificate store (the `truststore` package: Windows and macOS
  keychains, OpenSSL's store on Linux, with its usual environment overrides), so a
  company root certificate installed by IT (TLS inspection) is trusted as the browser trusts it.
  certifi's bundle is the fallback where truststore cannot load. A CA file from the Workspace
  settings (or TELECRM_CA_FILE) is trusted in addition. Verification is never switched off.
- Proxy: the one set in the Workspace settings (or TELECRM_PROXY) wins; otherwise HTTPS_PROXY /
  ALL_PROXY and NO_PROXY from the environment, then the operating system's settings (the Windows
  registry, macOS system configuration) as `urllib.request.getproxies()` reads them.
"""

from __future__ import annotations

import os
import ssl
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

PROXY_ENV = "TELECRM_PROXY"
CA_FILE_ENV = "TELECRM_CA_FILE"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


class NetworkSettingsError(ValueError):
    """A proxy address or CA file that cannot be used; `str()` is one sentence."""


@dataclass(frozen=True)
class NetworkSettings:
    proxy: str = ""  # "" : from the environment or the operating system
    ca_file: str = ""  # "" : the operating system's store only

    @classmethod
    def from_environment(cls) -> "NetworkSettings":
        """The command line's settings: TELECRM_PROXY and TELECRM_CA_FILE (HTTPS_PROXY is read later)."""
        return cls(os.environ.get(PROXY_ENV, "").strip(), os.environ.get(CA_FILE_ENV, "").strip())


def check_proxy(value: str) -> str:
    """A proxy address as http://host:port (a bare host:port gets http://); "" stays ""."""
    value = value.strip()
    if not value:
        return ""
    if "://" not in value:
        value = "http://" + value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise NetworkSettingsError(
            f"the proxy {value!r} is not an address like http://proxy.example.com:8080")
    try:
        parts.port
    except ValueError:
        raise NetworkSettingsError(f"the proxy {value!r} has a port that is not a number") from None
    return value


def proxy_for(url: str, settings: NetworkSettings | None = None) -> str | None:
    """The proxy to reach `url` through, or None for a direct connection."""
    settings = settings or NetworkSettings()
    if settings.proxy:
        return check_proxy(settings.proxy)
    host = urlsplit(url).hostname or ""
    found = urllib.request.getproxies()  # the environment, else the OS settings
    proxy = found.get(urlsplit(url).scheme) or found.get("all")
    if not proxy:
        return None
    try:
        bypass = urllib.request.proxy_bypass(host)  # NO_PROXY, or the OS's exception list
    except OSError:
        bypass = False
    return None if bypass else check_proxy(proxy)


def client_proxy(url: str, settings: NetworkSettings | None = None) -> str | None:
    """The proxy a client to `url` goes through: a proxy set explicitly applies everywhere; one from
    the environment or the operating system never to this computer's own sandbox."""
    host = urlsplit(url).hostname or ""
    if host in LOOPBACK_HOSTS and not (settings and settings.proxy):
        return None
    return proxy_for(url, settings)


def tls_context(settings: NetworkSettings | None = None) -> ssl.SSLContext:
    """A client context that verifies certificates and host names against the OS store (+ CA file)."""
    settings = settings or NetworkSettings()
    try:
        import truststore

        context: ssl.SSLContext = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    except (ImportError, OSError, ssl.SSLError):  # no truststore for this platform: certifi's list
        import certifi

        context = ssl.create_default_context(cafile=certifi.where())
        context.load_default_certs()
    if settings.ca_file:
        try:
            context.load_verify_locations(cafile=settings.ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise NetworkSettingsError(
                f"the certificate file {settings.ca_file} cannot be used ({getattr(exc, 'strerror', None) or exc}); "
                "it must be a PEM file of the company's root certificate") from None
    context.check_hostname = True
    context.verify_mode = ssl.CERT_REQUIRED
    return context
