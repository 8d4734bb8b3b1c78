"""The sample application (a grouped one, complete and balanced) every candidature test reads.

Its budget is built to the euro: IML 350 000 €, FSL 227 000 €, 15 000 € of other resources;
8 ETP with 1 ETP of encadrement; one member lends three professionals.
"""

from __future__ import annotations

import copy
import datetime
import json
from pathlib import Path

from service.applications.calls import SEED_CALL

HERE = Path(__file__).resolve().parent
GOLDEN = HERE.parent
TEMPLATES_DIR = str(HERE.parents[2] / "doc_templates")
CARRIER_SIRET = "78234567800018"
MEMBER_SIRET = "81345678900029"
KINDS = ("note_intention", "descriptif_equipe", "budget_previsionnel",
         "convention_mise_a_disposition", "dossier_candidature", "accuse_reception")


def call_snapshot() -> dict:
    call = copy.deepcopy(SEED_CALL)
    return {"reference": call["reference"], "title": call["title"],
            "territory": call["territory"], "funders": call["funders"],
            "envelope": call["envelope"], "etp": call["expected_team"]["etp"],
            "encadrement_min": call["expected_team"]["encadrement_min"],
            "pieces": call["pieces"], "deadline": call["deadline"].isoformat(),
            "results_on": call["results_on"].isoformat(),
            "launch_on": call["launch_on"].isoformat()}


def _post(fonction, intitule, nom, employeur, diplome, brut, charge, financement, **extra):
    return {"fonction": fonction, "intitule": intitule, "nom": nom, "employeur": employeur,
            "diplome": diplome, "experience_annees": extra.pop("experience", 6),
            "connaissance_lda": extra.pop("connaissance", "experience"), "etp": "1.00",
            "statut": extra.pop("statut", "en_poste"), "salaire_brut_annuel": brut,
            "cout_annuel_charge": charge, "financement": financement, **extra}


def _charge(compte, libelle, iml="0", fsl="0", autre="0"):
    return {"compte": compte, "libelle": libelle,
            "repartition": {"iml_ddets": iml, "fsl_metropole": fsl, "autre": autre}}


