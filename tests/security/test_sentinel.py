"""A sentinel typed into every field never reaches the logs, the temporary folders or the e-mails.

The service holds the personal data of vulnerable people: none of it may be written to a log
line, to stdout/stderr, to a file left in a temporary folder or beside the stored documents, or
to an e-mail. Every free-text answer of a fiche de lien (and of a protocole de crise) carries a
sentinel token; the fiche is sent through the JSON API and through the web form, the Plateforme
admits it through the API (its comment holds a token too; the decision queues the e-mail task,
whose body is then run as a worker runs it, through a real SMTP server), and the team creates
a protocole de crise for the household through the API, signs it (signatories' names with
tokens) and seals it; an invalid submission of each (too long, not a date, an invisible
character) goes down the error path (422). Sending a fiche sends no e-mail to the Plateforme
(service/notifications/messages.py has no such message); the SMTP server is configured for the
whole test, so that any e-mail sent is searched. Then nothing captured may hold the sentinel,
while the registered snapshots and the PDFs must (or the test would prove nothing).

Which string fields carry the sentinel is read from the kind's marshmallow schema, walking the
golden sample recursively, so that a field added later is covered without touching this file:
every `text()` field does (free text, names, addresses); the e-mail address carries it in its
local part (« zqxsentinel…@exemple.fr »). Left unchanged, because their format cannot hold
letters or a value outside a list: choice codes (`choice()`/`choices()`), dates, amounts,
integers (a child's age, a delay in days), booleans, and the phone number (PHONE admits digits,
spaces and « +.()- » only). A free-text field that a rule forbids to fill in the sample's
situation (e.g. « conditions d'accès » when access is refused) is left as it was too: the
validation loop below finds those by itself.

SQL parameters: `sqlalchemy.engine` at INFO logs every statement's parameters, which would hold
the answers. The service never turns SQL echo on: no SQLALCHEMY_ECHO among the DEFAULTS of
service/config.py, no `echo=` nor SQLALCHEMY_ENGINE_OPTIONS in service/extensions.py or
service/app.py, and migrations/alembic.ini keeps `sqlalchemy.engine` at WARN (only an operator's
FLASK_SQLALCHEMY_ECHO, read by `from_prefixed_env`, could turn it on). The test asserts the
engine's echo is off and sets that logger to WARNING rather than DEBUG, so that what it
captures is what the service itself logs.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import logging
import re
import tempfile
import time
import zipfile
from pathlib import Path

from aiosmtpd.controller import Controller
from marshmallow import Schema, fields, validate
from pypdf import PdfReader
from sqlalchemy import select

from service import config as service_config
from service.extensions import db
from service.kinds import get as kind
from service.kinds.fields import SHORT, Text
from service.notifications import tasks
from service.referrals.models import Referral
from service.registry.models import RegistryEntry
from service.rendering import pdf as pdf_rendering
from tests.helpers import fill_section, sample_fiche, start_draft, submit_draft
from tests.notifications.conftest import Inbox, free_port
from tests.security.harness import (
    bearer,
    ctx,
    dispose,
    issue_token,
    seeded_app,
    structure_id,
    submit_through_web,
    web_login,
)
from tests.web.test_household_documents import sample

SENTINEL = "zqxsentinel"  # searched case-insensitively; each field gets its own numbered token
API = "/api/v1"
LOGGERS_AT_DEBUG = ("", "service", "werkzeug", "weasyprint", "fontTools", "celery")
# Never DEBUG or INFO: at INFO it logs SQL parameters (see the module's docstring).
SQL_LOGGER = "sqlalchemy.engine"
# What every LogRecord has; anything else on a record was given with `extra=` and is shown by
# structured (JSON) log formatters, so it is captured too.
STANDARD_ATTRIBUTES = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message", "asctime"}
DIGEST = re.compile(r"^[0-9a-f]{64}$")


# --- The sentinel in every free-text field ---------------------------------------------------

class Tokens:
    """Numbered sentinel tokens, so that a leak names the field it came from."""

    def __init__(self):
        self.issued: dict[str, str] = {}  # token -> where it was put
        self.count = 0

    def new(self, where: str) -> str:
        self.count += 1
        token = f"Zqxsentinel{self.count:03d}"
        self.issued[token] = where
        return token

    def where(self, text: str) -> list[str]:
        """The fields whose token `text` holds (the bare sentinel when none is whole)."""
        lowered = text.lower()
        found = [f"{t} ({w})" for t, w in self.issued.items() if t.lower() in lowered]
        return found or [SENTINEL]


def _child(node, key):
    """The schema or field that describes `node[key]` (None: not described)."""
    field = None
    if isinstance(node, Schema):
        field = node.fields.get(key)
    elif isinstance(node, fields.List):
        field = node.inner
    return field.schema if isinstance(field, fields.Nested) else field


def _strings(data, node, path=()):
    """(path, value, field) of every string of `data`, recursively, with its schema field."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, _child(node, key), (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, _child(node, index), (*path, index))
    elif isinstance(data, str):
        yield path, data, node


