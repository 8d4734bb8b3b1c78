"""Case: the assembled dossier of an application with 10, 100 and 300 pages of uploads, and the
same merge done by qpdf.

Each size runs in fresh processes on its own SQLite database and blob root. The first one
(`--prepare`) migrates, seeds the demo accounts, creates the seed's call and the golden sample's
application (tests/golden/candidature), then makes its uploads: word-processor exports (text in
an embedded font, a bar chart or a table drawn in vectors) and scans (one JPEG per page), spread
over the call's six uploaded pieces, each accepted as a candidate's upload is (checked and
cleaned, service.uploads). The second one (`--measure`) loads the application and times, in
alternating rounds after one warm-up:
  - `assemble`, the whole dossier (the peak memory, VmHWM, is read around these calls);
  - its two parts alone: `lay_out` (WeasyPrint: cover, table of contents, generated pieces and
    the uploads' empty pages) and `merge` (pypdf: the uploaded pages drawn in, every page
    stamped, the file written);
  - `qpdf --empty --remove-unreferenced-resources=no --pages <laid-out PDF> <uploads> -- out`
    on the same pieces as files: a plain concatenation without qpdf's resource cleanup
    (PERFORMANCE.md's reference figure), cold process as qpdf is used.
The ratio compared with the budget is merge / qpdf: the layout is WeasyPrint's, qpdf has none.

Entry points: `run(bench)` for the bench runner; `python -m bench.case_dossier [--quick] [10 300]`
alone (the same lines and verdicts, no results.json).
"""

from __future__ import annotations

import gc
import io
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path

SIZES = (10, 100, 300)
BUDGET_SIZE = 300
ROUNDS, QUICK_ROUNDS = 5, 3  # median of 5 for the budget's size in any run
MEMORY_BUDGET_MB, RATIO_AIM = 500, 3.0
ROOT = Path(__file__).resolve().parent.parent
A4 = (595.28, 841.89)

# The uploaded files of a dossier: (piece, file name, share of the pages, kind). The shares are
# a typical candidate's: long activity report, two years of scanned accounts, short statutes.
FILES = (
    ("statuts", "statuts-2023.pdf", 0.08, "text"),
    ("presentation", "rapport-activite-2024.pdf", 0.30, "text"),
    ("presentation", "annexes-rapport-2024.pdf", 0.10, "scan"),
    ("situation_financiere", "comptes-2023.pdf", 0.20, "scan"),
    ("situation_financiere", "comptes-2024.pdf", 0.22, "text"),
    ("composition_ca", "composition-ca-bureau.pdf", 0.03, "text"),
    ("agrement_ilgls", "arrete-agrement-ilgls.pdf", 0.02, "scan"),
    ("rib", "rib.pdf", 0.0, "scan"),  # always one page
)


def spread(total: int) -> list[tuple[str, str, int, str]]:
    """The files for `total` uploaded pages: each file one page at least, the rest by share."""
    assert total >= len(FILES), f"at least {len(FILES)} pages, one per file"
    counts = [1] * len(FILES)
    rest = total - len(FILES)
    shares = [share for _, _, share, _ in FILES]
    extra = [int(rest * s / sum(shares)) for s in shares]
    for index in sorted(range(len(FILES)), key=lambda i: -(rest * shares[i] / sum(shares)
                                                           - extra[i]))[:rest - sum(extra)]:
        extra[index] += 1
    counts = [c + e for c, e in zip(counts, extra, strict=True)]
    return [(key, name, count, kind)
            for (key, name, _, kind), count in zip(FILES, counts, strict=True)]


# ---- the uploaded files ----

WORDS = ("accompagnement logement ménage bail glissant équipe pluridisciplinaire insertion "
         "partenariat bailleur social commission attribution suivi contrat exercice comptes "
         "produits charges subvention association assemblée générale conseil administration "
         "bureau trésorier rapport activité personnes accueillies hébergement durable santé "
         "mentale rétablissement orientation plateforme territoire métropole département "
         "budget prévisionnel évaluation indicateurs maintien dans le logement").split()


def _stream(writer, data: bytes, **entries):
    from pypdf.generic import NameObject, StreamObject

    stream = StreamObject()
    stream._data = zlib.compress(data, 6)
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    for key, value in entries.items():
        stream[NameObject(f"/{key}")] = value
    return writer._add_object(stream)


