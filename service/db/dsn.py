"""Connection strings: the forms asyncpg and yoyo want, masking for logs, and lists of URLs.

URLs may name several hosts in libpq's form (`postgresql://u@h1:5432,h2:5432/db?
target_session_attrs=read-write`), which URL parsers such as yarl reject, so they are handled
as text here: only the scheme and the password are ever touched.
"""

import re

_SCHEMES = ("postgresql", "postgres")
# scheme://[user[:password]@]hosts[/db][?query]; userinfo ends at the last "@" before the path.
_URL = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*)://(?P<rest>.*)", re.IGNORECASE | re.DOTALL)
_USERINFO = re.compile(r"^(?P<user>[^:/?#@]*):(?P<password>[^/?#]+)@")
# A comma that starts another URL, as opposed to one between the hosts of a multi-host URL.
_NEXT_URL = re.compile(r",\s*(?=[a-z][a-z0-9+.-]*://)", re.IGNORECASE)


class DatabaseUrlError(ValueError):
    """A URL that is not a PostgreSQL connection string."""


def _split(database_url: str) -> tuple[str, str]:
    match = _URL.fullmatch(database_url.strip())
    if match is None or match["scheme"].lower().split("+", 1)[0] not in _SCHEMES:
        # Accept "postgresql+psycopg://" and friends too: the driver suffix is ours to choose.
        raise DatabaseUrlError("must start with postgresql://")
    return match["scheme"], match["rest"]


def asyncpg_dsn(database_url: str) -> str:
    """asyncpg takes libpq URLs, several hosts included."""
    return "postgresql://" + _split(database_url)[1]


def yoyo_url(database_url: str) -> str:
    """yoyo needs a synchronous driver; psycopg 3 is the one installed."""
    return "postgresql+psycopg://" + _split(database_url)[1]


def _authority(rest: str) -> tuple[str, str, str]:
    """(userinfo with its "@", the hosts, what follows: path and query)."""
    end = re.search(r"[/?#]", rest)
    authority, tail = (rest[: end.start()], rest[end.start() :]) if end else (rest, "")
    userinfo, _, host_list = authority.rpartition("@")
    return (userinfo + "@" if userinfo else ""), host_list, tail


def is_multi_host(database_url: str) -> bool:
    return "," in _authority(_split(database_url)[1])[1]


def with_single_host(database_url: str, host: str, port: int) -> str:
    """The same URL naming one host, e.g. the one a multi-host URL led to."""
    scheme, rest = _split(database_url)
    userinfo, _, tail = _authority(rest)
    return f"{scheme}://{userinfo}{host}:{port}{tail}"


def masked(database_url: str) -> str:
    """The URL with its password hidden, for logs and messages."""
    scheme, rest = _split(database_url)
    return f"{scheme}://" + _USERINFO.sub(r"\g<user>:***@", rest, count=1)


def split_urls(value: str) -> list[str]:
    """A comma-separated list of URLs, each of which may itself name several hosts."""
    return [url.strip() for url in _NEXT_URL.split(value) if url.strip()]
