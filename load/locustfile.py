"""Locust scenario: orienteurs send fiches, the Plateforme decides, the teams write and seal.

Run by `python -m load.run`, which seeds the accounts and writes the configuration this file
reads (LOAD_CONFIG: tokens per role, the teams' structure ids, how many users of each class);
see load/run.py. Never imported by the test process: locust patches the standard library with
gevent when it is imported, so it only ever runs as its own `locust` process.

Every acknowledged registration (a 201 with an id) is appended, as one JSON line, to
`acks-<pid>.jsonl` in LOAD_OUT the moment it is received, so the check after the run sees it
even if the process is stopped. Outcomes that are correct answers but not successes of the
action (a decision refused with 409 because another Plateforme user decided first) are counted
in `outcomes-<pid>.json` at the end.
"""

from __future__ import annotations

import base64
import csv
import itertools
import json
import os
import random
import re
import uuid
from collections import Counter, deque
from pathlib import Path

from locust import FastHttpUser, between, events, task
from locust.stats import PERCENTILES_TO_REPORT, StatsCSV

from tests.drawing import drawn_png

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
CONFIG = json.loads(Path(os.environ["LOAD_CONFIG"]).read_text(encoding="utf-8"))
OUT = Path(os.environ["LOAD_OUT"])
SEED = int(os.environ.get("LOAD_SEED", "2026"))
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
DOCUMENT_LINK = re.compile(r'href="/documents/([0-9a-f-]{36})')


def _sample(kind: str) -> dict:
    return json.loads((GOLDEN / kind / "input.json").read_text(encoding="utf-8"))


FICHE = _sample("fiche_de_lien")
PLAN = _sample("plan_action")
PROTOCOL = _sample("protocole_crise")


DRAWN = base64.b64encode(drawn_png()).decode()

# --- What this process saw ------------------------------------------------------------------

ACKS = OUT / f"acks-{os.getpid()}.jsonl"
OUTCOMES: Counter = Counter()
_acks_file = None


def acknowledge(kind: str, user: str, entry_id: str, key: str | None = None,
                referral_id: str | None = None, replay: bool = False) -> None:
    global _acks_file
    if _acks_file is None:
        _acks_file = ACKS.open("a", encoding="utf-8")
    _acks_file.write(json.dumps({"kind": kind, "user": user, "entry_id": entry_id, "key": key,
                                 "referral_id": referral_id, "replay": replay}) + "\n")
    _acks_file.flush()


@events.test_stop.add_listener
def _write_outcomes(**_kw) -> None:
    (OUT / f"outcomes-{os.getpid()}.json").write_text(json.dumps(OUTCOMES), encoding="utf-8")
    if _acks_file is not None:
        _acks_file.flush()


_environment = None


@events.init.add_listener
def _keep_environment(environment, **_kw) -> None:
    global _environment
    _environment = environment


@events.quit.add_listener
def _write_final_csv(**_kw) -> None:
    """Locust's CSV of the whole run, once the last request is in (`--csv` rewrites its
    files every second while running, so their last state can miss the final requests)."""
    if _environment is None:
        return
    writer = StatsCSV(_environment, PERCENTILES_TO_REPORT)
    for part, write in (("stats", writer.requests_csv), ("failures", writer.failures_csv),
                        ("exceptions", writer.exceptions_csv)):
        with (OUT / f"locust_final_{part}.csv").open("w", newline="", encoding="utf-8") as fh:
            write(csv.writer(fh))


# Admitted households waiting for their team, per team structure (one locust process: the
# Plateforme's users and the teams' users are greenlets of the same process).
WAITING: dict[str, deque] = {team: deque() for team in CONFIG["teams"]}
KNOWN: dict[str, list[str]] = {team: [] for team in CONFIG["teams"]}
_tokens = {role: itertools.cycle(tokens) for role, tokens in CONFIG["tokens"].items()}


def _next(role: str) -> dict:
    return next(_tokens[role])


def _expect(response, *statuses: int) -> bool:
    """Mark the request failed unless its status is one of `statuses` (with the status and
    the start of the body in the message, so 5xx are counted from the failures too)."""
    if response.status_code in statuses:
        response.success()
        return True
    body = (response.text or "")[:300].replace("\n", " ")
    response.failure(f"HTTP {response.status_code}: {body}")
    return False


