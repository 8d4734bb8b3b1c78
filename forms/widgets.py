"""Field helpers shared by the forms: French labels, hints, native date inputs, checkboxes."""

from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)


def text(label, hint="", autocomplete=None, width=None, show_if=None, inputmode=None):
    kw = {}
    if autocomplete:
        kw["autocomplete"] = autocomplete
    if width:
        kw["class"] = f"input-w{width}"
    if inputmode:
        kw["inputmode"] = inputmode
    if show_if:
        kw["data-show-if"] = show_if
    return StringField(label, description=hint, render_kw=kw)


def long_text(label, hint="", rows=4, show_if=None):
    kw = {"rows": rows}
    if show_if:
        kw["data-show-if"] = show_if
    return TextAreaField(label, description=hint, render_kw=kw)


def date(label, hint="", show_if=None, autocomplete=None):
    kw = {"type": "date", "class": "input-date"}
    if show_if:
        kw["data-show-if"] = show_if
    if autocomplete:
        kw["autocomplete"] = autocomplete
    return StringField(label, description=hint, render_kw=kw)


def money(label, hint="Montant en euros, par exemple 540,00", show_if=None):
    kw = {"inputmode": "decimal", "class": "input-w10"}
    if show_if:
        kw["data-show-if"] = show_if
    return StringField(label, description=hint, render_kw=kw)


def select(label, choices, hint="", show_if=None):
    kw = {"data-show-if": show_if} if show_if else {}
    return SelectField(label, choices=[("", "— Choisir —"), *choices], description=hint,
                       render_kw=kw, validate_choice=False)


def radios(label, choices, hint="", show_if=None):
    kw = {"data-show-if": show_if} if show_if else {}
    return RadioField(label, choices=choices, description=hint, render_kw=kw,
                      validate_choice=False)


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def checkboxes(label, choices, hint="", show_if=None):
    kw = {"data-show-if": show_if} if show_if else {}
    return CheckboxesField(label, choices=choices, description=hint, render_kw=kw,
                           validate_choice=False)


def consent(label, hint=""):
    return BooleanField(label, description=hint)


def repeat(entry_form, label, *, add, remove, empty_label, empty, **kw):
    """A repeated entry with its French words: « Ajouter un enfant », « Retirer l'enfant 2 »
    (`remove` holds {n}), and what « Vérifiez vos réponses » says when there is none
    (« Enfants : aucun »)."""
    words = {"data-add": add, "data-remove": remove, "data-empty-label": empty_label,
             "data-empty": empty}
    return FieldList(FormField(entry_form), label, render_kw=words, **kw)