def _is_free_text(field) -> bool:
    """A `text()` field (an unknown key counts too: the validation loop reverts it)."""
    if field is None:
        return True
    return isinstance(field, Text) and not any(
        isinstance(v, validate.OneOf) for v in field.validators)


def _max_length(field) -> int:
    for validator in getattr(field, "validators", ()):
        if isinstance(validator, validate.Length) and validator.max:
            return validator.max
    return SHORT


def _error_at(errors, path) -> bool:
    node = errors
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return False
        node = node[key]
    return True


def _set(data, path, value) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def with_sentinels(data: dict, kind_key: str, tokens: Tokens) -> tuple[dict, dict, list]:
    """A copy of `data` with a token in every free-text field the schema accepts one in:
    (marked data, {token: path}, [paths left unchanged, with why])."""
    schema = kind(kind_key).schema()
    options: dict[tuple, list[str]] = {}
    token_of: dict[tuple, str] = {}
    unchanged = []
    for path, value, field in _strings(data, schema):
        where = ".".join(map(str, path))
        if not _is_free_text(field):
            unchanged.append((where, type(field).__name__ + (
                " (a code from a list)" if isinstance(field, Text) else "")))
            continue
        token = tokens.new(f"{kind_key}: {where}")
        token_of[path] = token
        candidates = []
        if len(f"{value} {token}".strip()) <= _max_length(field):
            candidates.append(f"{value} {token}".strip())
        if "@" in value:  # an address keeps the shape of one
            candidates.append(f"{token.lower()}@exemple.fr")
        candidates.append(token)
        options[path] = candidates
    marked = copy.deepcopy(data)
    for _ in range(5):
        for path, candidates in options.items():
            _set(marked, path, candidates[0])
        errors = schema.validate(marked)
        refused = [p for p in options if _error_at(errors, p)]
        if not refused:
            break
        for path in refused:
            options[path].pop(0)
            if not options[path]:  # no value with a token is valid here: keep the sample's
                del options[path]
                tokens.issued.pop(token_of.pop(path))
                _set(marked, path, _value_at(data, path))
                unchanged.append((".".join(map(str, path)), "refused with a token: "
                                  + json.dumps(_error_path(errors, path), ensure_ascii=False)))
    assert schema.validate(marked) == {}, schema.validate(marked)
    return marked, {token_of[p]: p for p in options}, unchanged


def _value_at(data, path):
    for key in path:
        data = data[key]
    return data


def _error_path(errors, path):
    for key in path:
        errors = errors[key]
    return errors


# --- What is captured ------------------------------------------------------------------------

