"""Benchmark: how well feedback is assigned to touchpoints and scored, and how fast, on the demo.

Generates the demo (cached per size and seed), imports its customers and feedback (support
mbox, reviews, NPS answers) into a fresh analytics database the way ``journeymap import``
does, then, for the first demo journey:

- **assignment quality** against ``feedback/labels.csv``, the generator's answer key:
  coverage (share of labelled items assigned), accuracy and macro-F1 on the assigned ones,
  the same at stage level, per source; with and without the event context; the accuracy at
  other thresholds, and how often items of each confidence are right (calibration);
- **sentiment agreement** with the planted sign, for each text model (``vader`` and
  ``learned``): the item's sentiment (the rating where there is one) and the text model's
  alone, per source and sign, how many planted-neutral items read negative, and the German
  and French e-mails on their own;
- **the home-delivery pain points**: its themes, and how many of the late-delivery
  complaints reach them with each text model;
- **throughput on two CPU cores** (torch and OpenMP set to 2 threads): messages per second
  end to end for assignment (texts out of the database, embeddings, event context, model),
  the model's loading time apart::

    OMP_NUM_THREADS=2 .venv/bin/python benchmarks/voice_quality.py                  # 50k customers
    OMP_NUM_THREADS=2 .venv/bin/python benchmarks/voice_quality.py --customers 2000 # a quick check
    OMP_NUM_THREADS=2 .venv/bin/python benchmarks/voice_quality.py --precision float32
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "2")

import ibis
import numpy as np
import pyarrow.csv as pacsv
from sklearn.metrics import f1_score

from journeymap.analytics.matching import match_touchpoints
from journeymap.demo import demo_workspace, generate_demo
from journeymap.demo.mail_templates import FOREIGN_GREETING
from journeymap.engine import AnalyticsDatabase, database_path
from journeymap.ingest import read_customers, read_events
from journeymap.services.feedback import import_feedback_files
from journeymap.voice.assignment import (
    Assignments,
    AssignmentSettings,
    embed_items,
    feedback_texts,
    final_assignment,
    model_assignment,
    thread_ids,
)
from journeymap.voice.embeddings import ItemEmbeddings, KnownVectors, MiniLMEncoder
from journeymap.voice.learned_sentiment import LearnedSentiment
from journeymap.voice.priors import customer_context
from journeymap.voice.profiles import encode_profiles, touchpoint_profiles
from journeymap.voice.sentiment import (
    SentimentModel,
    SentimentScores,
    VaderSentiment,
    score_sentiment,
    sentiment_texts,
)
from journeymap.voice.themes import pain_point_themes

NEUTRAL = 0.05
"""VADER's convention: scores within ±0.05 are neutral."""


def demo_database(folder: Path, customers: int, seed: int) -> Path:
    """The demo generated and imported once per size and seed; returns the demo folder."""
    root = folder / f"voice-demo-{customers}-{seed}"
    marker = root / "imported"
    if marker.exists():
        return root
    generate_demo(root, customers=customers, seed=seed)
    with AnalyticsDatabase.open(database_path(root / "db")) as db:
        db.import_customers([read_customers(root / "data" / "customers.parquet")])
        db.import_events([read_events(root / "data" / "events.parquet")])
        started = time.perf_counter()
        feedback = root / "feedback"
        files = [feedback / "support.mbox", feedback / "reviews.csv", feedback / "nps.csv"]
        result = import_feedback_files(db, files)
        print(f"import: {result.summary.imported:,} items in {time.perf_counter() - started:.1f} s")
    marker.touch()
    return root


