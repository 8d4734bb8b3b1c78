"""Demo data: structures, one account per role, fiches at several stages (idempotent)."""

from __future__ import annotations

import copy
import json
from datetime import timedelta

from sqlalchemy import select

from service.applications.demo_data import seed_demo_calls
from service.auth import roles as R
from service.auth.models import ApiToken, Structure, User
from service.auth.passwords import hash_password
from service.config import PROJECT_ROOT
from service.documents import flow
from service.extensions import db
from service.households.alerts import add_months
from service.households.path import Contact, SupportPeriod, Tenancy
from service.ids import new_id
from service.kinds import FICHE_DE_LIEN
from service.referrals.models import Referral
from service.referrals.service import decide
from service.timeutil import today_paris

DEMO_PASSWORD = "demo-logement-2026"  # noqa: S105  (printed demo credentials)
STRUCTURES = [
    ("Accueil de jour Gammes – Montpellier", "orienteur", "accueil_de_jour"),
    ("Samu social de l'Hérault", "orienteur", "samu_social_maraude"),
    ("Plateforme Logement d'abord – SIAO 34", "plateforme", None),
    ("Équipe Bail d'abord – Association Solidarités Montpellier", "accompagnement", None),
    ("Équipe Bail d'abord – Habitat Solidaire Hérault", "accompagnement", None),
    ("DDETS de l'Hérault", "financeur", None),
    ("Association Candidate Exemple", "candidat", None),
    ("Administration du service", "administration", None),
]
ACCOUNTS = [
    ("orienteur@demo.example", "Élodie Marchand", R.ORIENTEUR, 0),
    ("samu@demo.example", "Yannick Roux", R.ORIENTEUR, 1),
    ("plateforme@demo.example", "Farida Haddad", R.PLATEFORME, 2),
    ("accompagnant@demo.example", "Julien Castel", R.ACCOMPAGNANT, 3),
    ("infirmier@demo.example", "Claire Aubert", R.INFIRMIER, 3),
    ("encadrant@demo.example", "Sophie Delmas", R.ENCADRANT, 3),
    ("gestion@demo.example", "Marc Olivier", R.GESTION_LOCATIVE, 3),
    ("accompagnant2@demo.example", "Nadia Benhamou", R.ACCOMPAGNANT, 4),
    ("financeur@demo.example", "Paul Gaillard", R.FINANCEUR, 5),
    ("candidat@demo.example", "Inès Lopez", R.CANDIDAT, 6),
    ("admin@demo.example", "Administrateur Démo", R.ADMIN, 7),
]
DEMO_TOKEN_NAME = "Démonstration"  # noqa: S105  (the token's label, not a token)


def sample_input(kind_key: str) -> dict | None:
    """The reviewed sample input of a kind (its golden test's), if it has one."""
    path = PROJECT_ROOT / "tests" / "golden" / kind_key / "input.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def sample_fiche() -> dict:
    sample = sample_input(FICHE_DE_LIEN.key)
    assert sample is not None
    return sample


def _variant(first: str, last: str, sexe: str, typologie: str, lieu: str) -> dict:
    data = sample_fiche()
    data["menage"]["demandeur"].update(prenom=first, nom=last, sexe=sexe,
                                       nationalite="FRANCAISE")
    data["menage"].update(typologie=typologie, co_demandeurs=[], enfants=[])
    data["droits"].update(droit_sejour="francais", titre_fin_validite="")
    data["residence"]["lieu_de_vie"] = lieu
    return data


def load_demo() -> tuple[list[tuple[str, str]], str | None]:
    """The demo accounts and data; a random API token for the demo orienteur the first time
    (returned once, to be printed: only its digest is kept), None once it exists."""
    users, structures = seed_accounts()
    orienteur = users["orienteur@demo.example"]
    token = None
    if not db.session.execute(select(ApiToken).where(
            ApiToken.user_id == orienteur.id, ApiToken.name == DEMO_TOKEN_NAME,
            ApiToken.revoked_at.is_(None))).first():
        row, token = ApiToken.issue(orienteur, DEMO_TOKEN_NAME)
        db.session.add(row)
        db.session.commit()
    if db.session.execute(select(Referral)).first() is None:
        _demo_fiches(users, structures)
    _demo_applications(users)
    return [(email, role) for email, _, role, _ in ACCOUNTS], token


