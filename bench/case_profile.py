"""Case: where one warm service render goes: cProfile top 10, phases, unprofiled split."""

from __future__ import annotations

import cProfile
import gc
import io
import pstats
import time
from functools import partial

from bench import HTML_TEMPLATE, SHARED_DIR, TEMPLATES_DIR, engines, sample
from bench.session import Bench, heading
from bench.timing import Stats, timed

# (label, file suffix, function name): WeasyPrint 70's phases, outermost call of each.
PHASES = [
    ("Jinja (render_html)", "service/rendering/pdf.py", "render_html"),
    ("HTML parsing (HTML())", "weasyprint/__init__.py", "__init__"),
    ("style (get_all_computed_styles)", "weasyprint/css/__init__.py", "get_all_computed_styles"),
    ("box tree (build_formatting_structure)", "weasyprint/formatting_structure/build.py",
     "build_formatting_structure"),
    ("layout (layout_document)", "weasyprint/layout/__init__.py", "layout_document"),
    ("drawing (Page.paint → draw_page)", "weasyprint/document.py", "paint"),
    ("fonts: subset + embed (build_fonts_dictionary)", "weasyprint/pdf/fonts.py",
     "build_fonts_dictionary"),
    ("write: serialise + compress (pydyf PDF.write)", "pydyf/__init__.py", "write"),
]
COARSE = [
    ("Document._render (style + boxes + layout)", "weasyprint/document.py", "_render"),
    ("Document.write_pdf (draw + fonts + write)", "weasyprint/document.py", "write_pdf"),
]


def _cumulative(stats: pstats.Stats, suffix: str, name: str) -> float:
    """Cumulative time of the outermost entry of a function (max over same-named entries)."""
    times = [value[3] for (filename, _, func), value in stats.stats.items()
             if func == name and filename.endswith(suffix)]
    return max(times, default=0.0)


def _unprofiled(runs: int) -> dict[str, Stats]:
    """The service path split in three timed steps, without the profiler's overhead."""
    from weasyprint import HTML

    from service.rendering.pdf import _engine, render_html

    fetcher, fonts, css = _engine(TEMPLATES_DIR)
    base_url = SHARED_DIR.resolve().as_uri() + "/"
    steps = {k: Stats() for k in ("Jinja", "HTML()", "render()", "write_pdf()")}
    for n in range(runs + 2):
        t_jinja, html = timed(partial(render_html, TEMPLATES_DIR, HTML_TEMPLATE,
                                      sample.context()))
        t_parse, doc = timed(partial(HTML, string=html, base_url=base_url, url_fetcher=fetcher))
        t_render, document = timed(partial(doc.render, stylesheets=[css], font_config=fonts))
        t_write, _ = timed(document.write_pdf)
        if n >= 2:  # two warm-ups
            for key, value in zip(steps, (t_jinja, t_parse, t_render, t_write), strict=True):
                steps[key].samples.append(value)
    return steps


def run(bench: Bench) -> None:
    heading("Profile of one warm service render (cProfile)")
    for _ in range(bench.warmups):
        engines.service_pdf()
    profiler = cProfile.Profile()
    profiler.runcall(engines.service_pdf)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(10)
    top = out.getvalue()
    print("\n".join("  " + line for line in top[top.find("   ncalls"):].rstrip().splitlines()))
    total = _cumulative(stats, "bench/engines.py", "service_pdf")
    print(f"\n  phases of the {total * 1000:.0f} ms profiled render (cProfile inflates Python):")
    shares = []
    for label, suffix, name in PHASES + COARSE:
        seconds = _cumulative(stats, suffix, name)
        if (label, suffix, name) in PHASES:
            shares.append((seconds, label))
        print(f"    {label:<48} {seconds * 1000:7.0f} ms  {seconds / total:6.1%}")
    seconds, label = max(shares)
    print(f"  dominant phase: {label} ({seconds / total:.0%} of the profiled render)")
    steps = _unprofiled(5)
    whole = sum(s.median for s in steps.values())
    print("  without profiler (medians of 5): " + ", ".join(
        f"{k} {s.median * 1000:.0f} ms ({s.median / whole:.0%})" for k, s in steps.items()))
    collector = _collector_share(3 if bench.quick else 8)
    print(f"  garbage collector during {collector['renders']} renders: "
          f"{collector['share']:.0%} of the render time "
          f"({collector['ms_per_render']:.0f} ms per render; " + ", ".join(
              f"gen{g} {n / collector['renders']:.1f}×" for g, n in collector["runs"].items())
          + f" per render); {collector['tracked']} objects tracked, "
          f"{collector['frozen']} frozen")
    bench.record("profile", "phases_ms", {k: s.median * 1000 for k, s in steps.items()})
    bench.record("profile", "collector", collector)


def _collector_share(renders: int) -> dict:
    """Time spent in the cyclic garbage collector during service renders (gc.callbacks)."""
    spent, runs, started = [0.0], {0: 0, 1: 0, 2: 0}, [0.0]

    def callback(phase: str, info: dict) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            spent[0] += time.perf_counter() - started[0]
            runs[info["generation"]] += 1

    gc.callbacks.append(callback)
    try:
        seconds = timed(lambda: [engines.service_pdf() for _ in range(renders)])[0]
    finally:
        gc.callbacks.remove(callback)
    return {"renders": renders, "share": spent[0] / seconds,
            "ms_per_render": spent[0] / renders * 1000, "runs": runs,
            "tracked": len(gc.get_objects()), "frozen": gc.get_freeze_count()}
