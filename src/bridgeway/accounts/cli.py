"""Account commands: user create, token create."""

from __future__ import annotations

import typer

from bridgeway.accounts import service as accounts_service
from bridgeway.accounts.domain import Role, Scope
from bridgeway.kit.cli import console, fail, handles_errors, session_scope

user_app = typer.Typer(help="Manage users.", no_args_is_help=True)
token_app = typer.Typer(help="Manage API tokens.", no_args_is_help=True)
institution_app = typer.Typer(help="Manage institutions.", no_args_is_help=True)


@user_app.command("create")
@handles_errors
def create_user(
    email: str = typer.Argument(..., help="The user's e-mail address"),
    role: list[Role] = typer.Option(..., "--role", help="A role; repeat for several"),
    institution: str | None = typer.Option(None, "--institution", help="Institution slug (staff and learners)"),
    employer: str | None = typer.Option(None, "--employer", help="Employer slug (employer users)"),
    name: str | None = typer.Option(None, "--name", help="Display name (default: the e-mail)"),
    password: str | None = typer.Option(None, "--password", envvar="BRIDGEWAY_NEW_USER_PASSWORD",
                                        help="Password (or prompt when omitted)"),
) -> None:
    """Create a user with one or more roles."""
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with session_scope() as session:
        institution_id = accounts_service.get_institution_by_slug(session, institution).id if institution else None
        employer_id = accounts_service.get_employer_by_slug(session, employer).id if employer else None
        user = accounts_service.create_user(
            session, email=email, display_name=name or email, roles=role, password=password,
            institution_id=institution_id, employer_id=employer_id,
        )
        accounts_service.record_audit(session, actor=None, action="user.created", entity_type="user",
                                      entity_id=user.id, institution_id=institution_id,
                                      after={"email": user.email, "roles": sorted(r.value for r in role)})
        console.print(f"created {user.email} ({', '.join(sorted(r.value for r in role))})")


@token_app.command("create")
@handles_errors
def create_token(
    email: str = typer.Argument(..., help="Whose token"),
    scope: list[str] = typer.Option(..., "--scope", help=f"Scopes: {', '.join(s.value for s in Scope)}"),
    name: str = typer.Option("cli", "--name", help="A label for the token"),
    days: int | None = typer.Option(None, "--days", min=1, help="Expire after this many days"),
) -> None:
    """Create a scoped API token and print it (shown once)."""
    with session_scope() as session:
        user = accounts_service.get_user_by_email(session, email)
        secret = accounts_service.create_api_token(session, user=user, scopes=scope, name=name, expires_in_days=days)
    typer.echo(secret)


@institution_app.command("create")
@handles_errors
def create_institution(
    slug: str = typer.Argument(..., help="Short unique name, e.g. 'northern-poly'"),
    name: str = typer.Option(..., "--name", help="Full name in English"),
    name_fr: str | None = typer.Option(None, "--name-fr", help="Full name in French"),
) -> None:
    """Create an institution (a tenant)."""
    if not slug.replace("-", "").isalnum():
        fail("a slug may only hold letters, digits and hyphens")
    with session_scope() as session:
        accounts_service.create_institution(session, slug=slug, name=name, name_fr=name_fr)
    console.print(f"created institution {slug}")


def register(app: typer.Typer) -> None:
    """Mount the account commands."""
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")
    app.add_typer(institution_app, name="institution")