class KeepEverything(logging.Handler):
    """Every record, formatted with its exception and stack, and its `extra=` attributes."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        self.lines: list[str] = []
        self.names: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        self.names.add(record.name)
        try:
            line = self.format(record)
        except Exception as exc:  # noqa: BLE001  (a broken record is captured raw)
            line = f"UNFORMATTABLE {record.name}: {record.msg!r} % {record.args!r} ({exc!r})"
        extra = {k: v for k, v in record.__dict__.items() if k not in STANDARD_ATTRIBUTES}
        if extra:
            line += f" extra={extra!r}"
        self.lines.append(line)


class Capture:
    """KeepEverything on the root logger (and on any logger that does not propagate), the
    named loggers at DEBUG, SQL at WARNING; `stop` puts everything back."""

    def __init__(self):
        self.handler = KeepEverything()
        self.attached: list[logging.Logger] = []
        self.levels: dict[str, int] = {}
        self.disabled: list[logging.Logger] = []

    def attach(self) -> None:
        loggers = [logging.getLogger()] + [
            lg for lg in logging.root.manager.loggerDict.values()
            if isinstance(lg, logging.Logger) and not lg.propagate]
        for logger in loggers:
            if logger not in self.attached:
                logger.addHandler(self.handler)
                self.attached.append(logger)

    def set_levels(self) -> None:
        """After create_app, which puts weasyprint and fontTools back to WARNING.

        Any disabled logger is enabled again too (migrations/env.py keeps the existing
        loggers since it disabled them all once): a silenced logger would let this test prove
        nothing, so it also fails below if the service logged nothing at all."""
        for logger in logging.root.manager.loggerDict.values():
            if isinstance(logger, logging.Logger) and logger.disabled:
                logger.disabled = False
                self.disabled.append(logger)
        for name in (*LOGGERS_AT_DEBUG, SQL_LOGGER):
            self.levels.setdefault(name, logging.getLogger(name).level)
            logging.getLogger(name).setLevel(logging.WARNING if name == SQL_LOGGER
                                             else logging.DEBUG)

    def stop(self) -> None:
        for logger in self.attached:
            logger.removeHandler(self.handler)
        for name, level in self.levels.items():
            logging.getLogger(name).setLevel(level)
        for logger in self.disabled:
            logger.disabled = True


def _texts_of_file(path: Path) -> list[tuple[str, bytes]]:
    """(what, bytes) to search in a file: itself, the members of a ZIP (a DOCX), the text of a
    PDF (whose content streams are compressed)."""
    data = path.read_bytes()
    found = [("", data)]
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            found += [(f" [{name}]", archive.read(name)) for name in archive.namelist()]
    if data.startswith(b"%PDF-"):
        try:
            text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
        except Exception as exc:  # noqa: BLE001  (an unreadable leftover is reported as such)
            text = f"unreadable PDF: {exc!r}"
        found.append((" [PDF text]", text.encode("utf-8")))
    return found


def _holds_sentinel(data: bytes) -> str | None:
    lowered = data.lower()  # ASCII letters only: also lowers UTF-16 code units of ASCII
    for encoding in ("utf-8", "utf-16-be", "utf-16-le"):
        if SENTINEL.encode(encoding) in lowered:
            return encoding
    return None


def files_with_sentinel(root: Path, skip=lambda path: False, since: float | None = None):
    problems = []
    if not root.exists():
        return problems
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if skip(path) or (since is not None and path.stat().st_mtime < since):
            continue
        for what, data in _texts_of_file(path):
            encoding = _holds_sentinel(data)
            if encoding:
                problems.append(f"{path}{what} holds the sentinel ({encoding})")
    return problems


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers_in(temporary: Path, fonts_dir: Path) -> list[str]:
    """What is left under `temporary`, but WeasyPrint's font folder: the service keeps one
    FontConfiguration per process (service/rendering/pdf.py, `_engine`), which copies the
    documents' @font-face files into a « weasyprint-* » folder removed when the process ends.
    It is allowed only while every file in it is a byte copy of one of the service's fonts."""
    fonts = {_sha256(p) for p in fonts_dir.rglob("*") if p.is_file()}
    left = []
    for path in sorted(temporary.rglob("*")):
        font_folder = path.parent == temporary and path.is_dir() \
            and path.name.startswith("weasyprint-")
        font_copy = path.parent.parent == temporary and path.parent.name.startswith(
            "weasyprint-") and path.is_file() and _sha256(path) in fonts
        if not (font_folder or font_copy):
            left.append(str(path.relative_to(temporary)))
    return left