def _paragraphs(rng: random.Random, lines: int, fits) -> list[str]:
    """Lines of text filling the text width (`fits(line)` tells whether a line still fits)."""
    out = []
    for _ in range(lines):
        words = [rng.choice(WORDS).capitalize()]
        while fits(" ".join([*words, "dans"])):
            words.append(rng.choice(WORDS))
        out.append(" ".join(words) + ("." if rng.random() < 0.3 else ""))
    return out


def _chart_ops(rng: random.Random, x: float, y: float) -> list[str]:
    """A bar chart: axes, grid lines, twelve bars in two colours, a curve over them."""
    ops = ["0.8 G 0.3 w"]
    ops += [f"{x:.1f} {y + 30 * i:.1f} m {x + 420:.1f} {y + 30 * i:.1f} l S" for i in range(6)]
    ops.append(f"0 G 0.8 w {x:.1f} {y + 160:.1f} m {x:.1f} {y:.1f} l {x + 420:.1f} {y:.1f} l S")
    for i in range(12):
        height = rng.uniform(20, 150)
        ops.append(f"{0.15 + 0.05 * (i % 2):.2f} 0.35 0.6 rg {x + 8 + 34 * i:.1f} {y:.1f} "
                   f"24 {height:.1f} re f")
    points = [(x + 20 + 34 * i, y + rng.uniform(40, 150)) for i in range(12)]
    ops.append("0.85 0.3 0.2 RG 1.2 w " + f"{points[0][0]:.1f} {points[0][1]:.1f} m " + " ".join(
        f"{a[0] + 11:.1f} {a[1]:.1f} {b[0] - 11:.1f} {b[1]:.1f} {b[0]:.1f} {b[1]:.1f} c"
        for a, b in zip(points, points[1:], strict=False)) + " S")
    return ops


def _table_ops(rng: random.Random, font: str, x: float, y: float) -> list[str]:
    """A table of accounts: ruled rows, a label and three amounts each."""
    ops = ["0 G 0.4 w"]
    for row in range(13):
        ops.append(f"{x:.1f} {y + 14 * row:.1f} m {x + 460:.1f} {y + 14 * row:.1f} l S")
    for col in (0, 220, 300, 380, 460):
        ops.append(f"{x + col:.1f} {y:.1f} m {x + col:.1f} {y + 168:.1f} l S")
    for row in range(12):
        cells = [rng.choice(WORDS).capitalize(),
                 *(f"{rng.randint(1000, 999_999):,}".replace(",", " ") for _ in range(3))]
        ops.append(f"BT {font} 8 Tf {x + 4:.1f} {y + 4 + 14 * row:.1f} Td ({cells[0]}) Tj ET")
        for index, cell in enumerate(cells[1:]):
            ops.append(f"BT {font} 8 Tf {x + 226 + 80 * index:.1f} {y + 4 + 14 * row:.1f} Td "
                       f"({cell}) Tj ET")
    return ops