class ApiUser(FastHttpUser):
    abstract = True
    role = ""
    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        account = _next(self.role)
        self.email = account["email"]
        self.team: str = account.get("team", "")
        self.auth = {"Authorization": f"Bearer {account['token']}"}
        self.rng = random.Random(f"{SEED}-{self.role}-{id(self)}")


class Orienteur(ApiUser):
    """Sends complete fiches through the API with an Idempotency-Key; sometimes retries one
    (the answer must be the first one's), reads its structure's list and one of its fiches."""

    role = "orienteur"
    fixed_count = CONFIG["mix"]["orienteur"]

    def on_start(self) -> None:
        super().on_start()
        self.sent: list[str] = []

    @task(6)
    def submit(self) -> None:
        key = f"load-{uuid.uuid4()}"
        headers = {**self.auth, "Idempotency-Key": key}
        with self.client.post("/api/v1/fiches", json=FICHE, headers=headers,
                              name="POST /api/v1/fiches", catch_response=True) as response:
            if not _expect(response, 201):
                return
            body = response.json()
            first = body["latest"]["id"]
            acknowledge("fiche_de_lien", self.email, first, key, body["id"])
        self.sent.append(body["id"])
        if self.rng.random() < 0.2:  # the client did not see the answer: it sends again
            with self.client.post("/api/v1/fiches", json=FICHE, headers=headers,
                                  name="POST /api/v1/fiches (retry, same key)",
                                  catch_response=True) as again:
                if not _expect(again, 201):
                    return
                replay = again.json()
                if replay["latest"]["id"] != first or replay["id"] != body["id"]:
                    again.failure(f"retry answered {replay['latest']['id']}, not {first}")
                    return
                acknowledge("fiche_de_lien", self.email, first, key, body["id"], replay=True)

    @task(2)
    def list_fiches(self) -> None:
        with self.client.get("/api/v1/fiches?page_size=20", headers=self.auth,
                             name="GET /api/v1/fiches", catch_response=True) as response:
            _expect(response, 200)

    @task(1)
    def read_fiche(self) -> None:
        if not self.sent:
            return
        referral = self.rng.choice(self.sent)
        with self.client.get(f"/api/v1/fiches/{referral}", headers=self.auth,
                             name="GET /api/v1/fiches/[id]", catch_response=True) as response:
            _expect(response, 200)


class WebOrienteur(FastHttpUser):
    """Logs in through the web form (CSRF, password), then reads the fiches page and downloads
    the PDF of a fiche of its structure."""

    fixed_count = CONFIG["mix"]["web"]
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        account = CONFIG["web"]
        self.rng = random.Random(f"{SEED}-web-{id(self)}")
        page = self.client.get("/connexion", name="GET /connexion")
        match = CSRF.search(page.text or "")
        with self.client.post("/connexion", data={
                "email": account["email"], "password": account["password"],
                "csrf_token": match.group(1) if match else ""},
                name="POST /connexion", allow_redirects=False, catch_response=True) as response:
            _expect(response, 302)

    @task(3)
    def my_fiches(self) -> None:
        with self.client.get("/fiches", name="GET /fiches (web)",
                             catch_response=True) as response:
            if not _expect(response, 200):
                return
            if 'name="password"' in (response.text or ""):  # sent back to the login page
                response.failure("not logged in")
                return
            self.entries = DOCUMENT_LINK.findall(response.text or "")

    @task(1)
    def download(self) -> None:
        entries = getattr(self, "entries", None)
        if not entries:
            return
        entry = self.rng.choice(entries)
        with self.client.get(f"/documents/{entry}/telecharger.pdf",
                             name="GET /documents/[id]/telecharger.pdf (web)",
                             catch_response=True) as response:
            if _expect(response, 200) and not (response.content or b"").startswith(b"%PDF"):
                response.failure("not a PDF")


