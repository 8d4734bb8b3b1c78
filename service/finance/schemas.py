"""Validation of the ledger, forecast and gap records (the same French messages on the web
pages, the API and the CSV import)."""

from __future__ import annotations

import re
from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from service.finance import accounts
from service.finance.vocabulary import EXPENSE_CATEGORIES, FUNDERS
from service.kinds.fields import MESSAGES, EmptyIsNone, choice, date_field, integer, text

ACCOUNT_CHOICES = accounts.choices(accounts.CHARGE)
FORECAST_CHOICES = ACCOUNT_CHOICES + accounts.choices(accounts.PRODUIT)
AMOUNT_LIMIT = Decimal("10000000")


class Amount(EmptyIsNone, fields.Decimal):
    """Euros, typed the French way (« 1 234,56 € »)."""

    default_error_messages = {**MESSAGES, "invalid": "Montant non valide (ex. : 1 234,56)."}

    def __init__(self, **kw):
        super().__init__(places=2, as_string=True, **kw)

    def _normalise(self, value):
        if isinstance(value, str):
            return re.sub(r"[\s\u00a0\u202f€]", "", value).replace(",", ".")
        return value


def amount(required: bool = True, positive: bool = True) -> Amount:
    low = Decimal("0.01") if positive else Decimal(0)
    return Amount(required=required, allow_none=not required,
                  validate=validate.Range(min=low, max=AMOUNT_LIMIT,
                                          error="Montant hors limites." if not positive else
                                          "Le montant doit être positif (10 000 000 € au plus)."))


class ExpenseSchema(Schema):
    on = date_field(required=True)
    amount = amount()
    category = choice(EXPENSE_CATEGORIES, required=True)
    account = choice(ACCOUNT_CHOICES, required=True)
    funder = choice(FUNDERS, required=True)
    label = text(required=True)
    household = text(max_length=20)  # its pseudonymous reference, BA-2026-0042


class ForecastLineSchema(Schema):
    year = integer(required=True, minimum=2000, maximum=2100)
    funder = choice(FUNDERS, required=True)
    account = choice(FORECAST_CHOICES, required=True)
    amount = amount(positive=False)


class GapExplanationSchema(Schema):
    debut = date_field(required=True)
    fin = date_field(required=True)
    scope = text(required=True, max_length=30)
    account = text(required=True, max_length=10)
    text = text(required=True, max_length=2000)

    @validates_schema
    def _order(self, data, **kw):
        if data.get("debut") and data.get("fin") and data["fin"] < data["debut"]:
            raise ValidationError("La fin de la période doit suivre son début.", "fin")
