#!/usr/bin/env python3
"""Independent reference implementation of the outcome figures of METRICS.md §2–4.

Written from /work/shared/spec/METRICS.md (and the project's documented decisions
where the spec is silent) without reading the Swift implementation, so that the
Swift program's CSV outputs can be checked against it cell by cell
(Tests/OutcomeReportTests/ReferenceReportTests.swift).

Scope: only the canonical clean dialect (Datasets/sessions_canonical.csv: UTF-8,
`,`, canonical headers, ISO dates, NRS, canonical category values; every record
valid, no duplicates), read with Python's csv module.

Usage:
    scripts/reference/reference_report.py INPUT.csv --out DIR \
        [--min-cell 11] [--responder-threshold 30] [--max-session 12]

Writes technique_outcomes.csv, technique_sessions.csv, session_trend.csv,
medication_outcomes.csv and cohort_comparison.csv into DIR (columns of
METRICS.md §4 in order, plus the extra trailing columns named below). Numbers
are written at full precision (repr), counts as integers, undefined as empty.

Regenerate the committed fixtures (requires numpy, scipy, statsmodels) from the
package root:

    F=Tests/OutcomeReportTests/Fixtures/reference
    python3 scripts/reference/reference_report.py Datasets/sessions_canonical.csv --out $F/default
    python3 scripts/reference/reference_report.py Datasets/sessions_canonical.csv --out $F/min-cell-0 --min-cell 0
    python3 scripts/reference/reference_report.py Datasets/sessions_canonical.csv --out $F/threshold-50-max-6 \
        --responder-threshold 50 --max-session 6

Decisions where METRICS.md is silent (the same ones the Swift program made):
- course = sessions with the same (clinic_id or "default", patient_id), ordered
  by session_number then date; status cascade: incomplete (no session 1) ->
  no_baseline_pain (session-1 pain_pre == 0) -> single_session -> analysable.
  Only analysable courses enter course-level figures.
- sessions to response: smallest session number k >= 2 with
  pain_pre(k) <= (1 - threshold/100) * baseline, else censored at the last
  session number; Kaplan-Meier with ties of censoring and events at the same
  time still at risk; median = smallest time with S <= 0.5.
- reference technique = the primary technique (never mixed) with the most
  complete courses (session 1 present); ties broken by the technique order.
- technique_sessions: all accepted sessions by the session's own technique,
  plus `all`; extra columns `courses` (distinct courses) and `suppressed`;
  suppression counts the distinct courses.
- medication_outcomes: extra columns reduced_third_ci_low/high and
  stopped_ci_low/high (Wilson).
- cohort_comparison: extra column `reference`; comparison only when the
  technique is neither the reference nor mixed, both cells have >= min_cell
  courses (when min_cell > 0), and Welch is defined (both n >= 2, not both
  variances 0); OLS when n >= 4 and full rank; Holm within (dimension, cohort).
"""

import argparse
import csv
import math
import os
from collections import OrderedDict

import numpy as np
import statsmodels.api as sm
from scipy import stats

TECHNIQUES = [
    "deep_tissue", "swedish", "neuromuscular", "myofascial_release",
    "trigger_point", "hot_stone", "sports", "mechanical_vibration",
]
TECHNIQUE_ROWS = TECHNIQUES + ["mixed"]
CAUSES = [
    "herniated_disc", "degenerative_disc", "spinal_stenosis", "piriformis_syndrome",
    "spondylolisthesis", "sacroiliac_dysfunction", "facet_joint", "unknown",
]
CHRONICITIES = ["acute", "subacute", "chronic", "unknown"]
AGE_BANDS = ["<30", "30-44", "45-59", "60-74", "75+", "unknown"]
SEXES = ["F", "M", "other", "unknown"]
Z = stats.norm.ppf(0.975)


# ---------------------------------------------------------------- formatting

def num(x):
    if x is None:
        return ""
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        return ""
    return repr(x)


def cnt(n):
    return "" if n is None else str(int(n))


