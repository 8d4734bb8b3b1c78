"""The household's path after admission: team, tenancy, support period, contacts, droit de suite."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.extensions import Model
from service.ids import id_column
from service.timeutil import utcnow

CONTRACTS = {
    "sous_location": "Sous-location",
    "sous_location_bail_glissant": "Sous-location avec bail glissant",
    "mandat_de_gestion": "Mandat de gestion (AIVS)",
    "bail_direct_droit_commun": "Bail direct",
}
LANDLORD_TYPES = {"social": "Bailleur social", "prive": "Bailleur privé", "aivs": "AIVS"}
CONTACT_KINDS = {
    "visite_domicile": "Visite à domicile",
    "entretien": "Entretien",
    "accompagnement_physique": "Accompagnement physique",
    "telephone": "Téléphone",
    "lieu_public": "Rencontre dans un lieu public",
}
END_REASONS = {
    "autonome": "Autonome", "non_adhesion": "Non-adhésion", "transfert": "Transfert",
    "perte_contact": "Perte de contact", "deces": "Décès", "autre": "Autre", "inconnu": "Inconnu",
}


class TeamMember(Model):
    """Multi-référence: several professionals follow a household; one coordinates."""

    __tablename__ = "team_members"
    id: Mapped[str] = id_column()
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    coordinating: Mapped[bool] = mapped_column(default=False)
    since: Mapped[date] = mapped_column(Date)
    user = relationship("User")


class Tenancy(Model):
    __tablename__ = "tenancies"
    # A household's dwellings by entry date (its current dwelling, the bilans' first entries).
    __table_args__ = (Index("ix_tenancies_household_id_entry_date", "household_id",
                            "entry_date"),)
    id: Mapped[str] = id_column()
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"))
    landlord_name: Mapped[str] = mapped_column(String(200))
    landlord_type: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(300))
    typology: Mapped[str | None] = mapped_column(String(20))
    contract: Mapped[str] = mapped_column(String(40))
    caleol_date: Mapped[date | None] = mapped_column(Date)
    caleol_decision: Mapped[str | None] = mapped_column(String(40))
    entry_date: Mapped[date | None] = mapped_column(Date)
    rent: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    charges: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    # Bail glissant (L442-8-3 CCH): the convention's examination period and the glissement.
    convention_signed: Mapped[date | None] = mapped_column(Date)
    examination_months: Mapped[int | None] = mapped_column(Integer)
    glissement_date: Mapped[date | None] = mapped_column(Date)
    # Periodic examinations: [{date, participants, conclusion}]
    examinations: Mapped[list] = mapped_column(JSON, default=list)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version_id}


class SupportPeriod(Model):
    """Support starts at the CALEOL validation, planned for 12 months, extensible."""

    __tablename__ = "support_periods"
    id: Mapped[str] = id_column()
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    start: Mapped[date] = mapped_column(Date)
    planned_end: Mapped[date] = mapped_column(Date)
    # Extensions: [{date, decision, reason, until}]
    extensions: Mapped[list] = mapped_column(JSON, default=list)
    end_date: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(30))
    destination: Mapped[str | None] = mapped_column(String(60))
    nurse_first_meeting: Mapped[date | None] = mapped_column(Date)
    version_id: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version_id}


class Contact(Model):
    """A contact with the household; no free-text notes here (no health content)."""

    __tablename__ = "contacts"
    # A household's contacts by day with their kind: a household's contacts, its contacts of
    # a period, and the bilans' counts by type and by household-month, from the index alone.
    __table_args__ = (Index("ix_contacts_household_id_on_kind", "household_id", "on", "kind"),)
    id: Mapped[str] = id_column()
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"))
    on: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(30))
    professionals: Mapped[list] = mapped_column(JSON, default=list)  # user ids
    place: Mapped[str | None] = mapped_column(String(200))
    recorded_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DroitDeSuite(Model):
    """A request after the end of support: not a resumption of support (charter, Article 2)."""

    __tablename__ = "droits_de_suite"
    id: Mapped[str] = id_column()
    household_id: Mapped[str] = mapped_column(ForeignKey("households.id"), index=True)
    on: Mapped[date] = mapped_column(Date)
    requested_by: Mapped[str] = mapped_column(String(20))  # bailleur, locataire
    reason: Mapped[str] = mapped_column(Text)
    action: Mapped[str | None] = mapped_column(Text)
