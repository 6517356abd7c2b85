"""How long posters and reports take: layout, each format at A1, with and without data.

Builds a demo workspace (``--customers``, default 20,000), then times in this process:
the poster's layout of the demo journey and of a 12-stage, 60-touchpoint stress journey;
SVG, PDF, PNG (150 dpi) and HTML at A1; measuring the poster's data (``--with-data``: reach,
stage progression, moments, feedback; the first run also assigns the feedback); and a whole
``journeymap report``. For a reference point it also times matplotlib saving a figure of
comparable size as PNG and PDF, the tool an analyst would otherwise reach for.

    .venv/bin/python benchmarks/render_speed.py [--customers 20000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from journeymap.render import poster_html, poster_scene, to_pdf, to_png, to_svg
from journeymap.render.style import PosterSize
from journeymap.services import RenderService, build_demo
from journeymap.services.report import write_report

T = TypeVar("T")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "render"))
from test_poster import stress_content  # noqa: E402  (the tests' stress journey)


def timed(what: str, run: Callable[[], T], rows: list[tuple[str, float, str]]) -> T:
    started = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - started
    size = f"{len(result):,} bytes" if isinstance(result, bytes | str) else ""
    rows.append((what, seconds, size))
    print(f"{what:<52} {seconds:8.2f} s  {size}", flush=True)
    return result


def matplotlib_reference(rows: list[tuple[str, float, str]], folder: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(9, 10, figsize=(841 / 25.4, 594 / 25.4))
    for axis in axes.flat:
        axis.plot(range(10), [v % 3 for v in range(10)])
        axis.set_title("Touchpoint name", fontsize=8)
    timed("matplotlib: A1 figure of 90 small plots as PNG, 150 dpi",
          lambda: figure.savefig(folder / "m.png", dpi=150), rows)  # fmt: skip
    timed("matplotlib: the same as PDF", lambda: figure.savefig(folder / "m.pdf"), rows)
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=20_000)
    args = parser.parse_args()
    rows: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary) / "demo"
        timed(f"build the demo ({args.customers:,} customers)",
              lambda: build_demo(folder, customers=args.customers), rows)  # fmt: skip
        with RenderService.open(folder) as service:
            plain = service.poster_content("busy-parent-journey")
            scene = timed("layout: demo poster (10 stages, 27 touchpoints)",
                          lambda: poster_scene(plain, size=PosterSize.A1), rows)  # fmt: skip
            stress = stress_content()
            timed("layout: stress poster (12 stages, 60 touchpoints)",
                  lambda: poster_scene(stress, size=PosterSize.A1), rows)  # fmt: skip
            timed("SVG, A1", lambda: to_svg(scene), rows)
            timed("PDF, A1", lambda: to_pdf(scene), rows)
            timed("PNG, A1 at 150 dpi", lambda: to_png(scene, dpi=150), rows)
            timed("HTML", lambda: poster_html(scene), rows)
            timed("measure the data, first time (assigns the feedback)",
                  lambda: service.poster_content("busy-parent-journey", with_data=True),
                  rows)  # fmt: skip
            timed("measure the data again (assignment cached)",
                  lambda: service.poster_content("busy-parent-journey", with_data=True),
                  rows)  # fmt: skip
            timed("journeymap report (poster, every chart, tables)",
                  lambda: write_report(service, "busy-parent-journey",
                                       Path(temporary) / "report"), rows)  # fmt: skip
        matplotlib_reference(rows, Path(temporary))
    print("\n| step | seconds | output |\n|---|---:|---|")
    for what, seconds, size in rows:
        print(f"| {what} | {seconds:.2f} | {size} |")


if __name__ == "__main__":
    main()
