"""Every route of the assembled application, against the access policy its module declares.

How a domain takes part (see docs/development.md, "Authorization policies"):
- its `routes.py` / `pages.py` defines `ROUTE_POLICIES = {"GET /api/v1/things/{thing_id}": allow(Role.X, ...)}`
  with the helpers of `bridgeway.accounts.policy` (`public()`, `signed_in()`, `allow(...)`);
- a policy with `tenant=True` or `owner=True` also needs an example record: `tests/<domain>/authz.py` defines
  `EXAMPLES = {"GET /api/v1/things/{thing_id}": make}` where `make(session, owner) -> {path parameter: value}`
  creates a record belonging to `owner` (a user holding the route's first role; for tenant checks the record
  belongs to `owner.institution_id`). When the route also needs a body to get past validation, return
  `{"path": {...}, "json": {...}}` (or `"form": {...}`) instead of the bare path parameters.

Then, for each route: anonymous callers get 401 (API) or a redirect to /login (pages) unless the route is
public; each role the policy leaves out gets 403; each role it admits is not refused (nor crashes) on a
dummy request; a token without the declared scope gets 403; staff of another institution get 403/404 on a
tenant's record; another user gets 403/404 on an owner's record, while the owner gets through.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.orm import Session

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.deps import SESSION_COOKIE
from bridgeway.accounts.domain import Role, Scope
from bridgeway.accounts.models import Employer, Institution, User
from bridgeway.accounts.policy import RoutePolicy, merge, route_key
from bridgeway.config import Settings
from bridgeway.kit.http import get_db
from bridgeway.web.app import ROUTE_DOMAINS, create_app

# FastAPI's own documentation routes: public by design.
BUILTIN_PUBLIC = frozenset({"GET /openapi.json", "GET /docs", "GET /docs/oauth2-redirect", "GET /redoc"})
DUMMY_ID = "00000000-0000-0000-0000-000000000000"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
Example = Callable[[Session, User], dict[str, Any]]


def _route_modules() -> Iterator[Any]:
    yield importlib.import_module("bridgeway.web.pages")
    for domain in ROUTE_DOMAINS:
        for name in ("routes", "pages"):
            try:
                yield importlib.import_module(f"bridgeway.{domain}.{name}")
            except ModuleNotFoundError as exc:
                if exc.name != f"bridgeway.{domain}.{name}":
                    raise


def declared_policies() -> dict[str, RoutePolicy]:
    """Every ROUTE_POLICIES table of every routes and pages module, merged."""
    return merge(*(getattr(module, "ROUTE_POLICIES", {}) for module in _route_modules()))


def declared_examples() -> dict[str, Example]:
    """Every EXAMPLES table of tests/<domain>/authz.py, merged."""
    examples: dict[str, Example] = {}
    for domain in ("web", *ROUTE_DOMAINS):
        try:
            module = importlib.import_module(f"tests.{domain}.authz")
        except ModuleNotFoundError as exc:
            if exc.name != f"tests.{domain}.authz":
                raise
            continue
        examples.update(module.EXAMPLES)
    return examples


def _iter_routes(app: FastAPI) -> Iterator[Any]:
    try:  # FastAPI with lazily included routers
        from fastapi.routing import iter_route_contexts
    except ImportError:  # pragma: no cover - older FastAPI flattens included routers
        yield from app.routes
        return
    yield from iter_route_contexts(app.routes)


def app_routes(app: FastAPI) -> dict[str, Any]:
    """Every method and path the application serves, keyed like ROUTE_POLICIES (HEAD left out)."""
    routes: dict[str, Any] = {}
    for route in _iter_routes(app):
        for method in sorted(getattr(route, "methods", None) or ()):
            if method in METHODS:
                routes[route_key(method, route.path)] = route
    return routes


def _build_app() -> FastAPI:
    return create_app(Settings(environment="test", database_url="sqlite://"))


APP_ROUTES = app_routes(_build_app())
POLICIES = declared_policies()
CHECKED = sorted(k for k in APP_ROUTES if k not in BUILTIN_PUBLIC and k in POLICIES)


def test_every_route_of_the_application_declares_an_access_policy() -> None:
    missing = sorted(k for k in APP_ROUTES if k not in BUILTIN_PUBLIC and k not in POLICIES)
    assert not missing, (
        "these routes declare no access policy; add them to ROUTE_POLICIES in their routes.py/pages.py "
        "(see docs/development.md, 'Authorization policies'):\n  " + "\n  ".join(missing)
    )


def test_every_declared_policy_names_a_route_that_exists() -> None:
    stale = sorted(k for k in POLICIES if k not in APP_ROUTES)
    assert not stale, "ROUTE_POLICIES names routes the application does not serve:\n  " + "\n  ".join(stale)


def test_an_owner_or_tenant_policy_comes_with_an_example_record() -> None:
    examples = declared_examples()
    missing = sorted(k for k, p in POLICIES.items() if (p.tenant or p.owner) and k not in examples)
    assert not missing, (
        "these routes act on a tenant's or an owner's record but tests/<domain>/authz.py has no EXAMPLES entry "
        "to build one:\n  " + "\n  ".join(missing)
    )


def _required(route: Any) -> tuple[frozenset[Role] | None, Scope | None]:
    """Return the roles and scope of the first require() dependency of a route, if any."""
    stack = list(getattr(route, "dependant", None).dependencies if getattr(route, "dependant", None) else [])
    while stack:
        dep = stack.pop(0)
        roles = getattr(dep.call, "required_roles", None)
        if roles is not None:
            return roles, getattr(dep.call, "required_scope", None)
        stack.extend(dep.dependencies)
    return None, None


@pytest.mark.parametrize("key", CHECKED)
def test_the_declared_roles_and_scope_match_the_route_dependencies(key: str) -> None:
    roles, scope = _required(APP_ROUTES[key])
    policy = POLICIES[key]
    if roles is None:
        return  # checked by behaviour below (the route may test roles itself)
    assert not policy.public, f"{key} is declared public but requires a signed-in caller"
    assert roles == policy.roles, (
        f"{key}: require() admits {sorted(roles)}, the policy says {sorted(policy.roles)}"
    )
    if _is_api(key):
        assert scope == policy.scope, f"{key}: require() needs scope {scope}, the policy says {policy.scope}"


# --- Behaviour -----------------------------------------------------------------------------------------------


@dataclass
class World:
    """Two institutions and an employer, with one user per role in each institution."""

    session: Session
    client: TestClient
    institution: Institution
    other_institution: Institution
    employer: Employer
    other_employer: Employer
    users: dict[Role, User] = field(default_factory=dict)
    other_users: dict[Role, User] = field(default_factory=dict)
    _n: int = 0

    def user(self, role: Role, *, other: bool = False) -> User:
        """Return (creating once) the user holding only this role in one of the institutions."""
        table = self.other_users if other else self.users
        if role not in table:
            self._n += 1
            tag = "b" if other else "a"
            is_employer = role is Role.EMPLOYER
            table[role] = accounts_service.create_user(
                self.session,
                email=f"{role.value}.{tag}{self._n}@matrix.example",
                display_name=f"{role.value} {tag}",
                roles=[role],
                institution_id=None
                if is_employer
                else (self.other_institution if other else self.institution).id,
                employer_id=(self.other_employer if other else self.employer).id if is_employer else None,
            )
        return table[role]

    def fresh_user(self, role: Role, *, other: bool = False) -> User:
        """Return a new user holding only this role, besides the one user() returns."""
        first = self.user(role, other=other)
        self._n += 1
        return accounts_service.create_user(
            self.session,
            email=f"{role.value}.extra{self._n}@matrix.example",
            display_name=f"{role.value} extra",
            roles=[role],
            institution_id=first.institution_id,
            employer_id=first.employer_id,
        )

    def call(
        self,
        key: str,
        user: User | None,
        example: dict[str, Any] | None = None,
        scopes: list[Scope] | None = None,
    ) -> Response:
        """Call the route as the user (anonymous when None): a token for the API, a session for pages."""
        method, template = key.split(" ", 1)
        example = example or {}
        params = example["path"] if isinstance(example.get("path"), dict) else example
        path = re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: str(params.get(m.group(1), DUMMY_ID)), template)
        headers = {"accept": "application/json" if _is_api(key) else "text/html"}
        self.session.commit()  # a refused request rolls back to here, not past the world's records
        self.client.cookies.clear()
        if user is not None and _is_api(key):
            secret = accounts_service.create_api_token(self.session, user=user, scopes=scopes or list(Scope))
            headers["Authorization"] = f"Bearer {secret}"
        elif user is not None:
            token, web_session = accounts_service.start_web_session(
                self.session, user=user, max_age_seconds=3600
            )
            self.client.cookies.set(SESSION_COOKIE, token)
            headers["X-CSRF-Token"] = web_session.csrf_token
        return self.client.request(
            method,
            path,
            headers=headers,
            follow_redirects=False,
            json=example.get("json"),
            data=example.get("form"),
        )


def _is_api(key: str) -> bool:
    """Return True for JSON routes: those under /api/ and any route a domain's routes module defines."""
    module = getattr(APP_ROUTES[key].endpoint, "__module__", "") or ""
    return key.split(" ", 1)[1].startswith("/api/") or "routes" in module.split(".")