def quality(found: Assignments, truth: dict[str, dict[str, object]], label: str) -> None:
    """Coverage, accuracy and macro-F1 on the labelled items, overall and per source."""
    rows = [row for row in found.rows() if row["feedback_id"] in truth]
    print(f"\n### {label}")
    print("| items | labelled | assigned (coverage) | accuracy | macro-F1 | stage accuracy |")
    print("|---|---:|---:|---:|---:|---:|")
    groups = {"all": rows}
    for source in ("email", "review", "nps"):
        groups[source] = [r for r in rows if truth[r["feedback_id"]]["source"] == source]
    for name, group in groups.items():
        assigned = [r for r in group if r["touchpoint"] is not None]
        if not assigned:
            continue
        expected = [str(truth[r["feedback_id"]]["touchpoint"]) for r in assigned]
        got = [str(r["touchpoint"]) for r in assigned]
        stages = [str(truth[r["feedback_id"]]["stage"]) for r in assigned]
        accuracy = float(np.mean([e == g for e, g in zip(expected, got, strict=True)]))
        macro = f1_score(expected, got, average="macro", labels=sorted(set(expected)))
        stage = float(np.mean([s == r["stage"] for s, r in zip(stages, assigned, strict=True)]))
        print(f"| {name} | {len(group):,} | {len(assigned):,} ({len(assigned) / len(group):.1%}) "
              f"| {accuracy:.3f} | {macro:.3f} | {stage:.3f} |")  # fmt: skip
    wrong = Counter(
        (truth[r["feedback_id"]]["touchpoint"], r["touchpoint"])
        for r in rows
        if r["touchpoint"] is not None and r["touchpoint"] != truth[r["feedback_id"]]["touchpoint"]
    )
    print("most common confusions (truth -> assigned):",
          ", ".join(f"{t} -> {g} ({n})" for (t, g), n in wrong.most_common(5)))  # fmt: skip


def reviewed(
    truth: dict[str, dict[str, object]], ids: list[str], texts: list[str], per: int, *, seed: int
) -> dict[str, str]:
    """What a team reviewing ``per`` random items of each true touchpoint would override."""
    rng = np.random.default_rng(seed)
    by_touchpoint: dict[str, list[str]] = {}
    for item, text in zip(ids, texts, strict=True):
        if item in truth and text.strip():
            by_touchpoint.setdefault(str(truth[item]["touchpoint"]), []).append(item)
    chosen: dict[str, str] = {}
    for touchpoint, items in sorted(by_touchpoint.items()):
        for item in rng.permutation(items)[:per]:
            chosen[str(item)] = touchpoint
    return chosen