def pdf_text(data: bytes) -> str:
    """The PDF's text without any blank: a token broken across lines is found whole."""
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", "", text)


# --- The flows -------------------------------------------------------------------------------

def _fiche_through_the_api(app, tokens, found) -> str:
    """The marked fiche through POST /api/v1/fiches, read back and downloaded; then an invalid
    one (422). Returns the referral's id."""
    api = app.test_client()
    orienteur = bearer(issue_token(app, "orienteur@demo.example"))
    data, placed, _ = with_sentinels(sample_fiche(), "fiche_de_lien", tokens)
    created = api.post(f"{API}/fiches", json=data, headers=orienteur)
    assert created.status_code == 201, created.get_data(as_text=True)[:2000]
    body = api.get(created.headers["Location"], headers=orienteur).get_json()
    found["api snapshot"] = (json.dumps(body["snapshot"], ensure_ascii=False), placed)
    pdf = api.get(body["latest"]["pdf_url"], headers=orienteur)
    assert pdf.status_code == 200
    found["api pdf"] = (pdf.data, _token_at(placed, "menage", "demandeur", "nom"))
    assert api.get(f"{API}/documents/{body['latest']['id']}/docx",
                   headers=orienteur).status_code == 200

    bad = copy.deepcopy(data)
    bad["menage"]["demandeur"]["prenom"] = tokens.new("invalid api: prenom (too long)") * 10
    bad["origine"]["date_fiche"] = tokens.new("invalid api: date_fiche (not a date)")
    # A zero-width space: the French message quotes the text typed before it.
    bad["origine"]["autre_referent"] = tokens.new("invalid api: autre_referent") + "\u200b!"
    refused = api.post(f"{API}/fiches", json=bad, headers=orienteur)
    assert refused.status_code == 422, refused.get_data(as_text=True)[:2000]
    errors = refused.get_json()["errors"]["json"]
    assert errors["menage"]["demandeur"]["prenom"] == ["100 caractères au maximum."]
    assert errors["origine"]["date_fiche"] == ["Date non valide (jj/mm/aaaa)."]
    assert "espace sans chasse" in errors["origine"]["autre_referent"][0]
    return body["id"]


def _token_at(placed: dict, *path) -> str:
    return next(t for t, p in placed.items() if p == path)


def _fiche_through_the_web(app, tokens, found) -> None:
    """The marked fiche filled section by section and sent; then an invalid section and an
    incomplete draft sent anyway (422)."""
    client = web_login(app, "orienteur@demo.example")
    data, placed, _ = with_sentinels(sample_fiche(), "fiche_de_lien", tokens)
    _, entry_id = submit_through_web(client, data)
    with ctx(app) as session:
        snapshot = session.get(RegistryEntry, entry_id).snapshot
    found["web snapshot"] = (json.dumps(snapshot, ensure_ascii=False), placed)
    pdf = client.get(f"/documents/{entry_id}/telecharger.pdf")
    assert pdf.status_code == 200, pdf.status_code
    found["web pdf"] = (pdf.data, _token_at(placed, "menage", "demandeur", "nom"))

    draft_id = start_draft(client)
    origine = copy.deepcopy(data["origine"])
    origine["prescripteur_nom"] = tokens.new("invalid web: prescripteur_nom (too long)") * 20
    origine["date_fiche"] = tokens.new("invalid web: date_fiche (not a date)")
    origine["autre_referent"] = tokens.new("invalid web: autre_referent") + "\u200b!"
    page = fill_section(client, draft_id, "origine", origine)
    assert page.status_code == 422, page.status_code
    html = page.get_data(as_text=True)
    assert "200 caractères au maximum." in html and "Date non valide (jj/mm/aaaa)." in html
    response, _ = submit_draft(client, draft_id)
    assert response.status_code == 422, response.status_code


