"""The real client address behind the reverse proxies this installation trusts.

Behind a proxy every request comes from the proxy's address, so throttles and logs keyed on it
would treat all users as one. Werkzeug's ProxyFix reads the address the proxy forwards
(`X-Forwarded-For`, and the scheme from `X-Forwarded-Proto`), but only for a request whose
direct peer is one of `TRUSTED_PROXIES`: a client talking to the service directly cannot
choose its address by sending the header itself.
"""

from __future__ import annotations

import ipaddress
import logging

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

log = logging.getLogger(__name__)
FORWARDED = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
             "HTTP_X_FORWARDED_PORT", "HTTP_X_FORWARDED_PREFIX", "HTTP_FORWARDED")


def networks(setting) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """`TRUSTED_PROXIES`: addresses or networks, comma-separated (or a list)."""
    items = setting.split(",") if isinstance(setting, str) else list(setting or ())
    return tuple(ipaddress.ip_network(item.strip(), strict=False)
                 for item in items if str(item).strip())


class TrustedProxies:
    """WSGI middleware: ProxyFix for requests from a trusted proxy; for any other request the
    forwarded headers are removed, so that nothing downstream can be misled by them."""

    def __init__(self, app, trusted, hops: int = 1):
        self.app = app
        self.trusted = trusted
        self.fixed = ProxyFix(app, x_for=hops, x_proto=hops)

    def _from_proxy(self, peer: str | None) -> bool:
        try:
            address = ipaddress.ip_address(peer or "")
        except ValueError:
            return False
        return any(address in network for network in self.trusted)

    def __call__(self, environ, start_response):
        if self.trusted and self._from_proxy(environ.get("REMOTE_ADDR")):
            return self.fixed(environ, start_response)
        for header in FORWARDED:
            environ.pop(header, None)
        return self.app(environ, start_response)


def install(app: Flask) -> None:
    trusted = networks(app.config.get("TRUSTED_PROXIES", ""))
    # Flask documents wrapping wsgi_app in a middleware; its typing declares it a plain method.
    app.wsgi_app = TrustedProxies(  # type: ignore[method-assign]
        app.wsgi_app, trusted, int(app.config.get("PROXY_HOPS", 1)))
    if trusted:
        log.info("client addresses taken from X-Forwarded-For of %s",
                 ", ".join(map(str, trusted)))