def _sent_to_login(response: Response) -> bool:
    location = response.headers.get("location", "")
    return response.status_code in (302, 303, 307) and location.startswith("/login")


def _refused(response: Response) -> bool:
    """Return True when the answer means 'who are you' or 'not you'."""
    return response.status_code in (401, 403) or _sent_to_login(response)


class _SessionHolder:
    session: Session | None = None


@pytest.fixture(scope="module")
def matrix_client(
    tmp_path_factory: pytest.TempPathFactory, database_url: str
) -> Iterator[tuple[TestClient, _SessionHolder]]:
    """One application for the whole module (building it per test would dominate the run time)."""
    holder = _SessionHolder()
    settings = Settings(
        environment="test",
        database_url=database_url,
        var_dir=tmp_path_factory.mktemp("matrix"),
        secret_key="matrix-secret-key-that-is-long-enough-0123456789",
        key_encryption_key="matrix-kek-that-is-long-enough-0123456789abcdef",
    )
    application = create_app(settings)

    def _test_db() -> Iterator[Session]:
        assert holder.session is not None
        try:
            yield holder.session
            holder.session.commit()
        except BaseException:
            holder.session.rollback()
            raise

    application.dependency_overrides[get_db] = _test_db
    with TestClient(application, raise_server_exceptions=False) as test_client:
        yield test_client, holder


