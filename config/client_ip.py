"""The address of the client that sent a request, as sign-in throttling (django-axes) keys it.

Behind a TLS proxy every request arrives from the proxy's address, so throttling by REMOTE_ADDR would lock out
everyone at once. The client's own address is read from X-Forwarded-For, but only when the request comes from a
proxy listed in `settings.FORWARDED_ALLOW_IPS` (the environment variable gunicorn reads for the same purpose):
anyone else could write any address into that header.

X-Forwarded-For is read from the right: each trusted proxy appends the address it received the request from, so
the right-most address that is not a trusted proxy is the client's; whatever lies to its left the client wrote.
`*` trusts whoever connects, for one hop only: the right-most address, the one that proxy appended, is the
client's. An entry that is not an IP address ends the walk at the last trusted hop.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def trusted_networks(allowed: tuple[str, ...]) -> tuple[IPNetwork, ...] | None:
    """The networks of FORWARDED_ALLOW_IPS (addresses or CIDR ranges); None for `*` (trust every peer)."""
    if "*" in allowed:
        return None
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in allowed)


def parse_address(value: str) -> IPAddress | None:
    """An address as a proxy may write it: `203.0.113.5`, `203.0.113.5:4711`, `2001:db8::1` or `[2001:db8::1]:443`."""
    value = value.strip()
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_trusted(address: IPAddress, networks: tuple[IPNetwork, ...]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_ip_address(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the client's address, from X-Forwarded-For only through a trusted proxy."""
    peer = parse_address(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return None
    allowed = getattr(settings, "FORWARDED_ALLOW_IPS", ["127.0.0.1"])
    networks = trusted_networks(tuple(allowed))
    if networks is not None and not _is_trusted(peer, networks):
        return str(peer)
    forwarded = [entry for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    if networks is None:
        last = parse_address(forwarded[-1]) if forwarded else None
        return str(last or peer)
    client = peer
    for entry in reversed(forwarded):
        address = parse_address(entry)
        if address is None:
            break
        client = address
        if not _is_trusted(address, networks):
            break
    return str(client)