def text_pdf(pages: int, title: str, seed: int) -> bytes:
    """A word-processor export: every page a heading, ~40 lines of text in an embedded
    TrueType font, and a bar chart or a ruled table drawn in vectors."""
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject

    from service.applications import stamp

    rng = random.Random(seed)
    writer = PdfWriter()
    font = stamp.load_font(str(ROOT / "doc_templates" / "_shared" / "fonts"))
    font_ref = stamp.add_font(writer, font)
    bold = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica-Bold"),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding")}))

    def fits(line: str) -> bool:
        return font.width(stamp.encode(line), 10) < 470

    for number in range(1, pages + 1):
        page = writer.add_blank_page(*A4)
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject(
            {NameObject("/F1"): font_ref, NameObject("/F2"): bold})})
        ops = [f"BT /F2 15 Tf 60 780 Td ({title} - page {number}) Tj ET"]
        lines = _paragraphs(rng, 24, fits)
        ops.append("BT /F1 10 Tf 13 TL 60 750 Td")
        ops += [f"({stamp.encode(line).decode('latin-1')}) '" for line in lines]
        ops.append("ET")
        drawing = (_chart_ops(rng, 80, 200) if number % 2 else
                   _table_ops(rng, "/F1", 60, 200))
        ops += ["q", *drawing, "Q"]
        ops.append("BT /F1 10 Tf 13 TL 60 170 Td")
        ops += [f"({stamp.encode(line).decode('latin-1')}) '" for line in _paragraphs(rng, 8, fits)]
        ops.append("ET")
        ops.append(f"BT /F1 8 Tf 500 40 Td (Page {number} sur {pages}) Tj ET")
        page[NameObject("/Contents")] = _stream(writer, "\n".join(ops).encode("latin-1"))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _scan_images(count: int = 6) -> list[bytes]:
    """Grey JPEGs of a printed page scanned at 150 dpi: lines of words, a stamp, a signature."""
    from PIL import Image, ImageDraw, ImageFilter

    images = []
    for index in range(count):
        rng = random.Random(100 + index)
        image = Image.new("L", (1240, 1754), 250)
        draw = ImageDraw.Draw(image)
        y = 160
        while y < 1500:
            x = 140
            while x < 1080:
                width = rng.randint(20, 110)
                draw.rectangle((x, y, min(x + width, 1100), y + 14), fill=rng.randint(30, 80))
                x += width + rng.randint(12, 20)
            y += rng.choice((28, 28, 28, 56))
        draw.ellipse((800, 1500, 1020, 1700), outline=90, width=6)
        draw.line([(200 + 8 * i, 1600 + rng.randint(-30, 30)) for i in range(60)], fill=40,
                  width=4)
        image = image.filter(ImageFilter.GaussianBlur(1.2))
        noise = Image.effect_noise(image.size, 6).point(lambda v: v - 128)
        image = Image.blend(image, noise.convert("L"), 0.04)
        out = io.BytesIO()
        image.save(out, "JPEG", quality=70)
        images.append(out.getvalue())
    return images


def scan_pdf(pages: int, images: list[bytes]) -> bytes:
    """A scanner's file: each page one JPEG image drawn over the whole page."""
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, NumberObject, StreamObject

    writer = PdfWriter()
    for number in range(pages):
        data = images[number % len(images)]
        image = StreamObject()
        image._data = data
        image.update({NameObject("/Type"): NameObject("/XObject"),
                      NameObject("/Subtype"): NameObject("/Image"),
                      NameObject("/Width"): NumberObject(1240),
                      NameObject("/Height"): NumberObject(1754),
                      NameObject("/ColorSpace"): NameObject("/DeviceGray"),
                      NameObject("/BitsPerComponent"): NumberObject(8),
                      NameObject("/Filter"): NameObject("/DCTDecode")})
        page = writer.add_blank_page(*A4)
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): (
            DictionaryObject({NameObject("/Im0"): writer._add_object(image)}))})
        page[NameObject("/Contents")] = _stream(
            writer, f"q {A4[0]:.2f} 0 0 {A4[1]:.2f} 0 0 cm /Im0 Do Q".encode())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# ---- the child processes ----

def _app(folder: str):
    from service.app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
                       "BLOB_ROOT": f"{folder}/objects", "SECRET_KEY": "bench"})


