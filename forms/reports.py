"""The period of a document built from the records (bilans): first and last day."""

from wtforms import Form

from forms import widgets as w


class PeriodForm(Form):
    debut = w.date("Premier jour de la période", hint="Par défaut, l'année civile écoulée")
    fin = w.date("Dernier jour de la période")