# ---------------------------------------------------------------- statistics

def mean_ci(values):
    """(mean, ci_low, ci_high) with Student t df = n-1; CI None for n < 2."""
    n = len(values)
    if n == 0:
        return None, None, None
    a = np.asarray(values, dtype=float)
    m = float(np.mean(a))
    if n < 2:
        return m, None, None
    sd = float(np.std(a, ddof=1))
    half = stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
    return m, m - half, m + half


def mean_or_none(values):
    return float(np.mean(np.asarray(values, dtype=float))) if values else None


def wilson(k, n):
    if n == 0:
        return None, None
    p = k / n
    z2 = Z * Z
    denom = 1 + z2 / n
    center = (p + z2 / (2 * n)) / denom
    half = Z / denom * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return center - half, center + half


def km_median(times_events):
    """Kaplan-Meier median: smallest event time with S <= 0.5, else None."""
    if not times_events:
        return None
    event_times = sorted({t for t, e in times_events if e})
    s = 1.0
    for t in event_times:
        at_risk = sum(1 for u, _ in times_events if u >= t)
        d = sum(1 for u, e in times_events if e and u == t)
        s *= 1.0 - d / at_risk
        if s <= 0.5:
            return t
    return None


def welch(x, y):
    """diff = mean(x) - mean(y), CI, two-sided p; None when undefined."""
    nx, ny = len(x), len(y)
    if nx < 2 or ny < 2:
        return None
    vx = float(np.var(x, ddof=1))
    vy = float(np.var(y, ddof=1))
    if vx == 0 and vy == 0:
        return None
    diff = float(np.mean(x)) - float(np.mean(y))
    se2 = vx / nx + vy / ny
    se = math.sqrt(se2)
    df = se2 * se2 / ((vx / nx) ** 2 / (nx - 1) + (vy / ny) ** 2 / (ny - 1))
    tq = stats.t.ppf(0.975, df)
    tstat = diff / se
    p = 2 * stats.t.sf(abs(tstat), df)
    return diff, diff - tq * se, diff + tq * se, p


def ols_adjusted(changes, indicator, baselines):
    n = len(changes)
    if n < 4:
        return None
    X = np.column_stack([np.ones(n), np.asarray(indicator, float), np.asarray(baselines, float)])
    if np.linalg.matrix_rank(X) < 3:
        return None
    fit = sm.OLS(np.asarray(changes, float), X).fit()
    b = float(fit.params[1])
    se = float(fit.bse[1])
    tq = stats.t.ppf(0.975, n - 3)
    return b, b - tq * se, b + tq * se


