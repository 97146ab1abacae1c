"""Route access policies: who may call each route, declared beside the routes and checked by one test.

Every `routes.py` and `pages.py` module that defines a router also defines
`ROUTE_POLICIES: dict[str, RoutePolicy]` keyed by `"METHOD /path"` exactly as the route is served
(`"GET /api/v1/tokens"`, `"POST /admin/users/{user_id}"`). `tests/test_authorization_matrix.py` walks every
route of the assembled application and fails for a route without a policy, for a policy without a route, and
for any route whose behaviour differs from its policy (anonymous, wrong role, wrong scope, wrong tenant, another
learner's record). No FastAPI here: the policy is plain data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bridgeway.accounts.domain import Role, Scope


@dataclass(frozen=True)
class RoutePolicy:
    """Who may call one route.

    - `public`: anyone, signed in or not.
    - `roles`: the roles admitted (empty: any signed-in user).
    - `scope`: the API token scope the route needs (browser sessions carry every scope).
    - `tenant`: the route acts on one institution's record: staff of another institution get 403 or 404.
    - `owner`: the route acts on one learner's record: another learner gets 403 or 404.
    """

    public: bool = False
    roles: frozenset[Role] = frozenset()
    scope: Scope | None = None
    tenant: bool = False
    owner: bool = False

    def admits(self, roles: Iterable[Role]) -> bool:
        """Return True when a caller holding these roles passes the role check."""
        return self.public or not self.roles or bool(self.roles.intersection(roles))


def public() -> RoutePolicy:
    """Anyone may call the route (sign-in page, public catalogue, verification)."""
    return RoutePolicy(public=True)


def signed_in(*, scope: Scope | None = None, owner: bool = False) -> RoutePolicy:
    """Any signed-in user may call the route."""
    return RoutePolicy(scope=scope, owner=owner)


def allow(*roles: Role, scope: Scope | None = None, tenant: bool = False, owner: bool = False) -> RoutePolicy:
    """Only callers holding one of the roles may call the route."""
    if not roles:
        raise ValueError("allow() needs at least one role; use signed_in() for any signed-in user")
    return RoutePolicy(roles=frozenset(roles), scope=scope, tenant=tenant, owner=owner)


def route_key(method: str, path: str) -> str:
    """Return the key a route has in ROUTE_POLICIES."""
    return f"{method.upper()} {path}"


def merge(*tables: Mapping[str, RoutePolicy]) -> dict[str, RoutePolicy]:
    """Merge several modules' policies, refusing a route declared twice."""
    merged: dict[str, RoutePolicy] = {}
    for table in tables:
        for key, policy in table.items():
            if key in merged:
                raise ValueError(f"route policy declared twice: {key}")
            merged[key] = policy
    return merged
