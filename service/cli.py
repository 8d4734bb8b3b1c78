"""flask commands: init-db, demo-data, create-user, create-token, registry check, retention flag
and purge."""

from __future__ import annotations

import difflib
import sys
import time
from datetime import date

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_migrate import upgrade
from sqlalchemy import select

from service.auth import roles
from service.auth.models import ApiToken, Structure, User
from service.auth.passwords import hash_password, problems
from service.demo import load_demo, seed_accounts
from service.documents.rerender import rerender
from service.extensions import db
from service.ids import new_id
from service.registry.check import collect_orphans, grace_label
from service.registry.check import run as run_check
from service.registry.models import RegistryEntry
from service.registry.verification import revoke
from service.reporting import synthetic
from service.retention.erasure import SUBJECT_LABELS, due_for_erasure, erase_due
from service.retention.flagging import flag_due
from service.timeutil import today_paris


def register_cli(app: Flask) -> None:
    app.cli.add_command(init_db)
    app.cli.add_command(demo_data)
    app.cli.add_command(create_user)
    app.cli.add_command(create_token)
    app.cli.add_command(registry)
    app.cli.add_command(retention)


@click.command("init-db")
def init_db():
    """Create or upgrade the database schema (Alembic migrations)."""
    upgrade()
    click.echo("Base de données à jour.")


@click.command("demo-data")
@click.option("--households", type=click.IntRange(0, 200_000), default=0,
              help="Also draw a synthetic history of N fiches over the last years.")
@click.option("--seed", default=2026, show_default=True, help="Seed of the synthetic history.")
def demo_data(households, seed):
    """Load demo structures, one account per role, households and fiches (idempotent).

    Development only: its accounts share a published password."""
    if current_app.config.get("ENV") != "development":
        raise click.ClickException(
            "Refusé : les données de démonstration (comptes au mot de passe publié) ne se "
            "chargent qu'en développement (FLASK_ENV=development).")
    accounts, token = load_demo()
    if households:
        _synthetic_history(households, seed)
    click.echo("Comptes de démonstration (mot de passe commun : « demo-logement-2026 ») :")
    for email, role in accounts:
        click.echo(f"  {roles.LABELS[role]:<30} {email}")
    if token:
        click.echo(f"Jeton d'API de démonstration (orienteur), affiché cette fois seulement : "
                   f"{token}")
    click.echo("Les comptes administrateur et encadrant demandent en plus, à la première "
               "connexion, d'activer un second facteur (application d'authentification).")


def _synthetic_history(households: int, seed: int) -> None:
    users, _ = seed_accounts()
    today = today_paris()
    started = time.perf_counter()
    counts = synthetic.generate(households, synthetic.demo_setting(
        users, date(today.year - 2, 1, 1), today), seed=seed)
    click.echo(f"Historique de synthèse : {counts['referrals']} fiches, {counts['households']} "
               f"ménages, {counts['contacts']} contacts, {counts['expenses']} dépenses "
               f"({time.perf_counter() - started:.1f} s).")


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.option("--role", type=click.Choice(roles.ALL), required=True)
@click.option("--structure", "structure_name", required=True,
              help="The exact name of an existing structure.")
@click.option("--new-structure", is_flag=True,
              help="Create the structure: without it, an unknown name is refused.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user(email, full_name, role, structure_name, new_structure, password):
    """Create an account in an existing structure (or a new one, with --new-structure)."""
    email = email.strip().lower()
    structure = db.session.execute(
        select(Structure).where(Structure.name == structure_name)).scalar_one_or_none()
    if structure is None and not new_structure:
        names = db.session.execute(select(Structure.name)).scalars().all()
        close = difflib.get_close_matches(structure_name, names, n=3, cutoff=0.5)
        hint = (" Vouliez-vous dire : " + " ; ".join(f"« {n} »" for n in close) + " ?"
                if close else "")
        raise click.ClickException(
            f"Structure inconnue : « {structure_name} ».{hint} Donnez le nom exact d'une "
            "structure existante, ou ajoutez --new-structure pour la créer.")
    if db.session.execute(select(User.id).where(User.email == email)).first():
        raise click.ClickException(f"Un compte existe déjà pour {email}.")
    found = problems(password, name=full_name, email=email, role=role)
    if found:
        raise click.ClickException(" ".join(found))
    if structure is None:
        structure = Structure(id=new_id(), name=structure_name, kind=_structure_kind(role))
        db.session.add(structure)
    db.session.add(User(id=new_id(), email=email, full_name=full_name,
                        role=role, structure=structure, password_hash=hash_password(password)))
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
    click.echo(f"{report.rows} versions enregistrées, {report.blobs} fichiers stockés"
               + (f", {report.erased} versions effacées (durée de conservation)."
                  if report.erased else "."))
    for fault in report.faults:
        click.echo(f"ANOMALIE : {fault}")
    for orphan in report.orphans:
        click.echo(f"ORPHELIN : fichier sans version enregistrée, sha256 {orphan}")
    grace = grace_label(report.grace_seconds)
    for pending in report.pending:
        click.echo(f"EN ATTENTE : fichier sans version enregistrée depuis moins de {grace} "
                   f"(écriture en cours ou annulée, supprimé ensuite par « registry gc »), "
                   f"sha256 {pending}")
    for name in report.pending_temp:
        click.echo(f"EN ATTENTE : fichier temporaire {name} (écriture en cours)")
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
@click.option("--grace-hours", type=float, default=None,
              help="Only files older than this are removed (a render may be in progress); "
                   "default: FLASK_REGISTRY_ORPHAN_GRACE_SECONDS (24 h).")
def registry_gc(grace_hours):
    """Remove orphan blobs and abandoned temp files left by crashes (after a grace period)."""
    removed = collect_orphans(grace_hours * 3600 if grace_hours is not None else None)
    for path in removed:
        click.echo(f"Supprimé : {path}")
    click.echo(f"{len(removed)} fichier(s) orphelin(s) supprimé(s).")


retention = AppGroup("retention", help="Retention of personal data (DOMAIN.md §8.4).")


@retention.command("flag")
@click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Flag as on this day (YYYY-MM-DD); default: today in Paris.")
def retention_flag(on):
    """Flag the households and fiches past their retention period (nothing is deleted)."""
    counts = flag_due(on.date() if on else None)
    click.echo(f"Nouveaux signalements : {counts.flagged}.")
    click.echo(f"Signalements levés (activité reprise) : {counts.cleared}.")
    click.echo(f"Dossiers signalés au total : {counts.standing}.")


@retention.command("purge")
@click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Purge as on this day (YYYY-MM-DD); default: today in Paris.")
@click.option("--yes", is_flag=True, help="Erase for real; without it, only say how many.")
def retention_purge(on, yes):
    """Erase the households and fiches whose retention flag stands and is due: a tombstone
    and a receipt for each, the registry chain still verifying (DOMAIN.md §8.4)."""
    day = on.date() if on else None
    if not yes:
        flag_due(day)
        click.echo(f"Dossiers à effacer : {due_for_erasure(day)} (rien n'est effacé sans --yes).")
        return
    for erasure in erase_due(day):
        click.echo(f"Effacement {erasure.id} : {SUBJECT_LABELS[erasure.subject_type].lower()}, "
                   f"{erasure.counts.get('versions', 0)} version(s) ; récépissé sha256 "
                   f"{erasure.receipt_sha256}")
    report = run_check()
    click.echo("Registre vérifié après l'effacement : " + ("conforme." if report.ok else
               f"{len(report.faults)} anomalie(s), lancez « flask registry check »."))
