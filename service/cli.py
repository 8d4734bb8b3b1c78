"""flask commands: init-db, demo-data, create-user, create-token, registry check."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup
from flask_migrate import upgrade
from sqlalchemy import select

from service.auth import roles
from service.auth.models import ApiToken, Structure, User
from service.auth.passwords import hash_password
from service.demo import load_demo
from service.documents.rerender import rerender
from service.extensions import db
from service.ids import new_id
from service.registry.check import collect_orphans
from service.registry.check import run as run_check
from service.registry.models import RegistryEntry
from service.registry.verification import revoke


def register_cli(app: Flask) -> None:
    app.cli.add_command(init_db)
    app.cli.add_command(demo_data)
    app.cli.add_command(create_user)
    app.cli.add_command(create_token)
    app.cli.add_command(registry)


@click.command("init-db")
def init_db():
    """Create or upgrade the database schema (Alembic migrations)."""
    upgrade()
    click.echo("Base de données à jour.")


@click.command("demo-data")
def demo_data():
    """Load demo structures, one account per role, households and fiches (idempotent)."""
    accounts, token = load_demo()
    click.echo("Comptes de démonstration (mot de passe commun : « demo-logement-2026 ») :")
    for email, role in accounts:
        click.echo(f"  {roles.LABELS[role]:<30} {email}")
    if token:
        click.echo(f"Jeton d'API de démonstration (orienteur) : {token}")


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.option("--role", type=click.Choice(roles.ALL), required=True)
@click.option("--structure", "structure_name", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user(email, full_name, role, structure_name, password):
    """Create an account in an existing or new structure."""
    structure = db.session.execute(
        select(Structure).where(Structure.name == structure_name)).scalar_one_or_none()
    if structure is None:
        structure = Structure(id=new_id(), name=structure_name, kind=_structure_kind(role))
        db.session.add(structure)
    try:
        password_hash = hash_password(password)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.add(User(id=new_id(), email=email.strip().lower(), full_name=full_name,
                        role=role, structure=structure, password_hash=password_hash))
    db.session.commit()
    click.echo(f"Compte créé : {email} ({roles.LABELS[role]}, {structure.name})")


def _structure_kind(role: str) -> str:
    return {roles.ORIENTEUR: "orienteur", roles.PLATEFORME: "plateforme",
            roles.FINANCEUR: "financeur", roles.CANDIDAT: "candidat",
            roles.ADMIN: "administration"}.get(role, "accompagnement")


@click.command("create-token")
@click.option("--email", required=True)
@click.option("--name", default="Jeton d'API")
def create_token(email, name):
    """Issue an API bearer token for a user; it is shown once."""
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if user is None:
        raise click.ClickException("Compte inconnu.")
    row, token = ApiToken.issue(user, name)
    db.session.add(row)
    db.session.commit()
    click.echo(token)


registry = AppGroup("registry", help="Registry maintenance.")


@registry.command("check")
def registry_check():
    """Recompute every hash; report missing, altered and orphan blobs; exit 1 on any fault."""
    report = run_check()
    click.echo(f"{report.rows} versions enregistrées, {report.blobs} fichiers stockés.")
    for fault in report.faults:
        click.echo(f"ANOMALIE : {fault}")
    for orphan in report.orphans:
        click.echo(f"ORPHELIN : fichier sans version enregistrée, sha256 {orphan}")
    if report.ok:
        click.echo("Registre intègre.")
    sys.exit(0 if report.ok else 1)


@registry.command("revoke")
@click.argument("entry_id")
@click.option("--reason", required=True, help="Motif, affiché sur la page de vérification")
def registry_revoke(entry_id, reason):
    """Revoke a registered version: verification then says « révoqué »."""
    entry = db.session.get(RegistryEntry, entry_id)
    if entry is None:
        raise click.ClickException("Version inconnue.")
    revoke(entry, reason)
    db.session.commit()
    click.echo(f"Révoqué : {entry.title} v{entry.version} ({entry.verification_code})")


@registry.command("rerender")
@click.argument("entry_id")
def registry_rerender(entry_id):
    """Render again from the stored snapshot and template; exit 1 if the text differs."""
    report = rerender(entry_id)
    click.echo(report.summary)
    for line in report.differences[:40]:
        click.echo(line)
    sys.exit(0 if report.identical else 1)


@registry.command("gc")
@click.option("--grace-hours", default=24, show_default=True,
              help="Only files older than this are removed (a render may be in progress).")
def registry_gc(grace_hours):
    """Remove orphan blobs and abandoned temp files left by crashes (after a grace period)."""
    removed = collect_orphans(grace_hours * 3600)
    for path in removed:
        click.echo(f"Supprimé : {path}")
    click.echo(f"{len(removed)} fichier(s) orphelin(s) supprimé(s).")