def _decision_and_protocol(app, referral_id, tokens, found, inbox) -> None:
    """The Plateforme admits the API's fiche (a comment with a token), the decision e-mail is
    sent; the team creates a marked protocole de crise, signs it (names with tokens) and seals
    it; an invalid protocol is refused (422)."""
    api = app.test_client()
    plateforme = bearer(issue_token(app, "plateforme@demo.example"))
    version = api.get(f"{API}/fiches/{referral_id}", headers=plateforme).get_json()["version"]
    decided = api.post(f"{API}/fiches/{referral_id}/decision", headers=plateforme, json={
        "decision": "admis", "version": version,
        "team_structure_id": structure_id(app, "accompagnant@demo.example"),
        "comment": f"Admission validée en commission {tokens.new('decision: comment')}"})
    assert decided.status_code == 200, decided.get_data(as_text=True)[:1000]
    household_id = decided.get_json()["household_id"]
    with app.app_context():
        tasks.notify_decision.run(referral_id)  # the queued task's body, as the worker runs it
        db.session.remove()
    assert inbox.to("orienteur@demo.example"), "the decision e-mail was not sent"

    team = bearer(issue_token(app, "accompagnant@demo.example"))
    data, placed, _ = with_sentinels(sample("protocole_crise"), "protocole_crise", tokens)
    made = api.post(f"{API}/menages/{household_id}/documents/protocole_crise", json=data,
                    headers=team)
    assert made.status_code == 201, made.get_data(as_text=True)[:2000]
    protocol = made.get_json()
    with ctx(app) as session:
        snapshot = session.get(RegistryEntry, protocol["id"]).snapshot
    found["protocol snapshot"] = (json.dumps(snapshot, ensure_ascii=False), placed)
    pdf = api.get(protocol["pdf_url"], headers=team)
    assert pdf.status_code == 200
    found["protocol pdf"] = (pdf.data, _token_at(placed, "entete", "personne"))
    for name, quality in ((f"Nadia Ferhat {tokens.new('signature: personne')}", "personne"),
                          (f"Julie Roux {tokens.new('signature: referent')}", "referent")):
        signed = api.post(f"{API}/documents/{protocol['id']}/signatures", headers=team,
                          json={"nom": name, "qualite": quality, "methode": "nom_tape"})
        assert signed.status_code == 201, signed.get_data(as_text=True)[:1000]
    sealed = api.post(f"{API}/documents/{protocol['id']}/sceau", headers=team)
    assert sealed.status_code == 201, sealed.get_data(as_text=True)[:1000]

    bad = copy.deepcopy(data)
    bad["entete"]["personne"] = tokens.new("invalid protocol: personne (too long)") * 20
    bad["entete"]["date_revision"] = tokens.new("invalid protocol: date_revision")
    refused = api.post(f"{API}/menages/{household_id}/documents/protocole_crise", json=bad,
                       headers=team)
    assert refused.status_code == 422, refused.get_data(as_text=True)[:1000]


