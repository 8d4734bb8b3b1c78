"""Login and API token forms."""

from wtforms import EmailField, Form, PasswordField, StringField


class LoginForm(Form):
    email = EmailField("Adresse électronique", render_kw={"autocomplete": "username"})
    password = PasswordField("Mot de passe", render_kw={"autocomplete": "current-password"})


class TokenForm(Form):
    name = StringField("Nom du jeton", description="Par exemple : logiciel de la structure",
                       render_kw={"maxlength": 100})


class PasswordChangeForm(Form):
    current = PasswordField("Mot de passe actuel",
                            render_kw={"autocomplete": "current-password"})
    new = PasswordField("Nouveau mot de passe",
                        description="Au moins 12 caractères (16 pour l'administration) ; une "
                                    "phrase de plusieurs mots est facile à retenir.",
                        render_kw={"autocomplete": "new-password", "maxlength": 128})
    confirm = PasswordField("Confirmez le nouveau mot de passe",
                            render_kw={"autocomplete": "new-password", "maxlength": 128})


class ResetRequestForm(Form):
    email = EmailField("Adresse électronique de votre compte",
                       render_kw={"autocomplete": "username"})


class ResetForm(Form):
    new = PasswordField("Nouveau mot de passe",
                        description="Au moins 12 caractères (16 pour l'administration) ; une "
                                    "phrase de plusieurs mots est facile à retenir.",
                        render_kw={"autocomplete": "new-password", "maxlength": 128})
    confirm = PasswordField("Confirmez le nouveau mot de passe",
                            render_kw={"autocomplete": "new-password", "maxlength": 128})


class CodeForm(Form):
    code = StringField("Code à 6 chiffres de votre application, ou un code de secours",
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric",
                                  "maxlength": 20, "spellcheck": "false"})