@pytest.fixture
def world(session: Session, matrix_client: tuple[TestClient, _SessionHolder]) -> Iterator[World]:
    """Two institutions, two employers, users made on demand."""
    client, holder = matrix_client
    holder.session = session
    yield World(
        session=session,
        client=client,
        institution=accounts_service.create_institution(session, slug="matrix-a", name="Matrix A"),
        other_institution=accounts_service.create_institution(session, slug="matrix-b", name="Matrix B"),
        employer=accounts_service.create_employer(
            session, slug="matrix-employer-a", name="Matrix Employer A"
        ),
        other_employer=accounts_service.create_employer(
            session, slug="matrix-employer-b", name="Matrix Employer B"
        ),
    )
    holder.session = None


@pytest.mark.parametrize("key", CHECKED)
def test_anonymous_callers_are_refused_unless_the_route_is_public(key: str, world: World) -> None:
    response = world.call(key, None)
    if POLICIES[key].public:
        assert not _refused(response), response.text[:300]
        assert response.status_code < 500, response.text[:300]
    elif _is_api(key):
        assert response.status_code == 401, response.text[:300]
        assert response.json()["error"] in ("unauthenticated", "session_expired")
    else:
        assert _sent_to_login(response), f"{response.status_code}: {response.text[:300]}"


@pytest.mark.parametrize("key", CHECKED)
def test_each_role_is_admitted_or_refused_as_the_policy_declares(key: str, world: World) -> None:
    policy = POLICIES[key]
    for role in Role:
        response = world.call(key, world.user(role))
        if policy.admits({role}):
            assert not _refused(response), (
                f"{role.value} is admitted by the policy but got {response.status_code}: {response.text[:300]}"
            )
            assert response.status_code < 500, f"{role.value}: {response.text[:300]}"
        else:
            assert response.status_code == 403, (
                f"{role.value} is not admitted by the policy but got {response.status_code}: {response.text[:300]}"
            )


@pytest.mark.parametrize("key", [k for k in CHECKED if POLICIES[k].scope is not None and _is_api(k)])
def test_a_token_without_the_declared_scope_is_refused(key: str, world: World) -> None:
    policy = POLICIES[key]
    role = min(policy.roles) if policy.roles else Role.LEARNER
    other_scopes = [s for s in Scope if s != policy.scope]
    response = world.call(key, world.user(role), scopes=other_scopes)
    assert response.status_code == 403, response.text[:300]


def _first_role(policy: RoutePolicy) -> Role:
    return min(policy.roles) if policy.roles else Role.LEARNER


@pytest.mark.parametrize("key", [k for k in CHECKED if POLICIES[k].tenant])
def test_staff_of_another_institution_cannot_reach_a_tenants_record(key: str, world: World) -> None:
    role = _first_role(POLICIES[key])
    owner = world.user(role, other=True)
    params = declared_examples()[key](world.session, owner)
    outsider = world.call(key, world.user(role), params)
    assert outsider.status_code in (403, 404), f"{outsider.status_code}: {outsider.text[:300]}"
    insider = world.call(key, owner, params)
    assert insider.status_code not in (401, 403, 404), f"{insider.status_code}: {insider.text[:300]}"


@pytest.mark.parametrize("key", [k for k in CHECKED if POLICIES[k].owner])
def test_another_user_cannot_reach_an_owners_record(key: str, world: World) -> None:
    role = _first_role(POLICIES[key])
    owner = world.user(role, other=True)
    params = declared_examples()[key](world.session, owner)
    stranger = world.call(key, world.fresh_user(role, other=True), params)
    assert stranger.status_code in (403, 404), f"{stranger.status_code}: {stranger.text[:300]}"
    itself = world.call(key, owner, params)
    assert itself.status_code not in (401, 403, 404), f"{itself.status_code}: {itself.text[:300]}"