class Plateforme(ApiUser):
    """Lists the received fiches and decides on one: admitted (to a team), waiting list or
    refused. Another Plateforme user may have decided first: 409, and nothing changes."""

    role = "plateforme"
    fixed_count = CONFIG["mix"]["plateforme"]

    @task
    def decide(self) -> None:
        with self.client.get("/api/v1/fiches?page_size=50", headers=self.auth,
                             name="GET /api/v1/fiches (Plateforme)",
                             catch_response=True) as response:
            if not _expect(response, 200):
                return
            received = [f["id"] for f in response.json() if f["status"] == "recue"]
        if not received:
            OUTCOMES["nothing to decide"] += 1
            return
        referral = self.rng.choice(received)
        draw = self.rng.random()
        teams = CONFIG["active_teams"]
        if draw < 0.6:
            team = teams[self.rng.randrange(len(teams))]
            body = {"decision": "admis", "team_structure_id": team,
                    "comment": "Logement proposé en commission."}
        elif draw < 0.8:
            team, body = None, {"decision": "liste_attente"}
        else:
            team, body = None, {"decision": "refuse", "reason": "hors_territoire"}
        # A received fiche has never been decided: its version is the first one. The list
        # does not give the version; the decision's answer does.
        body["version"] = 1
        with self.client.post(f"/api/v1/fiches/{referral}/decision", json=body,
                              headers=self.auth, name="POST /api/v1/fiches/[id]/decision",
                              catch_response=True) as response:
            if not _expect(response, 200, 409):
                return
            if response.status_code == 409:
                OUTCOMES["decision conflicts (409)"] += 1
                return
            OUTCOMES[f"decisions {body['decision']}"] += 1
            household = response.json()["household_id"]
        if team is not None:
            WAITING[team].append(household)


class Team(ApiUser):
    """A team's worker takes an admitted household of its team through its first documents,
    one request per task: plan d'action, protocole de crise, two signatures, the seal. With no
    household waiting it reads the documents of one it already followed."""

    role = "team"
    fixed_count = CONFIG["mix"]["team"]

    def on_start(self) -> None:
        super().on_start()
        self.household: str | None = None
        self.protocol: str | None = None
        self.step = 0

    def _register(self, path: str, name: str, kind: str, body: dict | None = None,
                  key: str | None = None) -> dict | None:
        headers = {**self.auth, **({"Idempotency-Key": key} if key else {})}
        with self.client.post(path, json=body, headers=headers, name=name,
                              catch_response=True) as response:
            if not _expect(response, 201):
                return None
            answer = response.json()
            acknowledge(kind, self.email, answer["id"], key)
            return answer

    @task
    def work(self) -> None:
        if self.household is None:
            waiting = WAITING[self.team]
            if not waiting:
                self._read()
                return
            self.household, self.step = waiting.popleft(), 0
            KNOWN[self.team].append(self.household)
        base = f"/api/v1/menages/{self.household}/documents"
        if self.step == 0:
            done = self._register(f"{base}/plan_action",
                                  "POST /api/v1/menages/[id]/documents/plan_action",
                                  "plan_action", PLAN, key=f"load-{uuid.uuid4()}")
        elif self.step == 1:
            done = self._register(f"{base}/protocole_crise",
                                  "POST /api/v1/menages/[id]/documents/protocole_crise",
                                  "protocole_crise", PROTOCOL, key=f"load-{uuid.uuid4()}")
            if done:
                self.protocol = done["id"]
        elif self.step == 2:
            done = self._sign({"nom": "Nadia Ferhat", "qualite": "personne",
                               "methode": "dessin", "dessin_png_base64": DRAWN})
        elif self.step == 3:
            done = self._sign({"nom": "Julien Castel", "qualite": "referent",
                               "methode": "nom_tape"})
        else:
            done = self._register(f"/api/v1/documents/{self.protocol}/sceau",
                                  "POST /api/v1/documents/[id]/sceau", "protocole_crise (sealed)")
            if done and done.get("status") != "signed":
                OUTCOMES["sealed but not « signed »"] += 1
            if done:
                OUTCOMES["protocols sealed"] += 1
        if not done:  # leave this household: a failed step is counted, the next one starts
            self.household = None
            return
        self.step += 1
        if self.step > 4:
            self.household = None

    def _sign(self, body: dict) -> dict | None:
        with self.client.post(f"/api/v1/documents/{self.protocol}/signatures", json=body,
                              headers=self.auth, name="POST /api/v1/documents/[id]/signatures",
                              catch_response=True) as response:
            return response.json() if _expect(response, 201) else None

    def _read(self) -> None:
        known = KNOWN[self.team]
        if not known:
            return
        household = self.rng.choice(known)
        with self.client.get(f"/api/v1/menages/{household}/documents", headers=self.auth,
                             name="GET /api/v1/menages/[id]/documents",
                             catch_response=True) as response:
            _expect(response, 200)