def run_sentinel_flows(seeded_template, tmp_path: Path, monkeypatch, capfd) -> None:
    """Everything the test does; a scratch test calls it with a leak added, to see it fail."""
    started = time.time() - 1  # file times may be rounded down
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    monkeypatch.setenv("TMPDIR", str(temporary))
    # The PDF engine is made once per process and keeps a temporary folder (its fonts) for the
    # process's life: made again here, it writes under this test's folder, where it is searched.
    pdf_rendering._engine.cache_clear()
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port(), auth_require_tls=False)
    capture = Capture()
    capture.attach()  # before create_app: what it logs is captured too
    smtp.start()
    tokens, found = Tokens(), {}
    app = None
    try:
        app = seeded_app(seeded_template, data_dir,
                         SEAL_DIR=str(data_dir / "cachet"),
                         MAIL_OUTBOX_DIR=str(data_dir / "courriels"),
                         MAIL_HOST="127.0.0.1", MAIL_PORT=smtp.port, MAIL_USE_TLS=False,
                         MAIL_USE_SSL=False, MAIL_USERNAME="", MAIL_PASSWORD="",
                         PUBLIC_BASE_URL="https://documents.lda.test")
        app.config["PROPAGATE_EXCEPTIONS"] = False  # a failure is a logged 500, as in production
        capture.attach()
        capture.set_levels()
        with app.app_context():
            assert db.engine.echo is False and not app.config.get("SQLALCHEMY_ECHO")
        referral_id = _fiche_through_the_api(app, tokens, found)
        _fiche_through_the_web(app, tokens, found)
        _decision_and_protocol(app, referral_id, tokens, found, inbox)
        with ctx(app) as session:
            assert session.execute(select(Referral)).scalars().all()
    finally:
        smtp.stop()
        capture.stop()
        # Listed while the PDF engine and its font folder still live, as in a running worker.
        leftovers = leftovers_in(temporary, Path(service_config.DEFAULTS["DOC_TEMPLATES"])
                                 / "_shared" / "fonts")
        pdf_rendering._engine.cache_clear()  # the next tests' renders use their own folders
        if app is not None:
            blob_root = Path(app.config["BLOB_ROOT"])
            database = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
            dispose(app)
    out, err = capfd.readouterr()

    # Not vacuous: the tokens are where they must be.
    for flow in ("api snapshot", "web snapshot", "protocol snapshot"):
        text, placed = found[flow]
        missing = [f"{t} ({'.'.join(map(str, p))})" for t, p in placed.items()
                   if t.lower() not in text.lower()]
        assert not missing, f"{flow}: tokens not registered: {missing}"
        assert len(placed) > 20, (flow, len(placed))
    for flow in ("api pdf", "web pdf", "protocol pdf"):
        data, token = found[flow]
        assert token.lower() in pdf_text(data).lower(), f"{flow}: {token} not printed"
    assert any(name.startswith("service.") for name in capture.handler.names), \
        "the service logged nothing: are its loggers disabled, or the capture not attached?"

    leaks = []
    for line in capture.handler.lines:
        if SENTINEL in line.lower():
            leaks.append(f"log line holding {tokens.where(line)}: {line[:300]!r}")
    for name, stream in (("stdout", out), ("stderr", err)):
        for line in stream.splitlines():
            if SENTINEL in line.lower():
                leaks.append(f"{name} line holding {tokens.where(line)}: {line[:300]!r}")
    leaks += files_with_sentinel(temporary)
    if leftovers:
        leaks.append(f"left in the temporary folder: {leftovers}")
    # The data folder, but the stored documents (blob store) and the database, where the
    # answers legitimately live. The celery queue, the mail outbox, the seal are searched.
    stored = {database, database.with_name(database.name + "-wal"),
              database.with_name(database.name + "-shm"),
              database.with_name(database.name + "-journal")}
    leaks += files_with_sentinel(
        data_dir, skip=lambda p: p in stored or blob_root in p.parents)
    stray = [str(p) for p in blob_root.rglob("*") if p.is_file() and not DIGEST.match(p.name)]
    if stray:
        leaks.append(f"files in the blob store that are no stored document: {stray}")
    # Anything written meanwhile under the project's own generated/ (a path left at its
    # default would land there).
    leaks += files_with_sentinel(service_config.GENERATED, since=started)
    messages = [message for _, message in inbox.received]
    assert messages, "no e-mail was sent: the e-mail check would prove nothing"
    for message in messages:
        raw = message.as_bytes()
        content = message.get_body(("plain",)).get_content().encode("utf-8")
        if _holds_sentinel(raw) or _holds_sentinel(content):
            leaks.append(f"e-mail « {message['Subject']} » to {message['To']} holds "
                         f"{tokens.where(raw.decode('utf-8', 'replace') + content.decode())}")
    assert not leaks, "personal data leaked:\n  " + "\n  ".join(leaks)


def test_a_sentinel_in_every_field_reaches_no_log_temporary_file_or_email(
        seeded_template, tmp_path, monkeypatch, capfd):
    run_sentinel_flows(seeded_template, tmp_path, monkeypatch, capfd)
