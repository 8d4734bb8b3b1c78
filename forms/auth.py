"""Login and API token forms."""

from wtforms import EmailField, Form, PasswordField, StringField


class LoginForm(Form):
    email = EmailField("Adresse électronique", render_kw={"autocomplete": "username"})
    password = PasswordField("Mot de passe", render_kw={"autocomplete": "current-password"})


class TokenForm(Form):
    name = StringField("Nom du jeton", description="Par exemple : logiciel de la structure",
                       render_kw={"maxlength": 100})
