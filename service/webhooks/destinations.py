"""Where a webhook may deliver: https (http only with WEBHOOK_ALLOW_HTTP), and, unless
WEBHOOK_ALLOW_PRIVATE, only to public addresses: never loopback, private, link-local,
multicast or reserved ones, IPv4 written as IPv6 included. Names are checked after DNS, at
creation and by the resolver every connection goes through (so a name that later points
inside is refused too)."""

import asyncio
import ipaddress
import socket

from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from service.domain.webhooks import UrlNotAllowed

# A resolver that does not answer in this long does not hold up a request any longer.
RESOLVE_SECONDS = 5.0


class AddressRefused(Exception):
    """A delivery's host is or resolves to an address that is not public."""

    def __init__(self, host: str, address: str) -> None:
        where = host if host == address else f"{host} ({address})"
        super().__init__(f"refused: {where} is not a public address")


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone (fe80::1%eth0) aside
    if isinstance(ip, ipaddress.IPv6Address):
        ip = ip.ipv4_mapped or ip.sixtofour or ip
    return ip.is_global and not ip.is_multicast


def literal_address(host: str) -> str | None:
    """The host as an IP address when it is one (aiohttp connects to those unresolved)."""
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


class GuardedResolver(AbstractResolver):
    """Resolves through `base`, and refuses a name any of whose addresses is not public."""

    def __init__(self, base: AbstractResolver, *, allow_private: bool) -> None:
        self._base = base
        self._allow_private = allow_private

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._base.resolve(host, port, family)
        if not self._allow_private:
            for result in results:
                if not is_public(result["host"]):
                    raise AddressRefused(host, result["host"])
        return results

    async def close(self) -> None:
        await self._base.close()


def refusal(url: str, *, allow_http: bool, allow_private: bool) -> str | None:
    """Why a URL may not be delivered to, judged without DNS; None when nothing is wrong."""
    parsed = URL(url)
    if parsed.scheme != "https" and not allow_http:
        return "must be an https:// URL (http:// needs WEBHOOK_ALLOW_HTTP=true)"
    address = literal_address(parsed.host or "")
    if address is not None and not allow_private and not is_public(address):
        return str(AddressRefused(address, address))
    return None


async def check_destination(
    url: str, *, allow_http: bool, allow_private: bool, resolver: AbstractResolver
) -> None:
    """At creation (and on a changed URL): UrlNotAllowed unless deliveries may go there now."""
    reason = refusal(url, allow_http=allow_http, allow_private=allow_private)
    host = URL(url).host or ""
    if reason is None and not allow_private and literal_address(host) is None:
        guarded = GuardedResolver(resolver, allow_private=False)
        try:
            async with asyncio.timeout(RESOLVE_SECONDS):
                await guarded.resolve(host, URL(url).port or 0, socket.AF_UNSPEC)
        except AddressRefused as refused:
            reason = str(refused)
        except (OSError, TimeoutError):
            reason = f"refused: {host} does not resolve"
    if reason is not None:
        raise UrlNotAllowed(f"url {reason}")
