"""Account commands: institution, employer, user and token create (and token revoke, session purge)."""

from __future__ import annotations

import re

import typer

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Role, Scope
from bridgeway.kit.cli import console, fail, handles_errors, session_scope

user_app = typer.Typer(help="Manage users.", no_args_is_help=True)
token_app = typer.Typer(help="Manage API tokens.", no_args_is_help=True)
institution_app = typer.Typer(help="Manage institutions.", no_args_is_help=True)
employer_app = typer.Typer(help="Manage employers and industry bodies.", no_args_is_help=True)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _check_slug(slug: str) -> None:
    if not SLUG.match(slug) or len(slug) > 64:
        fail("a slug holds lower-case letters and digits separated by single hyphens, at most 64 characters")


@user_app.command("create")
@handles_errors
def create_user(
    email: str = typer.Argument(..., help="The user's e-mail address"),
    role: list[Role] = typer.Option(..., "--role", help="A role; repeat for several"),
    institution: str | None = typer.Option(
        None, "--institution", help="Institution slug (staff and learners)"
    ),
    employer: str | None = typer.Option(None, "--employer", help="Employer slug (employer users)"),
    name: str | None = typer.Option(None, "--name", help="Display name (default: the e-mail)"),
    password: str | None = typer.Option(
        None, "--password", envvar="BRIDGEWAY_NEW_USER_PASSWORD", help="Password (or prompt when omitted)"
    ),
) -> None:
    """Create a user with one or more roles."""
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with session_scope() as session:
        institution_id = (
            accounts_service.get_institution_by_slug(session, institution).id if institution else None
        )
        employer_id = accounts_service.get_employer_by_slug(session, employer).id if employer else None
        user = accounts_service.create_user(
            session,
            email=email,
            display_name=name or email,
            roles=role,
            password=password,
            institution_id=institution_id,
            employer_id=employer_id,
        )
        roles = ", ".join(sorted(r.value for r in accounts_service.roles_of(user)))
    console.print(f"created {user.email} ({roles})", highlight=False)


@token_app.command("create")
@handles_errors
def create_token(
    email: str = typer.Argument(..., help="Whose token"),
    scope: list[str] = typer.Option(..., "--scope", help=f"Scopes: {', '.join(s.value for s in Scope)}"),
    name: str = typer.Option("cli", "--name", help="A label for the token"),
    days: int | None = typer.Option(None, "--days", min=1, max=3650, help="Expire after this many days"),
) -> None:
    """Create a scoped API token and print it (shown once)."""
    with session_scope() as session:
        user = accounts_service.get_user_by_email(session, email)
        secret = accounts_service.create_api_token(
            session, user=user, scopes=scope, name=name, expires_in_days=days
        )
    typer.echo(secret)


@institution_app.command("create")
@handles_errors
def create_institution(
    slug: str = typer.Argument(..., help="Short unique name, e.g. 'northern-poly'"),
    name: str = typer.Option(..., "--name", help="Full name in English"),
    name_fr: str | None = typer.Option(None, "--name-fr", help="Full name in French"),
    url: str | None = typer.Option(None, "--url", help="Web site"),
) -> None:
    """Create an institution (a tenant)."""
    _check_slug(slug)
    with session_scope() as session:
        accounts_service.create_institution(session, slug=slug, name=name, name_fr=name_fr, url=url)
    console.print(f"created institution {slug}", highlight=False)


@employer_app.command("create")
@handles_errors
def create_employer(
    slug: str = typer.Argument(..., help="Short unique name, e.g. 'prairie-fabrication'"),
    name: str = typer.Option(..., "--name", help="The organisation's name"),
    kind: str = typer.Option("employer", "--kind", help="employer or industry_body"),
) -> None:
    """Create an employer or industry body; add its people with `user create --role employer --employer SLUG`."""
    _check_slug(slug)
    with session_scope() as session:
        accounts_service.create_employer(session, slug=slug, name=name, kind=kind)
    console.print(f"created employer {slug}", highlight=False)


def register(app: typer.Typer) -> None:
    """Mount the account commands."""
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")
    app.add_typer(institution_app, name="institution")
    app.add_typer(employer_app, name="employer")