def seed_accounts() -> tuple[dict[str, User], list[Structure]]:
    """Structures and one account per role; existing ones are kept."""
    structures = []
    for name, kind, stype in STRUCTURES:
        s = db.session.execute(select(Structure).where(Structure.name == name)).scalar_one_or_none()
        if s is None:
            s = Structure(id=new_id(), name=name, kind=kind, structure_type=stype)
            db.session.add(s)
        structures.append(s)
    users = {}
    password_hash = hash_password(DEMO_PASSWORD)
    for email, full_name, role, index in ACCOUNTS:
        u = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
        if u is None:
            u = User(id=new_id(), email=email, full_name=full_name, role=role,
                     structure=structures[index], password_hash=password_hash)
            db.session.add(u)
        users[email] = u
    db.session.commit()
    return users, structures


def _demo_fiches(users, structures) -> None:
    orienteur, samu = users["orienteur@demo.example"], users["samu@demo.example"]
    plateforme = users["plateforme@demo.example"]
    admitted = _submit(orienteur, sample_fiche(), "demo-fiche-1")
    household = decide(admitted, "admis", plateforme, comment="Logement T3 proposé à Celleneuve.",
                       team_structure_id=structures[3].id)
    assert household is not None  # an admission creates the household
    _demo_path(household.id, users["accompagnant@demo.example"])
    _submit(samu, _variant("Mohamed", "Benali", "M", "homme_seul", "rue"), "demo-fiche-2")
    waiting = _submit(orienteur, _variant("Sandrine", "Moreau", "F", "femme_seule",
                                          "hebergement_urgence"), "demo-fiche-3")
    decide(waiting, "liste_attente", plateforme, comment="En attente d'un T1 à Lattes.")
    draft_data = copy.deepcopy(sample_fiche())
    draft_data["menage"]["demandeur"].update(prenom="Kevin", nom="Durand")
    for key in ("residence", "projet", "accompagnements", "auto_evaluation", "consentement"):
        draft_data.pop(key)
    flow.new_draft(FICHE_DE_LIEN.key, orienteur, data=draft_data)


def _submit(user, data, key) -> Referral:
    draft = flow.new_draft(FICHE_DE_LIEN.key, user, data=data)
    result = flow.finalise(draft, user, key)
    return db.session.execute(
        select(Referral).where(Referral.series_id == result.entry.series_id)).scalar_one()


def _demo_path(household_id: str, worker: User) -> None:
    """A support started four months ago, with a bail glissant: alerts show."""
    start = today_paris() - timedelta(days=120)
    db.session.add(SupportPeriod(id=new_id(), household_id=household_id, start=start,
                                 planned_end=add_months(start, 12), extensions=[]))
    db.session.add(Tenancy(
        id=new_id(), household_id=household_id, landlord_name="ACM Habitat",
        landlord_type="social", address="12 rue du Pas-du-Loup, 34070 Montpellier",
        typology="T3", contract="sous_location_bail_glissant", caleol_date=start,
        caleol_decision="attribution", entry_date=start + timedelta(days=10),
        convention_signed=start + timedelta(days=10), examination_months=12, examinations=[]))
    db.session.add(Contact(id=new_id(), household_id=household_id,
                           on=today_paris() - timedelta(days=6), kind="visite_domicile",
                           professionals=[worker.id], place="Au domicile",
                           recorded_by_id=worker.id))
    db.session.commit()


def _demo_applications(users) -> None:
    """Calls for applications: the seed's, and its next session with a dossier in progress."""
    seed_demo_calls(users["candidat@demo.example"], sample_input("dossier_candidature"))
