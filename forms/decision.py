"""The Plateforme's decision on a fiche de lien."""

from wtforms import Form, RadioField, SelectField, TextAreaField


class DecisionForm(Form):
    decision = RadioField("Décision", choices=[], validate_choice=False)
    reason = SelectField("Motif du refus", choices=[], validate_choice=False,
                         description="Obligatoire en cas de refus")
    team_structure_id = SelectField("Équipe d'accompagnement", choices=[],
                                    validate_choice=False,
                                    description="Équipe qui suivra le ménage s'il est admis")
    comment = TextAreaField("Commentaire (facultatif)", render_kw={"rows": 3, "maxlength": 2000})