def raw_application() -> dict:
    """The application's snapshot as the service stores it (JSON values)."""
    return {
        "reference": "CAND-5E1B7C20",
        "structure": "Association Habitat et Solidarités 34",
        "call": call_snapshot(),
        "identite": {
            "denomination": "Association Habitat et Solidarités 34", "sigle": "AHS 34",
            "forme_juridique": "association", "siret": CARRIER_SIRET, "rna": "W343012345",
            "objet": "Accueillir, loger et accompagner les personnes sans domicile vers un "
                     "logement durable.",
            "siege_adresse": "14 rue de l'Université", "siege_code_postal": "34000",
            "siege_commune": "Montpellier", "representant_nom": "Hélène Marty",
            "representant_qualite": "Présidente",
            "representant_courriel": "presidence@ahs34.example",
            "representant_telephone": "04 67 00 00 01", "contact_nom": "Karim Benali",
            "contact_fonction": "Directeur", "contact_courriel": "direction@ahs34.example",
            "contact_telephone": "04 67 00 00 02",
            "agrements": [{"type": "ILGLS", "numero": "34-2022-017", "date": "2022-06-15",
                           "autorite": "Préfet de l'Hérault", "valide_jusqu_au": "2027-06-14"}],
            "territoire": "Montpellier et les 31 communes de la Métropole.",
            "intervient_metropole": True, "federation": "Fédération des acteurs de la "
            "solidarité Occitanie", "adherents": 120, "benevoles": 35, "salaries": 48,
            "etp_salaries": "44.50"},
        "groupement": {"type": "groupement", "membres": [{
            "denomination": "Association Soins et Rétablissement", "siret": MEMBER_SIRET,
            "representant": "Dr Anne Lefèvre, présidente",
            "adresse": "3 place de la Comédie, 34000 Montpellier"}]},
        "equipe": {"postes": [
            _post("encadrement", "Cheffe de service", "Sophie Delmas", "porteur", "CAFERUIS",
                  "40000.00", "58000.00", "fsl_metropole", experience=12),
            _post("travailleur_social", "Éducateur spécialisé", "Julien Castel", "porteur",
                  "ES", "29000.00", "42000.00", "fsl_metropole"),
            _post("travailleur_social", "Conseillère en économie sociale et familiale", "",
                  "porteur", "CESF", "29000.00", "42000.00", "fsl_metropole",
                  statut="a_recruter", experience=None, connaissance="formation"),
            _post("travailleur_social", "Assistante de service social", "Nadia Benhamou",
                  "porteur", "ASS", "29000.00", "42000.00", "iml_ddets"),
            _post("infirmier", "Infirmière", "Claire Aubert", MEMBER_SIRET, "infirmier",
                  "31000.00", "45000.00", "iml_ddets"),
            _post("psychologue", "Psychologue", "Thomas Ngô", MEMBER_SIRET, "psychologue",
                  "34000.00", "49000.00", "iml_ddets"),
            _post("travailleur_social", "Éducatrice spécialisée", "Lina Haddad", MEMBER_SIRET,
                  "ES", "29000.00", "42000.00", "iml_ddets"),
            _post("pair_aidant", "Médiateur pair", "Marc Olivier", "porteur", "autre",
                  "24000.00", "35000.00", "fsl_metropole", diplome_autre="DU pair-aidance",
                  profil_experimente=True,
                  justification="Huit ans de pair-aidance à « Un chez-soi d'abord » Montpellier."),
        ]},
        "note": {
            "comprehension": "Le logement d'abord : un logement ordinaire, tout de suite, sans "
                             "condition de « capacité à habiter ».",
            "captation": "64 logements : 40 dans le parc social en bail glissant, 24 dans le "
                         "parc privé en sous-location.",
            "organisation": "Une équipe de 8 ETP en multi-référence, deux visites par mois au "
                            "moins, une astreinte téléphonique.",
            "partenariats": "SIAO 34 et Plateforme Logement d'abord, CMP, bailleurs sociaux, "
                            "CCAS de Montpellier.",
            "gouvernance": "La cheffe de service porte l'autorité fonctionnelle ; un comité de "
                           "groupement se réunit chaque trimestre.",
            "calendrier": "Recrutements en juin et juillet 2025, premières entrées en "
                          "septembre 2025, 64 ménages en mars 2026.",
            "indicateurs": "Entrées, maintiens dans le logement à 12 mois, glissements de bail, "
                           "contacts par ménage et par mois.",
            "risques": "Fonds de garantie interne, visite mensuelle du logement si la personne "
                       "le souhaite, médiation avec le voisinage."},
        "budget": {
            "logements": 64, "duree_mois": 12,
            "charges": [
                _charge("604", "Équipement minimum des logements (64 × 800 €)", iml="51200.00"),
                _charge("606", "Fournitures et petit équipement", fsl="4000.00"),
                _charge("613", "Loyer des locaux communs de l'équipe", fsl="24000.00"),
                _charge("615", "Remise en état des logements", iml="19200.00"),
                _charge("616", "Assurance multirisque des logements sous-loués", iml="9600.00"),
                _charge("625", "Déplacements de l'équipe et transports accompagnés",
                        iml="6000.00", fsl="12000.00"),
                _charge("647", "Formation de l'équipe", fsl="10000.00"),
                _charge("65", "Cautions des baux glissants et provision pour impayés",
                        iml="38400.00"),
                _charge("CI-fixes", "Frais de structure du siège", iml="47600.00",
                        autre="15000.00"),
            ],
            "produits": [
                {"compte": "74-prive", "libelle": "Fondation Abbé Pierre",
                 "montant": "5000.00", "statut": "sollicite"},
                {"compte": "RP", "libelle": "Fonds propres de l'association",
                 "montant": "10000.00", "statut": "acquis"},
            ],
            "contributions": [
                {"compte": "864", "libelle": "Bénévoles de l'accueil et des activités",
                 "montant": "6000.00"},
                {"compte": "870", "libelle": "Bénévolat", "montant": "6000.00"},
            ]},
        "conventions": {MEMBER_SIRET: {
            "date_debut": "2025-09-01", "date_fin": "2026-08-31",
            "finalite": "Constituer l'équipe Bail d'abord sous l'autorité fonctionnelle de la "
                        "structure porteuse.",
            "missions": "Accompagnement social global et soins orientés vers le rétablissement "
                        "des ménages du dispositif Bail d'abord.",
            "lieu": "Locaux communs de l'équipe, 14 rue de l'Université, Montpellier, et "
                    "domiciles des personnes accompagnées",
            "horaires": "35 heures par semaine, du lundi au vendredi, astreinte par roulement",
            "refacturation": "Salaire brut, charges sociales patronales et frais "
                             "professionnels réels, facturés chaque trimestre, sans marge.",
            "fin_anticipee": "Préavis d'un mois par lettre recommandée ; le salarié retrouve "
                             "son poste chez la structure prêteuse.",
            "convention_collective": "CCN du 15 mars 1966"}},
        "pieces": [],
    }