def calibration(model: Any, truth: dict[str, dict[str, object]]) -> None:
    """How often the model's best guess is right, per band of its confidence."""
    rows = [r for r in model.to_pylist() if r["feedback_id"] in truth]
    print("\n### Calibration: the model's best guess by confidence (labelled items)")
    print("| confidence | items | right |")
    print("|---|---:|---:|")
    for low in (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        high = {0.0: 0.3, 0.9: 1.01}.get(low, low + 0.1)
        band = [r for r in rows if low <= r["confidence"] < high]
        if band:
            right = np.mean([r["best_touchpoint"] == truth[r["feedback_id"]]["touchpoint"]
                             for r in band])  # fmt: skip
            print(f"| {low:.1f}-{min(high, 1.0):.1f} | {len(band):,} | {right:.3f} |")


def sign(value: float) -> int:
    return 0 if abs(value) <= NEUTRAL else (1 if value > 0 else -1)


def sentiment_agreement(
    scores: SentimentScores,
    seconds: float,
    truth: dict[str, dict[str, object]],
    foreign: set[str],
) -> None:
    """Agreement with the planted sign per source and sign; neutral items read negative."""
    rows = [r for r in scores.rows() if r["feedback_id"] in truth]
    print(f"\n### Sentiment, text model {scores.model} ({len(scores):,} items in {seconds:.1f} s)")
    print("| items | planted sign | agreement: sentiment | agreement: text alone |")
    print("|---|---:|---:|---:|")

    def line(name: str, planted: str, chosen: list[dict[str, Any]]) -> None:
        if not chosen:
            return
        final = np.mean([sign(r["sentiment"]) == truth[r["feedback_id"]]["sentiment"]
                         for r in chosen])  # fmt: skip
        text = np.mean([sign(r["text_sentiment"]) == truth[r["feedback_id"]]["sentiment"]
                        for r in chosen])  # fmt: skip
        print(f"| {name} | {planted} ({len(chosen):,}) | {final:.3f} | {text:.3f} |")

    for source in ("all", "email", "review", "nps"):
        group = [r for r in rows if source in ("all", truth[r["feedback_id"]]["source"])]
        for planted in (-1, 1):
            line(source, f"{planted:+d}", [r for r in group
                                            if truth[r["feedback_id"]]["sentiment"] == planted])  # fmt: skip
        line(source, "±1", [r for r in group if truth[r["feedback_id"]]["sentiment"] != 0])
    line("German/French e-mails", "all", [r for r in rows if r["feedback_id"] in foreign])
    print("\nPlanted neutral (questions, 3-star reviews, NPS passives), read negative "
          "(sentiment / text alone):")  # fmt: skip
    for source in ("email", "review", "nps"):
        neutral = [r for r in rows if truth[r["feedback_id"]]["source"] == source
                   and truth[r["feedback_id"]]["sentiment"] == 0]  # fmt: skip
        if neutral:
            final = np.mean([sign(r["sentiment"]) < 0 for r in neutral])
            text = np.mean([sign(r["text_sentiment"]) < 0 for r in neutral])
            print(f"- {source} ({len(neutral):,}): {final:.3f} / {text:.3f}")


def delivery_themes(
    feedback: ibis.Table,
    found: Assignments,
    items: ItemEmbeddings,
    scores: SentimentScores,
    truth: dict[str, dict[str, object]],
) -> None:
    """The acceptance check: the largest negative theme of home delivery, with its quotes;
    and how many of the planted late-delivery complaints reach the themes."""
    started = time.perf_counter()
    sentiment = scores.to_arrow().select(["feedback_id", "sentiment"])
    labels = found.to_arrow().select(["feedback_id", "touchpoint", "stage"])
    table = feedback.join(ibis.memtable(sentiment), "feedback_id").join(
        ibis.memtable(labels), "feedback_id"
    )
    themes = pain_point_themes(table.filter(table.touchpoint == "home-delivery"), items)
    seconds = time.perf_counter() - started
    assigned = {r["feedback_id"]: r["touchpoint"] for r in found.rows()}
    negative = {r["feedback_id"] for r in scores.rows() if r["sentiment"] < 0}
    late = [key for key, row in truth.items()
            if row["touchpoint"] == "home-delivery" and row["sentiment"] == -1]  # fmt: skip
    reach = [key for key in late if assigned.get(key) == "home-delivery" and key in negative]
    print(f"\n### Pain-point themes of home-delivery, text model {scores.model} ({seconds:.1f} s)")
    print(f"- planted late-delivery complaints: {len(late):,}; assigned to home-delivery and "
          f"read negative, so in its themes: {len(reach):,} ({len(reach) / len(late):.0%})")  # fmt: skip
    for theme in themes.themes:
        print(f"- theme {theme.rank}: {theme.name} — {theme.items:,} items ({theme.share:.0%}), "
              f"trend {theme.trend:+.1f}/week")  # fmt: skip
        for quote in theme.quotes:
            print(f"  - “{' '.join(quote.text.split())[:150]}”")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--precision", choices=("int8", "float32"), default="int8", help="of the linear layers"
    )
    parser.add_argument("--max-tokens", type=int, default=128)
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "journeymap-bench"
    )
    args = parser.parse_args()
    root = demo_database(args.cache, args.customers, args.seed)
    labels = pacsv.read_csv(root / "feedback" / "labels.csv").to_pylist()
    truth = {str(row["feedback_id"]): row for row in labels}
    journey = demo_workspace().journeys[0]
    settings = AssignmentSettings()
    with AnalyticsDatabase.open(database_path(root / "db")) as db:
        feedback = db.feedback_table()
        events = db.events_table()
        encoder = MiniLMEncoder(threads=args.threads, quantize=args.precision == "int8",
                                max_tokens=args.max_tokens)  # fmt: skip
        started = time.perf_counter()
        encoder.load()
        loading = time.perf_counter() - started

        started, cpu = time.perf_counter(), time.process_time()
        ids, texts = feedback_texts(feedback)
        items = embed_items(ids, texts, encoder)
        embedded, embedded_cpu = time.perf_counter() - started, time.process_time() - cpu
        profiles = touchpoint_profiles(journey)
        vectors = encode_profiles(encoder, profiles)
        threads = thread_ids(feedback)
        context = customer_context(feedback, match_touchpoints(events, journey),
                                   window=settings.window)  # fmt: skip
        model = model_assignment(items, texts, profiles, vectors, context=context,
                                 threads=threads, settings=settings)  # fmt: skip
        found = final_assignment(model, journey, threshold=settings.threshold, threads=threads)
        total, total_cpu = time.perf_counter() - started, time.process_time() - cpu
        with_text = sum(1 for text in texts if text.strip())
        distinct = len({text for text in texts if text.strip()})
        print(f"\n## {args.customers:,} customers (seed {args.seed}), encoder {encoder.name}, "
              f"{args.threads} threads")  # fmt: skip
        print(f"- feedback items: {len(ids):,}, with text: {with_text:,} ({distinct:,} distinct, "
              f"each encoded once); labelled: {len(truth):,}")  # fmt: skip
        print(f"- model loading: {loading:.1f} s (once per process)")
        print(f"- embeddings: {embedded:.1f} s wall, {with_text / embedded:,.0f} texts/s; "
              f"{embedded_cpu:.1f} s CPU")  # fmt: skip
        print(f"- assignment end to end: {total:.1f} s wall, {with_text / total:,.0f} messages/s; "
              f"{total_cpu:.1f} s CPU = {with_text / (total_cpu / args.threads):,.0f} messages/s "
              f"on {args.threads} cores of their own")  # fmt: skip
        quality(found, truth, f"Assignment with event context (default, threshold "
                f"{settings.threshold:g})")  # fmt: skip
        for threshold in (0.5, 0.6, 0.7, 0.8, 0.9):
            if threshold != settings.threshold:
                other = final_assignment(model, journey, threshold=threshold, threads=threads)
                quality(other, truth, f"Threshold {threshold}")
        calibration(model, truth)
        variants: dict[str, Callable[[], Any]] = {
            "Words only (no event context)": lambda: model_assignment(
                items, texts, profiles, vectors, threads=threads, settings=settings),
            "Without what the customer waited for (waiting_boost 0)": lambda: model_assignment(
                items, texts, profiles, vectors, context=context, threads=threads,
                settings=replace(settings, waiting_boost=0.0)),
            "Messages of a thread decided one by one": lambda: model_assignment(
                items, texts, profiles, vectors, context=context, settings=settings),
            "Without self-training (rounds 0)": lambda: model_assignment(
                items, texts, profiles, vectors, context=context, threads=threads,
                settings=replace(settings, rounds=0)),
        }  # fmt: skip
        for label, variant in variants.items():
            quality(final_assignment(variant(), journey, threshold=settings.threshold,
                                     threads=threads), truth, label)  # fmt: skip
        for per_touchpoint in (3, 10):
            examples = reviewed(truth, ids, texts, per_touchpoint, seed=args.seed)
            taught = model_assignment(items, texts, profiles, vectors, context=context,
                                      examples=examples, threads=threads, settings=settings)  # fmt: skip
            rest = {key: row for key, row in truth.items() if key not in examples}
            quality(final_assignment(taught, journey, threshold=settings.threshold,
                                     overrides=examples, threads=threads), rest,
                    f"{per_touchpoint} reviewed examples per touchpoint "
                    f"({len(examples)} overrides; scored on the other items)")  # fmt: skip
        item_ids, passages = sentiment_texts(feedback)
        foreign = {item for item, text in zip(item_ids, passages, strict=True)
                   if any(greeting in text for greeting in FOREIGN_GREETING.values())}  # fmt: skip
        known = KnownVectors(encoder, dict(zip(texts, items.vectors, strict=True)))
        text_models: list[SentimentModel] = [VaderSentiment(), LearnedSentiment(encoder=known)]
        for text_model in text_models:
            started = time.perf_counter()
            scores = score_sentiment(feedback, model=text_model, encoder=known)
            sentiment_agreement(scores, time.perf_counter() - started, truth, foreign)
            delivery_themes(feedback, found, items, scores, truth)


if __name__ == "__main__":
    main()
