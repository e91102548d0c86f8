"""Authentication and scopes (AUTH_MODE=api_key or jwt): every route that declares a scope
needs a bearer credential that carries it. Probes, the document and the docs pages stay open."""

import contextlib

from aiohttp import hdrs, web
from aiohttp.typedefs import Handler

from service.api.appkeys import AUTHENTICATOR, DATA, PRINCIPAL
from service.auth.access import PUBLIC, accepts_query_token, route_scopes
from service.domain.errors import DatabaseUnavailable, MissingScope, NoCaller, Unauthorized
from service.domain.people import ANYONE, Viewer

QUERY_CREDENTIAL = "access_token"
MAX_TOKEN_LENGTH = 8192  # JWTs with many claims run to a few KB; nothing legitimate is longer


def _credential(request: web.Request) -> str:
    header = request.headers.get(hdrs.AUTHORIZATION)
    if header is not None:
        scheme, _, token = header.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("Authorization must be 'Bearer <token>'", invalid=True)
        return token
    if accepts_query_token(request.match_info.handler):
        token = request.query.get(QUERY_CREDENTIAL, "").strip()
        if token:
            return token
    raise Unauthorized("A bearer token is required (Authorization: Bearer <token>)", invalid=False)


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    # Preflights and requests no route matched (404, 405) carry no credential to check.
    if request.method == hdrs.METH_OPTIONS or request.match_info.http_exception is not None:
        return await handler(request)
    scopes = route_scopes(request.match_info.route)
    if scopes == (PUBLIC,):
        return await handler(request)
    token = _credential(request)
    principal = None
    if len(token) <= MAX_TOKEN_LENGTH and token.isascii():
        principal = await request.app[AUTHENTICATOR].principal(token)
    if principal is None:
        raise Unauthorized("The token is malformed, unknown, revoked or expired", invalid=True)
    if principal.scopes.isdisjoint(scopes):
        raise MissingScope(scopes)
    request[PRINCIPAL] = principal
    # Users are recorded the first time they are seen; a database that only reads just now
    # (a failover) does not fail a request over it: the next one records the user.
    with contextlib.suppress(DatabaseUnavailable):
        await request.app[DATA].users.record(principal.user, principal.display_name)
    return await handler(request)


def viewer(request: web.Request) -> Viewer:
    """Who the data layer serves: nobody in particular when authentication is off."""
    principal = request.get(PRINCIPAL)
    if principal is None:
        return ANYONE
    return Viewer(user=principal.user, admin="admin" in principal.scopes)


def caller(request: web.Request) -> str:
    """The caller's user id, for routes about the caller (/me); NoCaller without
    authentication."""
    principal = request.get(PRINCIPAL)
    if principal is None:
        raise NoCaller()
    return str(principal.user)