def prepare(total: int, folder: str) -> dict:
    """The database, the call, the golden sample's application and its uploads."""
    from datetime import timedelta

    from flask_migrate import upgrade

    from service.applications import vocabulary as V
    from service.applications.calls import create_call, seed_call
    from service.applications.models import Application, ApplicationPiece
    from service.demo import seed_accounts
    from service.extensions import db
    from service.ids import new_id
    from service.timeutil import utcnow
    from service.uploads.store import accept
    from tests.golden.candidature.sample import raw_application

    started = time.perf_counter()
    app = _app(folder)
    out: dict = {"pages": total, "files": []}
    with app.app_context():
        upgrade()
        users, _ = seed_accounts()
        candidate = users["candidat@demo.example"]
        call = create_call(seed_call(deadline=utcnow() + timedelta(days=30)))
        db.session.flush()
        sample = raw_application()
        application_id = new_id()
        db.session.add(Application(
            id=application_id, reference=sample["reference"], call_id=call.id,
            structure_id=candidate.structure_id, created_by_id=candidate.id, status=V.DRAFT,
            identity=sample["identite"], grouping=sample["groupement"],
            team=sample["equipe"]["postes"], note=sample["note"], budget=sample["budget"],
            conventions=sample["conventions"]))
        images = _scan_images()
        for position, (key, name, pages, kind) in enumerate(spread(total), start=1):
            data = (text_pdf(pages, name.removesuffix(".pdf"), position) if kind == "text"
                    else scan_pdf(pages, images))
            upload = accept(data, name, candidate, "candidature")
            db.session.add(ApplicationPiece(id=new_id(), application_id=application_id,
                                            piece_key=key, upload_id=upload.id,
                                            position=position))
            out["files"].append({"name": name, "kind": kind, "pages": pages,
                                 "kb": upload.size // 1024})
        db.session.commit()
        out["application"] = application_id
        db.session.remove()
        db.engine.dispose()
    out["prepare_s"] = time.perf_counter() - started
    return out


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    """Start VmHWM again from the current RSS (Linux's clear_refs 5); False where refused."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _cpu_s() -> float:
    """CPU seconds of this process and of its finished children (qpdf): the machine is
    shared, and CPU time is less disturbed by the other processes than wall time."""
    own, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                         resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(folder: str, application_id: str, rounds: int) -> dict:
    """In this process: time the dossier's assembly, its two parts and qpdf's merge."""
    from pypdf import PdfReader

    from service.applications import assembly
    from service.applications.models import Application
    from service.applications.service import loaded, raw_snapshot
    from service.extensions import db
    from service.uploads.store import upload_store
    from tests.golden.candidature.sample import sample_doc

    app = _app(folder)
    qpdf = shutil.which("qpdf")
    work = Path(folder) / "qpdf"
    work.mkdir(exist_ok=True)
    out: dict = {"rounds": rounds, "qpdf": bool(qpdf)}
    with app.app_context():
        application = db.session.get(Application, application_id)
        assert application is not None, application_id
        doc = sample_doc("Dossier de candidature", assembly.TEMPLATE)
        context = assembly.dossier_context(loaded(raw_snapshot(application)))
        context["doc"] = doc
        files = [f["_sha256"] for piece in context["pieces"] for f in piece["fichiers"]]
        store = upload_store()
        pieces = []
        for index, digest in enumerate(files):
            path = work / f"piece-{index:02}.pdf"
            path.write_bytes(store.get(digest))
            pieces.append(str(path))
        laid_out_file = work / "laid-out.pdf"

        def whole() -> bytes:
            return assembly.assemble(application, doc=doc)

        def lay_out() -> tuple[bytes, dict]:
            return assembly.lay_out(context)

        laid_out, where = lay_out()
        laid_out_file.write_bytes(laid_out)

        def merge() -> bytes:
            return assembly.merge(context, laid_out, where)

        def by_qpdf() -> None:
            assert qpdf is not None
            subprocess.run([qpdf, "--empty", "--remove-unreferenced-resources=no", "--pages",
                            str(laid_out_file), *pieces, "--", str(work / "out.pdf")],
                           check=True)

        calls: dict[str, Callable[[], object]] = {"assembly": whole, "layout": lay_out,
                                                  "merge": merge}
        if qpdf:
            calls["qpdf"] = by_qpdf
        pdf = whole()  # the warm-up: templates, fonts, the first layout
        out["dossier_pages"] = len(PdfReader(io.BytesIO(pdf)).pages)
        out["dossier_kb"] = len(pdf) // 1024
        del pdf
        gc.collect()
        out["rss_before_kb"] = _status_kb("VmRSS")
        samples: dict[str, list[float]] = {name: [] for name in calls}
        cpu: dict[str, list[float]] = {name: [] for name in calls}
        peaks = []
        order = list(calls)
        shuffle = random.Random(13).shuffle
        for _ in range(rounds):
            shuffle(order)
            for name in order:
                gc.collect()
                reset = name == "assembly" and _reset_peak()
                cpu_before = _cpu_s()
                started = time.perf_counter()
                calls[name]()
                samples[name].append(time.perf_counter() - started)
                cpu[name].append(_cpu_s() - cpu_before)
                if reset:
                    peaks.append(_status_kb("VmHWM"))
        out["samples_s"], out["cpu_samples_s"] = samples, cpu
        out.update({f"{name}_s": statistics.median(values) for name, values in samples.items()})
        out.update({f"{name}_cpu_s": statistics.median(values) for name, values in cpu.items()})
        # The assembly's peak (VmHWM reset before each call), else the process's own peak.
        out["peak_kb"] = max(peaks) if peaks else _status_kb("VmHWM")
        out["peak_measured"] = "assembly" if peaks else "process"
        if qpdf:
            out["qpdf_pages"] = int(subprocess.run(
                [qpdf, "--show-npages", str(work / "out.pdf")], capture_output=True,
                text=True, check=True).stdout)
        db.session.remove()
        db.engine.dispose()
    return out


def _run_child(*args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "bench.case_dossier", *args], cwd=ROOT,
                          capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=3600)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"bench.case_dossier {' '.join(args[:2])} failed:\n"
                           f"{done.stderr[-3000:]}")
    return json.loads(lines[-1])


def one_size(total: int, rounds: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="lda-bench-dossier-") as folder:
        prepared = _run_child("--prepare", str(total), folder)
        measured = _run_child("--measure", folder, prepared["application"], str(rounds))
    return {**prepared, **measured}


def line(f: dict) -> str:
    qpdf = (f"qpdf {f['qpdf_s'] * 1000:6.0f} ms · merge/qpdf {f['merge_s'] / f['qpdf_s']:5.1f}× "
            f"({f['merge_cpu_s'] / f['qpdf_cpu_s']:.1f}× in CPU time)"
            if f.get("qpdf") else "qpdf not installed")
    return (f"  {f['pages']:>4} pages of uploads in {len(f['files'])} files "
            f"({f['dossier_pages']} pages, {f['dossier_kb'] / 1024:.1f} MB): assembly "
            f"{f['assembly_s']:6.2f} s (layout {f['layout_s']:5.2f} s, merge "
            f"{f['merge_s'] * 1000:6.0f} ms) · peak {f['peak_kb'] / 1024:4.0f} MB · {qpdf}"
            f"  (median of {f['rounds']})")


def rounds_for(total: int, quick: bool) -> int:
    return ROUNDS if total == BUDGET_SIZE or not quick else QUICK_ROUNDS


def run(bench, sizes=SIZES) -> None:
    """The bench runner's entry point (bench.session.Bench)."""
    from bench.session import heading

    heading("Dossier de candidature: assembly with 10, 100 and 300 pages of uploads, vs qpdf")
    measured: dict[int, dict] = {}
    for total in sizes:
        measured[total] = one_size(total, rounds_for(total, bench.quick))
        print(line(measured[total]), flush=True)
        bench.record("dossier", str(total), {k: v for k, v in measured[total].items()
                                             if k != "application"})
    memory = f"dossier assembly with {BUDGET_SIZE} pages of uploads, peak memory (budget < " \
             f"{MEMORY_BUDGET_MB} MB)"
    ratio = f"dossier merge, pypdf vs qpdf on the same pieces (aim ≤ {RATIO_AIM:g}×)"
    figures = measured.get(BUDGET_SIZE)
    if figures is None:
        bench.verdicts.skip(memory, f"{BUDGET_SIZE} pages not measured")
        bench.verdicts.skip(ratio, f"{BUDGET_SIZE} pages not measured")
        return
    bench.verdicts.check(memory, figures["peak_kb"] / 1024, MEMORY_BUDGET_MB, unit=" MB",
                         detail=f"assembly {figures['assembly_s']:.2f} s, median of "
                                f"{figures['rounds']}; VmHWM of the "
                                f"{figures['peak_measured']}")
    if not figures.get("qpdf"):
        bench.verdicts.skip(ratio, "qpdf is not installed (Debian package qpdf, "
                                   "scripts/bench-deps.sh)")
        return
    bench.verdicts.check(ratio, figures["merge_s"] / figures["qpdf_s"], RATIO_AIM,
                         detail=f"merge {figures['merge_s'] * 1000:.0f} ms, qpdf "
                                f"{figures['qpdf_s'] * 1000:.0f} ms, {BUDGET_SIZE} pages; in CPU "
                                f"time {figures['merge_cpu_s'] / figures['qpdf_cpu_s']:.2f}×")


def main(argv: list[str]) -> None:
    if argv[:1] == ["--prepare"]:
        print(json.dumps(prepare(int(argv[1]), argv[2])))
        return
    if argv[:1] == ["--measure"]:
        print(json.dumps(measure(argv[1], argv[2], int(argv[3]))))
        return
    from bench.session import Bench

    quick = "--quick" in argv
    run(Bench(quick=quick), tuple(int(a) for a in argv if a != "--quick") or SIZES)


if __name__ == "__main__":
    main(sys.argv[1:])