def loaded_application() -> dict:
    from service.applications.service import loaded

    return loaded(raw_application(), partial=False)


def sample_doc(title: str = "Note d'intention", template: str = "note_intention.html") -> dict:
    from service.rendering.qr import qr_image

    return {
        "title": title, "reference": "DC-5E1B7C20", "version": 1,
        "issued_at": datetime.datetime(2025, 3, 28, 15, 42, tzinfo=datetime.UTC),
        "author_structure": "Association Habitat et Solidarités 34",
        "author_name": "Karim Benali",
        "registry_id": "5e1b7c20-1111-4222-8333-944455556666",
        "snapshot_sha256": "ab" * 32, "template_sha256": "cd" * 32,
        "organisation": "Plateforme Logement d'abord – Montpellier Méditerranée Métropole",
        "household_reference": "CAND-5E1B7C20", "supersedes_version": None,
        "verification_code": "K7QF-9M2X-P4TA",
        "verification_url": "http://127.0.0.1:5000/verifier/K7QF-9M2X-P4TA",
        "template_name": template, "libraries": {"weasyprint": "70.0", "docxtpl": "0.20.2"},
        "qr": qr_image("http://127.0.0.1:5000/verifier/K7QF-9M2X-P4TA"),
    }


def receipt_input() -> dict:
    """What the accusé de réception of the sample's submission states."""
    pieces = [("Statuts de la structure", "statuts-ahs34.pdf", 12, "1a"),
              ("Présentation de l'activité de la structure (rapport d'activité de l'année "
               "précédente)", "rapport-activite-2024.pdf", 28, "2b"),
              ("Note d'intention pour la création de l'équipe Bail d'abord et la mise en "
               "œuvre concrète du dispositif", "04 - Note d'intention.docx", 2, "3c")]
    return {
        "reference": "CAND-5E1B7C20", "structure": "Association Habitat et Solidarités 34",
        "siret": CARRIER_SIRET,
        "appel_titre": "Appel à candidatures – Création de l'équipe Bail d'abord",
        "appel_reference": "AAP-BAIL-DABORD-2025",
        "financeurs": "DDETS de l'Hérault, Montpellier Méditerranée Métropole",
        "date_limite": "2025-03-31T21:59:59+00:00", "depose_le": "2025-03-28T15:42:00+00:00",
        "dossier": {"reference": "DC-5E1B7C20", "version": 1, "code": "Q2WN-7RTX-K4MB",
                    "sha256": "e3" * 32, "pages": 64, "archive_sha256": "f4" * 32},
        "pieces": [{"numero": n, "titre": t, "fichier": f, "pages": p, "sha256": h * 32}
                   for n, (t, f, p, h) in enumerate(pieces, start=1)],
        "controles": "Dossier complet : toutes les règles de l'appel sont respectées.",
    }


def input_for(kind: str) -> dict:
    if kind == "accuse_reception":
        return receipt_input()
    data = raw_application()
    if kind == "convention_mise_a_disposition":
        data["membre"] = MEMBER_SIRET
    return data


def write_inputs() -> None:
    """`python -m tests.golden.candidature.sample` writes each kind's input.json."""
    for kind in KINDS:
        folder = GOLDEN / kind
        folder.mkdir(exist_ok=True)
        (folder / "input.json").write_text(
            json.dumps(input_for(kind), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_inputs()