def holm(pvalues):
    m = len(pvalues)
    order = sorted(range(m), key=lambda i: pvalues[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        value = min(1.0, (m - rank) * pvalues[i])
        running = max(running, value)
        adjusted[i] = running
    return adjusted


# ---------------------------------------------------------------- input

def opt_float(text):
    text = text.strip()
    return float(text) if text else None


def read_sessions(path):
    sessions = []
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            clinic = row["clinic_id"].strip() or "default"
            age = row["age"].strip()
            sessions.append({
                "clinic": clinic,
                "patient": row["patient_id"].strip(),
                "date": row["session_date"].strip(),
                "number": int(row["session_number"]),
                "technique": row["technique"].strip(),
                "pain_pre": float(row["pain_pre"]),
                "pain_post": opt_float(row["pain_post"]),
                "med": opt_float(row["med_doses_per_day"]),
                "cause": row["cause"].strip() or "unknown",
                "onset": opt_float(row["symptom_onset_weeks"]),
                "age": int(age) if age else None,
                "sex": row["sex"].strip() or "unknown",
                "adverse": row["adverse_event"].strip() or "none",
            })
    return sessions


def chronicity(onset):
    if onset is None:
        return "unknown"
    if onset < 6:
        return "acute"
    if onset < 12:
        return "subacute"
    return "chronic"


def age_band(age):
    if age is None:
        return "unknown"
    if age < 30:
        return "<30"
    if age < 45:
        return "30-44"
    if age < 60:
        return "45-59"
    if age < 75:
        return "60-74"
    return "75+"


def build_courses(sessions, threshold):
    grouped = OrderedDict()
    for s in sessions:
        grouped.setdefault((s["clinic"], s["patient"]), []).append(s)
    courses = []
    for key, rows in grouped.items():
        rows = sorted(rows, key=lambda s: (s["number"], s["date"]))
        course = {"key": key, "clinic": key[0], "sessions": rows}
        n = len(rows)
        counts = {}
        for s in rows:
            counts[s["technique"]] = counts.get(s["technique"], 0) + 1
        primary = "mixed"
        for t, c in counts.items():
            if 2 * c > n:
                primary = t
        course["primary"] = primary
        course["complete"] = rows[0]["number"] == 1
        if not course["complete"]:
            course["status"] = "incomplete"
        elif rows[0]["pain_pre"] == 0:
            course["status"] = "no_baseline_pain"
        elif n == 1:
            course["status"] = "single_session"
        else:
            course["status"] = "analysable"
        if course["status"] == "analysable":
            first = rows[0]
            b = first["pain_pre"]
            latest = rows[-1]["pain_pre"]
            change = b - latest
            pct = change / b * 100
            course.update(baseline=b, latest=latest, change=change, pct=pct,
                          responder=pct >= threshold)
            limit = (1 - threshold / 100) * b
            event = None
            for s in rows:
                if s["number"] >= 2 and s["pain_pre"] <= limit:
                    event = s["number"]
                    break
            course["ttr"] = (event, True) if event is not None else (rows[-1]["number"], False)
            course["cause"] = first["cause"]
            course["chronicity"] = chronicity(first["onset"])
            course["age_band"] = age_band(first["age"])
            course["sex"] = first["sex"]
            # medication
            course["med"] = None
            if first["med"] is not None and first["med"] > 0:
                later = [s for s in rows if s["number"] > 1 and s["med"] is not None]
                if later:
                    mb = first["med"]
                    ml = later[-1]["med"]
                    course["med"] = {
                        "baseline": mb, "latest": ml,
                        "pct": (mb - ml) / mb * 100,
                        "third": 3 * (mb - ml) >= mb,
                        "stopped": ml == 0,
                    }
        courses.append(course)
    return courses


def reference_technique(courses):
    counts = {t: 0 for t in TECHNIQUES}
    for c in courses:
        if c["complete"] and c["primary"] != "mixed":
            counts[c["primary"]] += 1
    best = None
    for t in TECHNIQUES:
        if best is None or counts[t] > counts[best]:
            best = t
    return best


# ---------------------------------------------------------------- tables

def suppressed(n, min_cell):
    return min_cell > 0 and n < min_cell


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            assert len(row) == len(header)
            writer.writerow(row)


def technique_outcomes(analysable, min_cell):
    header = ["technique", "courses", "mean_baseline", "mean_latest", "mean_change",
              "change_ci_low", "change_ci_high", "mean_pct_change", "responders",
              "responder_rate", "responder_ci_low", "responder_ci_high",
              "median_sessions_to_response", "suppressed"]
    rows = []
    for t in TECHNIQUE_ROWS + ["all"]:
        group = [c for c in analysable if t == "all" or c["primary"] == t]
        n = len(group)
        if n == 0:
            continue
        if suppressed(n, min_cell):
            rows.append([t, f"<{min_cell}"] + [""] * 11 + ["true"])
            continue
        m, lo, hi = mean_ci([c["change"] for c in group])
        k = sum(1 for c in group if c["responder"])
        wl, wh = wilson(k, n)
        rows.append([
            t, cnt(n),
            num(mean_or_none([c["baseline"] for c in group])),
            num(mean_or_none([c["latest"] for c in group])),
            num(m), num(lo), num(hi),
            num(mean_or_none([c["pct"] for c in group])),
            cnt(k), num(k / n), num(wl), num(wh),
            cnt(km_median([c["ttr"] for c in group])),
            "false",
        ])
    return header, rows


def technique_sessions(sessions, min_cell):
    header = ["technique", "sessions", "sessions_with_post", "mean_immediate_relief",
              "relief_ci_low", "relief_ci_high", "adverse_events", "adverse_per_100",
              "courses", "suppressed"]
    rows = []
    for t in TECHNIQUES + ["all"]:
        group = [s for s in sessions if t == "all" or s["technique"] == t]
        if not group:
            continue
        n_courses = len({(s["clinic"], s["patient"]) for s in group})
        if suppressed(n_courses, min_cell):
            rows.append([t] + [""] * 7 + [f"<{min_cell}", "true"])
            continue
        relief = [s["pain_pre"] - s["pain_post"] for s in group if s["pain_post"] is not None]
        m, lo, hi = mean_ci(relief)
        adverse = sum(1 for s in group if s["adverse"] != "none")
        rows.append([
            t, cnt(len(group)), cnt(len(relief)), num(m), num(lo), num(hi),
            cnt(adverse), num(adverse / len(group) * 100), cnt(n_courses), "false",
        ])
    return header, rows


def session_trend(analysable, min_cell, max_session):
    header = ["technique", "session_number", "courses", "mean_pain", "mean_change",
              "change_ci_low", "change_ci_high", "mean_med_doses", "suppressed"]
    rows = []
    for t in TECHNIQUE_ROWS:
        group = [c for c in analysable if c["primary"] == t]
        for k in range(1, max_session + 1):
            at_k = []
            for c in group:
                for s in c["sessions"]:
                    if s["number"] == k:
                        at_k.append((c, s))
                        break
            n = len(at_k)
            if n == 0:
                continue
            if suppressed(n, min_cell):
                rows.append([t, str(k), f"<{min_cell}"] + [""] * 5 + ["true"])
                continue
            m, lo, hi = mean_ci([c["baseline"] - s["pain_pre"] for c, s in at_k])
            meds = [s["med"] for _, s in at_k if s["med"] is not None]
            rows.append([
                t, str(k), cnt(n),
                num(mean_or_none([s["pain_pre"] for _, s in at_k])),
                num(m), num(lo), num(hi), num(mean_or_none(meds)), "false",
            ])
    return header, rows


def medication_outcomes(analysable, min_cell):
    header = ["technique", "courses", "mean_baseline_doses", "mean_latest_doses",
              "mean_pct_reduction", "reduced_third", "reduced_third_rate", "stopped",
              "stopped_rate", "suppressed", "reduced_third_ci_low", "reduced_third_ci_high",
              "stopped_ci_low", "stopped_ci_high"]
    rows = []
    with_med = [c for c in analysable if c["med"] is not None]
    for t in TECHNIQUE_ROWS + ["all"]:
        group = [c["med"] for c in with_med if t == "all" or c["primary"] == t]
        n = len(group)
        if n == 0:
            continue
        if suppressed(n, min_cell):
            rows.append([t, f"<{min_cell}"] + [""] * 7 + ["true"] + [""] * 4)
            continue
        third = sum(1 for g in group if g["third"])
        stopped = sum(1 for g in group if g["stopped"])
        tl, th = wilson(third, n)
        sl, sh = wilson(stopped, n)
        rows.append([
            t, cnt(n),
            num(mean_or_none([g["baseline"] for g in group])),
            num(mean_or_none([g["latest"] for g in group])),
            num(mean_or_none([g["pct"] for g in group])),
            cnt(third), num(third / n), cnt(stopped), num(stopped / n), "false",
            num(tl), num(th), num(sl), num(sh),
        ])
    return header, rows


def cohort_comparison(analysable, reference, min_cell):
    header = ["dimension", "cohort", "technique", "courses", "mean_change", "change_ci_low",
              "change_ci_high", "responder_rate", "diff_vs_reference", "diff_ci_low",
              "diff_ci_high", "p_value", "p_holm", "adjusted_diff", "adjusted_ci_low",
              "adjusted_ci_high", "suppressed", "reference"]
    clinics = sorted({c["clinic"] for c in analysable})
    dimensions = [
        ("all", ["all"], lambda c: "all"),
        ("cause", CAUSES, lambda c: c["cause"]),
        ("chronicity", CHRONICITIES, lambda c: c["chronicity"]),
        ("age_band", AGE_BANDS, lambda c: c["age_band"]),
        ("sex", SEXES, lambda c: c["sex"]),
        ("clinic", clinics, lambda c: c["clinic"]),
    ]
    rows = []
    for dimension, cohorts, attribute in dimensions:
        values = {attribute(c) for c in analysable}
        assert values <= set(cohorts), (dimension, values - set(cohorts))
        for cohort in cohorts:
            members = [c for c in analysable if attribute(c) == cohort]
            if not members:
                continue
            cells = [(t, [c for c in members if c["primary"] == t]) for t in TECHNIQUE_ROWS]
            cells = [(t, g) for t, g in cells if g]
            ref_group = next((g for t, g in cells if t == reference), [])
            cohort_rows = []
            comparisons = []  # (row index, p)
            for t, group in cells:
                n = len(group)
                if suppressed(n, min_cell):
                    cohort_rows.append([dimension, cohort, t, f"<{min_cell}"] + [""] * 12
                                       + ["true", reference])
                    continue
                m, lo, hi = mean_ci([c["change"] for c in group])
                k = sum(1 for c in group if c["responder"])
                row = [dimension, cohort, t, cnt(n), num(m), num(lo), num(hi), num(k / n)] \
                    + [""] * 8 + ["false", reference]
                eligible = (t != reference and t != "mixed" and ref_group
                            and (min_cell <= 0 or (n >= min_cell and len(ref_group) >= min_cell)))
                if eligible:
                    w = welch([c["change"] for c in group], [c["change"] for c in ref_group])
                    if w is not None:
                        diff, dlo, dhi, p = w
                        row[8:12] = [num(diff), num(dlo), num(dhi), num(p)]
                        comparisons.append((len(cohort_rows), p))
                        both = group + ref_group
                        ols = ols_adjusted(
                            [c["change"] for c in both],
                            [1.0] * len(group) + [0.0] * len(ref_group),
                            [c["baseline"] for c in both])
                        if ols is not None:
                            row[13:16] = [num(v) for v in ols]
                cohort_rows.append(row)
            if comparisons:
                adjusted = holm([p for _, p in comparisons])
                for (index, _), value in zip(comparisons, adjusted):
                    cohort_rows[index][12] = num(value)
            rows.extend(cohort_rows)
    return header, rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input")
    parser.add_argument("--out", required=True)
    parser.add_argument("--min-cell", type=int, default=11)
    parser.add_argument("--responder-threshold", type=float, default=30.0)
    parser.add_argument("--max-session", type=int, default=12)
    args = parser.parse_args()

    sessions = read_sessions(args.input)
    courses = build_courses(sessions, args.responder_threshold)
    analysable = [c for c in courses if c["status"] == "analysable"]
    reference = reference_technique(courses)
    os.makedirs(args.out, exist_ok=True)
    tables = {
        "technique_outcomes.csv": technique_outcomes(analysable, args.min_cell),
        "technique_sessions.csv": technique_sessions(sessions, args.min_cell),
        "session_trend.csv": session_trend(analysable, args.min_cell, args.max_session),
        "medication_outcomes.csv": medication_outcomes(analysable, args.min_cell),
        "cohort_comparison.csv": cohort_comparison(analysable, reference, args.min_cell),
    }
    for name, (header, rows) in tables.items():
        write_csv(os.path.join(args.out, name), header, rows)
    statuses = {}
    for c in courses:
        statuses[c["status"]] = statuses.get(c["status"], 0) + 1
    print(f"{args.out}: {len(sessions)} sessions, {len(courses)} courses {statuses}, reference {reference}")


if __name__ == "__main__":
    main()
