#!/usr/bin/env python3
"""Deterministic generator of synthetic massage-clinic session exports (sciatica).

Every row is synthetic: no real patient, clinic or therapist is behind any value.
The model and the data dictionary are documented in Datasets/README.md.

Python 3.11, standard library only. Same arguments -> byte-identical output:
all randomness comes from `random.Random` instances seeded from --seed; the
global RNG, the clock, hash ordering and the environment are never consulted.

Rows are streamed: `course` order keeps only the current course in memory,
`date` order keeps only the courses still in progress (a heap keyed by the
next visit date), so --sessions 10000000 runs in constant-ish memory.

Usage:
    generate_sessions.py --dialect canonical --sessions 4000 --seed 20261121 \
        [--messy] [--order course|date] [--clinics K] [--out PATH]
"""

from __future__ import annotations

import argparse
import datetime
import heapq
import math
import random
import sys
from collections import Counter

DEFAULT_SEED = 20261121
# Independent stream for defect injection, so a --messy file is exactly the
# clean file of the same seed with defects injected (the data RNG is untouched).
MESSY_SEED_SALT = 0x5EED_BAD
NOTES_SEED_SALT = 0x0A0E5

# --------------------------------------------------------------------------
# Generative model (keep in sync with Datasets/README.md "Generative model")
# --------------------------------------------------------------------------

TECHNIQUES = (
    "deep_tissue", "swedish", "neuromuscular", "myofascial_release",
    "trigger_point", "hot_stone", "sports", "mechanical_vibration",
)
# Share of courses whose primary technique this is (percent).
TECH_WEIGHT = (30, 17, 12, 11, 10, 6, 9, 5)
# Per-session improvement rate: each session of this technique multiplies the
# remaining (pain - floor) by exp(-rate * patient multiplier).
TECH_RATE = (0.085, 0.050, 0.105, 0.090, 0.095, 0.040, 0.070, 0.025)
# Mean immediate relief pain_pre - pain_post (NRS points), sd 0.8, clamped 0..3.
TECH_RELIEF = (1.5, 1.4, 1.3, 1.3, 1.2, 1.6, 1.1, 0.8)
# Adverse-event risk multiplier (normalised so the overall mix gives the base rates).
TECH_AE_MULT = (1.6, 0.4, 1.2, 1.0, 1.6, 0.5, 1.2, 0.6)

CAUSES = (
    "herniated_disc", "degenerative_disc", "spinal_stenosis", "piriformis_syndrome",
    "spondylolisthesis", "sacroiliac_dysfunction", "facet_joint", "unknown",
)
CAUSE_WEIGHT = (34, 14, 12, 10, 6, 9, 7, 8)
CAUSE_MULT = (0.90, 0.75, 0.55, 1.40, 0.70, 1.15, 1.00, 0.95)

# Chronicity at session 1: (share %, rate multiplier).
CHRON_ACUTE, CHRON_SUBACUTE, CHRON_CHRONIC = 0, 1, 2
CHRON_WEIGHT = (30, 25, 45)
CHRON_MULT = (1.30, 1.00, 0.65)

# Course length 1..24 (weights, percent-ish): many 4-10, some singles, tail to 24.
LENGTH_WEIGHT = (
    8, 5, 6,                      # 1, 2, 3
    8, 9, 10, 10, 9, 8, 7,        # 4..10
    4, 3.5, 3, 2.5, 2, 1.5,       # 11..16
    1.0, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2,  # 17..24
)
# Baseline NRS at session 1 (0..10).
BASELINE_WEIGHT = (0.4, 1.2, 2.4, 5, 9, 13, 17, 19, 16, 10, 7)
# Analgesic doses/day at session 1 for patients on medication, in half doses.
DOSE0_HALVES = (1, 2, 3, 4, 5, 6, 8, 10, 12)
DOSE0_WEIGHT = (5, 20, 6, 25, 3, 20, 12, 5, 4)
DURATIONS = (30, 45, 60, 75, 90, 20, 40, 50, 120)
DURATION_WEIGHT = (10, 25, 40, 8, 12, 1, 1.5, 1.5, 1)
SEX_VALUES = ("F", "M", "other", "unknown")
SEX_WEIGHT = (53, 44, 1, 2)

P_INCOMPLETE = 0.05        # courses whose sessions 1..s-1 (s in 2..4) are absent
P_MIXED = 0.05             # courses alternating between 2-3 techniques
P_SWITCH = 0.15            # courses switching technique on 1-3 sessions
P_NON_RESPONDER = 0.10     # patient multiplier 0.15
P_HALF_POINT = 0.05        # pain recorded with a half point (NRS)
P_PAIN_POST = 0.70
P_ON_MEDS = 0.60
P_STOP_MEDS = 0.04         # per session from session 3 on
P_NOTES = 0.40
P_SORENESS, P_BRUISING, P_OTHER_AE = 0.08, 0.02, 0.005
# Missing optional values: (whole course, single row) probabilities.
MISS_AGE = (0.03, 0.02)
MISS_SEX = (0.02, 0.01)
MISS_CAUSE = (0.06, 0.04)
MISS_ONSET = (0.09, 0.06)
MISS_MED = (0.05, 0.05)
MISS_THERAPIST = 0.02
MISS_DURATION = 0.05
NOISE_SD = 0.6             # NRS points, per session

EPOCH = datetime.date(2024, 1, 1)   # day 0
SPAN_DAYS = 731                     # course starts spread over 2024-2025

# --------------------------------------------------------------------------
# Dialects
# --------------------------------------------------------------------------

CANONICAL_HEADER = (
    "clinic_id", "patient_id", "session_date", "session_number", "technique",
    "therapist_id", "duration_min", "pain_pre", "pain_post", "pain_scale",
    "med_doses_per_day", "cause", "symptom_onset_weeks", "age", "sex",
    "adverse_event", "notes",
)
# Field indices in the internal (canonical-order) row.
F_CLINIC, F_PATIENT, F_DATE, F_SESSION, F_TECH, F_THER, F_DUR, F_PRE, F_POST, \
    F_SCALE, F_MED, F_CAUSE, F_ONSET, F_AGE, F_SEX, F_AE, F_NOTES = range(17)


DIALECTS = {
    "canonical": {
        "encoding": "utf-8", "bom": False, "delimiter": ",", "newline": "\n",
        "header": CANONICAL_HEADER,
        "has_scale": True, "vas": False, "decimal": ".",
        "date": "%Y-%m-%d",
        # technique -> ((label, weight), ...)
        "technique": {t: ((t, 1),) for t in TECHNIQUES},
        "cause": {c: ((c, 1),) for c in CAUSES},
        "sex": {"F": "F", "M": "M", "other": "other", "unknown": "unknown"},
        "ae": ("none", "soreness", "bruising", "other"),
        "scale_value": "nrs",
        "clinics": ("C{:02d}",),
        "order": "course",
        "notes_lang": "en",
        "crlf_in_notes": 0.0,
    },
    "practice": {
        "encoding": "utf-8", "bom": True, "delimiter": ",", "newline": "\r\n",
        "header": (
            "Location", "Client ID", "Date of Service", "Visit #", "Modality",
            "Provider", "Minutes", "Pain Before (0-10)", "Pain After (0-10)",
            None, "Analgesic Doses/Day", "Diagnosis", "Weeks Since Onset", "Age",
            "Gender", "Adverse Event", "Notes",
        ),
        "has_scale": False, "vas": False, "decimal": ".",
        "date": "%m/%d/%Y",
        "technique": {
            "deep_tissue": (("Deep Tissue Massage", 70), ("deep tissue", 10), ("DTM", 12),
                            ("deep tissue massage", 8)),
            "swedish": (("Swedish Massage", 90), ("swedish massage", 10)),
            "neuromuscular": (("NMT", 65), ("Neuromuscular Therapy", 35)),
            "myofascial_release": (("MFR", 60), ("Myofascial Release", 40)),
            "trigger_point": (("Trigger Point Therapy", 90), ("trigger point therapy", 10)),
            "hot_stone": (("Hot Stone Massage", 95), ("hot stone massage", 5)),
            "sports": (("Sports Massage", 95), ("sports massage", 5)),
            "mechanical_vibration": (("G5 Vibration", 95), ("g5 vibration", 5)),
        },
        "cause": {
            "herniated_disc": (("Disc herniation", 55), ("Herniated disc", 45)),
            "degenerative_disc": (("Degenerative disc disease", 1),),
            "spinal_stenosis": (("Lumbar spinal stenosis", 70), ("Spinal stenosis of the lumbar", 30)),
            "piriformis_syndrome": (("Piriformis syndrome", 1),),
            "spondylolisthesis": (("Spondylolisthesis", 1),),
            "sacroiliac_dysfunction": (("Sacroiliac joint dysfunction", 1),),
            "facet_joint": (("Facet joint pain", 1),),
            "unknown": (("Unknown", 1),),
        },
        "sex": {"F": "Female", "M": "Male", "other": "Other", "unknown": "Unknown"},
        "ae": ("None", "Soreness", "Bruising", "Other"),
        "scale_value": None,
        "clinics": (
            "Downtown", "Northside", "Riverside", "Westgate", "Lakeview", "Hillcrest",
            "Eastside", "Midtown", "Harbor Point", "Oak Park", "Cedar Grove", "Summit",
        ),
        "order": "date",
        "notes_lang": "en",
        "crlf_in_notes": 0.6,
    },
    "european": {
        "encoding": "cp1252", "bom": False, "delimiter": ";", "newline": "\r\n",
        "header": (
            "Site", "Patient", "Date", "Session", "Treatment", "Therapist", "Duration",
            "Pain Pre", "Pain Post", "Pain Scale", "Medication", "Condition",
            "Onset Weeks", "Age", "Sex", "Adverse Event", "Comments",
        ),
        "has_scale": True, "vas": True, "decimal": ",",
        "date": "%d.%m.%Y",
        "technique": {
            "deep_tissue": (("Deep tissue", 1),),
            "swedish": (("Swedish", 1),),
            "neuromuscular": (("Neuromuscular", 1),),
            "myofascial_release": (("Myofascial release", 1),),
            "trigger_point": (("Trigger point", 1),),
            "hot_stone": (("Hot stone", 1),),
            "sports": (("Sports", 1),),
            "mechanical_vibration": (("Mechanical vibration", 1),),
        },
        "cause": {
            "herniated_disc": (("Herniated disc", 1),),
            "degenerative_disc": (("Degenerative disc", 1),),
            "spinal_stenosis": (("Spinal stenosis", 1),),
            "piriformis_syndrome": (("Piriformis syndrome", 1),),
            "spondylolisthesis": (("Spondylolisthesis", 1),),
            "sacroiliac_dysfunction": (("Sacroiliac dysfunction", 1),),
            "facet_joint": (("Facet joint", 1),),
            "unknown": (("Unknown", 1),),
        },
        "sex": {"F": "F", "M": "M", "other": "other", "unknown": ""},
        "ae": ("none", "soreness", "bruising", "other"),
        "scale_value": "VAS",
        "clinics": (
            "Zürich-Süd", "Köln-Ehrenfeld", "Malmö Centrum", "Lyon Part-Dieu",
            "Wien-Döbling", "Århus Nord", "Genève Eaux-Vives", "München-Schwabing",
            "København Ø", "Graz", "Düsseldorf-Bilk", "Bruxelles-Ixelles",
        ),
        "order": "date",
        "notes_lang": "eu",
        "crlf_in_notes": 0.6,
    },
}

# --------------------------------------------------------------------------
# Free-text notes
# --------------------------------------------------------------------------

NOTES_EN = (
    "Pt reports less radiating pain down L leg",
    "Tight piriformis, worked glute med and min",
    'Client said "much better" since last visit',
    "Numbness in R foot persists, advised to see GP",
    "HEP: nerve glides, walking 20 min/day",
    "Sleeping better, still stiff in the morning",
    "Flare-up after gardening at the weekend",
    "Tingling L5–S1 dermatome, reduced vs last week",
    "Sat 8 h in car on Friday; pain up",
    "Pressure tolerance improved, deeper work OK",
    "Client prefers lighter pressure today",
    'Says the "zinging" down the leg is gone',
    "Heat pack 10 min before treatment",
    "Ref. from Dr. Ames, MRI shows L4/L5 bulge",
    "Pain 2/10 after session, walked out upright",
    "Positive SLR at 45°, re-test next visit",
    "Missed last appt (sick kid), rebooked",
    "Worked QL, glutes, hamstrings, calves",
    "Mild soreness expected, drink water",
    "Client back at work full time",
    "Started PT twice weekly alongside massage",
    "Stopped ibuprofen, using heat only",
    "Referred back to GP: new bladder symptoms? urgent",
    "Session cut short, client late",
    "Café job, standing 8 h a day",
    "Trialled cupping over QL, tolerated well",
)
NOTES_EU = (
    "Patientin berichtet weniger Ausstrahlung ins Bein",
    "Schmerzen nach Gartenarbeit verstärkt",
    "Très bonne séance, douleur diminuée",
    "Raideur matinale, amélioration légère",
    "Øm i lænden efter arbejde, bedre i dag",
    "Kühlpack danach, Dehnübungen erklärt",
    'Sagt: "viel besser" seit letzter Woche',
    "Straße glatt, gestürzt – Rückfall",
    "Pt reports less tingling in the foot",
    "Taubheit im Fuß unverändert, Arzt informiert",
    "Druck gut toleriert; tiefer gearbeitet",
    "Ischias links, Piriformis sehr fest",
    "Rendez-vous annulé la semaine dernière",
    "Fysioterapi parallelt, går bedre",
    "Schläft besser, nimmt weniger Ibuprofen",
    "Überweisung vom Hausarzt, MRT L4/L5",
    "Muskelkater erwartet, viel trinken",
    "Arbeitet wieder Vollzeit (Büro)",
    "Légère ecchymose après la séance précédente",
    "Smerter ved længere tids siddende arbejde",
    "Wärmflasche 10 min vor Behandlung",
    "Kunde bevorzugt leichten Druck, Ölmassage",
)


def csv_escape(value: str, delimiter: str) -> str:
    if (delimiter in value or '"' in value or "\n" in value or "\r" in value
            or value[:1] == " " or value[-1:] == " "):
        return '"' + value.replace('"', '""') + '"'
    return value


def build_note_pool(rng: random.Random, dialect: dict, size: int = 400) -> list[str]:
    """A deterministic pool of CSV-escaped notes: 1-3 phrases joined by ', ',
    '; ', ' / ' or an embedded line break (LF, or CRLF in CRLF dialects)."""
    phrases = NOTES_EU if dialect["notes_lang"] == "eu" else NOTES_EN
    delim = dialect["delimiter"]
    p_crlf = dialect["crlf_in_notes"]
    pool = []
    for _ in range(size):
        k = rng.choices((1, 2, 3), (60, 30, 10))[0]
        parts = [phrases[rng.randrange(len(phrases))] for _ in range(k)]
        text = parts[0]
        for part in parts[1:]:
            sep = rng.choices((", ", "; ", " / ", "\n"), (35, 25, 10, 30))[0]
            if sep == "\n" and rng.random() < p_crlf:
                sep = "\r\n"
            text += sep + part
        pool.append(csv_escape(text, delim))
    return pool


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------

def lookup_table(values, weights, size=4096):
    """A list of `size` entries where each value occupies a share proportional
    to its weight: `table[int(random() * size)]` is a weighted draw."""
    total = float(sum(weights))
    cum, acc = [], 0.0
    for w in weights:
        acc += w / total
        cum.append(acc)
    table, j = [], 0
    for i in range(size):
        u = (i + 0.5) / size
        while j < len(cum) - 1 and u > cum[j]:
            j += 1
        table.append(values[j])
    return table


def fmt_decimal(x: float, decimal: str) -> str:
    """Shortest of 'N' or 'N.d' for a value on a 0.1 grid (no trailing .0)."""
    s = f"{x:.1f}"
    if s.endswith(".0"):
        s = s[:-2]
    if s == "-0":
        s = "0"
    return s.replace(".", decimal) if decimal != "." else s


def default_clinics(sessions: int) -> int:
    # A handful (6) for sample-sized files, ~1 clinic per 25k sessions beyond, min 3.
    return max(3, min(6, math.ceil(sessions / 500)), math.ceil(sessions / 25000))


# --------------------------------------------------------------------------
# Defects for --messy
# --------------------------------------------------------------------------

REJECT_KINDS = (
    "missing_patient_id", "missing_session_date", "invalid_session_date",
    "invalid_session_number", "missing_session_number", "missing_technique",
    "unknown_technique", "missing_pain_pre", "invalid_pain_pre",
    "pain_pre_out_of_range", "ragged_row", "conflicting_session_number",
)
WARNING_KINDS = (
    "negative_duration", "duration_out_of_range", "negative_medication",
    "invalid_medication", "pain_post_out_of_range", "invalid_pain_post",
    "unknown_cause", "invalid_age", "invalid_sex", "invalid_adverse_event",
    "invalid_symptom_onset", "invalid_pain_scale",
)
OTHER_KINDS = ("duplicate_row", "csv_syntax_error")
STRAY_QUOTE_NOTE = 'tender spot 3" below PSIS'   # stray quote in an unquoted field


def defect_values(dialect_name: str) -> dict:
    vas = DIALECTS[dialect_name]["vas"]
    date_bad = {
        "canonical": ("2024-13-45", "31/31/2024", "yesterday"),
        "practice": ("13/45/2024", "31/31/2024", "yesterday", "2024-13-45"),
        "european": ("32.13.2024", "31/31/2024", "yesterday"),
    }[dialect_name]
    cap = dialect_name != "canonical"
    return {
        "invalid_session_date": date_bad,
        "invalid_session_number": ("0", "-1", "two", "1.5"),
        "unknown_technique": ("Reiki", "Acupuncture") if cap else ("reiki", "acupuncture"),
        "invalid_pain_pre": ("n/a", "severe"),
        "pain_pre_out_of_range": ("140", "-2", "101") if vas else ("11", "-2", "10.5"),
        "negative_duration": ("-30", "-45"),
        "duration_out_of_range": ("500",),
        "negative_medication": ("-1", "-1.5"),
        "invalid_medication": ("lots",),
        "pain_post_out_of_range": ("120", "-5") if vas else ("12", "-1"),
        "invalid_pain_post": ("?",),
        "unknown_cause": ("sciatica NOS",),
        "invalid_age": ("-4", "130", "forty"),
        "invalid_sex": ("Q",),
        "invalid_adverse_event": ("exploded",),
        "invalid_symptom_onset": ("-3", "long"),
        "invalid_pain_scale": ("stars",),
    }


FIELD_OF_KIND = {
    "missing_patient_id": F_PATIENT, "missing_session_date": F_DATE,
    "invalid_session_date": F_DATE, "invalid_session_number": F_SESSION,
    "missing_session_number": F_SESSION, "missing_technique": F_TECH,
    "unknown_technique": F_TECH, "missing_pain_pre": F_PRE,
    "invalid_pain_pre": F_PRE, "pain_pre_out_of_range": F_PRE,
    "negative_duration": F_DUR, "duration_out_of_range": F_DUR,
    "negative_medication": F_MED, "invalid_medication": F_MED,
    "pain_post_out_of_range": F_POST, "invalid_pain_post": F_POST,
    "unknown_cause": F_CAUSE, "invalid_age": F_AGE, "invalid_sex": F_SEX,
    "invalid_adverse_event": F_AE, "invalid_symptom_onset": F_ONSET,
    "invalid_pain_scale": F_SCALE,
}


class Messer:
    """Chooses which rows get a defect (about 1 row in 40) and which defect,
    cycling through shuffled rounds of every kind so each kind occurs equally
    often. Uses its own RNG so the clean data stream is unaffected."""

    def __init__(self, seed: int, dialect_name: str, sessions: int):
        self.rng = random.Random(seed ^ MESSY_SEED_SALT)
        # Separate stream for where duplicates land, so which rows get which
        # defect does not depend on the row order.
        self.place_rng = random.Random(seed ^ MESSY_SEED_SALT ^ 0xD0B1E)
        d = DIALECTS[dialect_name]
        kinds = [k for k in REJECT_KINDS + WARNING_KINDS
                 if k != "invalid_pain_scale" or dialect_name == "european"]
        kinds.append("duplicate_row")
        self.kinds = kinds
        self.values = defect_values(dialect_name)
        self.value_index = Counter()
        self.round: list[str] = []
        self.countdown = self.rng.randint(10, 30)
        self.counts = Counter()
        self.variants: dict[str, Counter] = {}   # kind -> Counter of injected values
        self.stray_at = sessions // 2       # one CSV syntax error mid-file
        self.stray_done = False
        self.seen = 0                       # clean rows inspected so far
        self.vas = d["vas"]

    def next_kind(self) -> str:
        if not self.round:
            self.round = self.kinds[:]
            self.rng.shuffle(self.round)
        return self.round.pop()

    def value(self, kind: str) -> str:
        options = self.values[kind]
        i = self.value_index[kind]
        self.value_index[kind] = i + 1
        return options[i % len(options)]

    def note(self, kind: str, variant: str):
        self.variants.setdefault(kind, Counter())[variant] += 1


# --------------------------------------------------------------------------
# Generator
# --------------------------------------------------------------------------

class SessionGenerator:
    def __init__(self, dialect_name: str, sessions: int, seed: int, messy: bool,
                 clinics: int | None, order: str | None):
        self.dialect_name = dialect_name
        self.d = d = DIALECTS[dialect_name]
        self.sessions = sessions
        self.seed = seed
        self.rng = random.Random(seed)
        self.order = order or d["order"]
        self.messer = Messer(seed, dialect_name, sessions) if messy else None
        self.n_clinics = clinics or default_clinics(sessions)
        self.rows_generated = 0        # clean data rows (excludes injected extra rows)
        self.rows_written = 0
        self._setup_tables()
        self._setup_clinics()

    # ---- precomputed, dialect-formatted value tables ----
    def _setup_tables(self):
        d = self.d
        dec = d["decimal"]
        self.delim = d["delimiter"]
        self.nl = d["newline"]
        self.tech_table = lookup_table(range(8), TECH_WEIGHT)
        self.cause_table = lookup_table(range(8), CAUSE_WEIGHT)
        self.chron_table = lookup_table(range(3), CHRON_WEIGHT)
        self.length_table = lookup_table(range(1, 25), LENGTH_WEIGHT, 8192)
        self.baseline_table = lookup_table(range(11), BASELINE_WEIGHT, 8192)
        self.dose0_table = lookup_table(DOSE0_HALVES, DOSE0_WEIGHT)
        self.duration_table = lookup_table([str(x) for x in DURATIONS], DURATION_WEIGHT)
        self.sex_table = lookup_table(SEX_VALUES, SEX_WEIGHT)
        # Technique / cause label tables (weighted variants per value).
        self.tech_labels = [
            lookup_table([l for l, _ in d["technique"][t]], [w for _, w in d["technique"][t]], 256)
            for t in TECHNIQUES]
        self.cause_labels = [
            lookup_table([l for l, _ in d["cause"][c]], [w for _, w in d["cause"][c]], 256)
            for c in CAUSES]
        self.sex_labels = d["sex"]
        self.ae_labels = d["ae"]
        # Pain: NRS in half points 0..20 -> "0".."10" with ".5"; VAS 0..100.
        self.nrs_str = [fmt_decimal(h / 2, dec) for h in range(21)]
        self.int_str = [str(i) for i in range(0, 131)]
        self.med_str = [fmt_decimal(h / 2, dec) for h in range(0, 41)]
        # Onset: days -> weeks with one decimal.
        self.onset_str = [fmt_decimal(round(days / 7, 1), dec) for days in range(0, 4400)]
        # Dates: day index from EPOCH.
        fmt = d["date"]
        self.date_str = [(EPOCH + datetime.timedelta(days=i)).strftime(fmt) for i in range(0, 2200)]
        self.is_sunday = [(EPOCH + datetime.timedelta(days=i)).weekday() == 6 for i in range(0, 2200)]
        # Adverse-event cut points per technique.
        mix = sum(w * m for w, m in zip(TECH_WEIGHT, TECH_AE_MULT)) / sum(TECH_WEIGHT)
        self.ae_cuts = []
        for m in TECH_AE_MULT:
            f = m / mix
            c1 = P_SORENESS * f
            c2 = c1 + P_BRUISING * f
            c3 = c2 + P_OTHER_AE * f
            self.ae_cuts.append((c1, c2, c3))
        self.notes = build_note_pool(random.Random(self.seed ^ NOTES_SEED_SALT), d)
        self.n_notes = len(self.notes)
        # Expected sessions per course, for spreading course starts evenly over
        # SPAN_DAYS; 3% headroom so that few courses need clamping at the end.
        w = LENGTH_WEIGHT
        mean_len = sum((i + 1) * w[i] for i in range(24)) / sum(w)
        self.expected_courses = max(1.0, 1.03 * self.sessions / mean_len)

    def _setup_clinics(self):
        rng = random.Random(self.seed ^ 0xC11A1C)
        d = self.d
        names = d["clinics"]
        self.clinic_names = []
        for i in range(self.n_clinics):
            if len(names) == 1:   # pattern
                width = 2 if self.n_clinics < 100 else len(str(self.n_clinics))
                self.clinic_names.append("C" + str(i + 1).zfill(width))
            else:
                base = names[i % len(names)]
                rep = i // len(names)
                self.clinic_names.append(base if rep == 0 else f"{base} {rep + 1}")
        # Clinic sizes vary (lognormal weights).
        weights = [rng.lognormvariate(0, 0.45) for _ in range(self.n_clinics)]
        self.clinic_table = lookup_table(range(self.n_clinics), weights, max(4096, 16 * self.n_clinics))
        self.next_patient = [rng.randint(100, 4000) for _ in range(self.n_clinics)]
        self.therapists = []
        tnum = 1
        for _ in range(self.n_clinics):
            k = rng.randint(3, 8)
            self.therapists.append(["T" + str(tnum + j).zfill(3) for j in range(k)])
            tnum += k + rng.randint(0, 3)   # gaps: therapists who left
        # How each clinic writes "no adverse event": share written as the word.
        self.ae_none_word = [rng.choice((0.0, 0.0, 0.1, 0.5, 0.95)) for _ in range(self.n_clinics)]

    # ---- one course -> list of (day, line, duplicate_flag) ----
    def course(self, index: int):
        rng = self.rng
        rand = rng.random
        gauss = rng.gauss
        d = self.d
        vas = d["vas"]

        clinic = self.clinic_table[int(rand() * len(self.clinic_table))]
        pnum = self.next_patient[clinic]
        self.next_patient[clinic] = pnum + 1 + (int(rand() * 4) if rand() < 0.3 else 0)
        clinic_s = self.clinic_names[clinic]
        patient_s = "P" + str(pnum).zfill(6)
        therapists = self.therapists[clinic]
        n_ther = len(therapists)
        ther_main = therapists[int(rand() * n_ther)]

        n = self.length_table[int(rand() * 8192)]
        first_visible = 1
        if n >= 4 and rand() < P_INCOMPLETE * 1.25:   # ~5% of all courses (n>=4 is ~80%)
            first_visible = rng.randint(2, min(4, n - 1))

        # Techniques per session.
        primary = self.tech_table[int(rand() * 4096)]
        techs = [primary] * n
        u = rand()
        if u < P_MIXED and n > 1:
            others = [self.tech_table[int(rand() * 4096)] for _ in range(2)]
            pool = [primary, primary] + others
            techs = [pool[int(rand() * 4)] for _ in range(n)]
            techs[0] = primary
        elif u < P_MIXED + P_SWITCH and n > 2:
            alt = self.tech_table[int(rand() * 4096)]
            while alt == primary:
                alt = self.tech_table[int(rand() * 4096)]
            for _ in range(rng.randint(1, min(3, n - 1))):
                techs[rng.randint(1, n - 1)] = alt

        cause = self.cause_table[int(rand() * 4096)]
        chron = self.chron_table[int(rand() * 4096)]
        if chron == CHRON_ACUTE:
            onset0 = int(rng.uniform(0.5, 6.0) * 7)
        elif chron == CHRON_SUBACUTE:
            onset0 = int(rng.uniform(6.0, 12.0) * 7)
        else:
            onset0 = int(min(520.0, 12.0 + rng.expovariate(1 / 40.0)) * 7)
        age = 200
        while age > 90:
            age = 18 + int(rng.gammavariate(4.5, 7.5))
        sex = self.sex_table[int(rand() * 4096)]

        base_int = self.baseline_table[int(rand() * 8192)]
        base = max(0.0, min(10.0, base_int + rng.uniform(-0.4, 0.4)))
        floor = base * rng.uniform(0.05, 0.35)
        noise_sd = NOISE_SD if base_int > 0 else 0.0
        mult = CAUSE_MULT[cause] * CHRON_MULT[chron]
        if rand() < P_NON_RESPONDER:
            mult *= 0.15
        else:
            mult *= rng.lognormvariate(0.0, 0.35)

        on_meds = rand() < P_ON_MEDS
        dose0 = self.dose0_table[int(rand() * 4096)] / 2 if on_meds else 0.0
        # Course-level missingness and conventions.
        miss_age = rand() < MISS_AGE[0]
        miss_sex = rand() < MISS_SEX[0]
        miss_cause = rand() < MISS_CAUSE[0]
        miss_onset = rand() < MISS_ONSET[0]
        miss_med = rand() < MISS_MED[0]
        dur_main = self.duration_table[int(rand() * 4096)]
        cadence = rng.randint(2, 7)
        none_word = self.ae_none_word[clinic]

        # Start day: monotone in course index (lets --order date stream).
        day = int((index + rand()) * SPAN_DAYS / self.expected_courses)
        if day > SPAN_DAYS - 1:         # more courses than expected: last day of 2025
            day = SPAN_DAYS - 1
        if self.is_sunday[day]:
            day += 1

        # Pre-formatted course constants.
        age_s = self.int_str[age]
        sex_s = self.sex_labels[sex]
        cause_labels = self.cause_labels[cause]
        scale_s = d["scale_value"] or ""
        date_str = self.date_str
        onset_str = self.onset_str
        nrs_str = self.nrs_str
        int_str = self.int_str
        med_str = self.med_str
        notes = self.notes
        n_notes = self.n_notes
        tech_labels = self.tech_labels
        ae_cuts = self.ae_cuts
        ae_labels = self.ae_labels
        dur_table = self.duration_table
        day0 = day

        rows = []
        cum = 0.0
        level1 = None
        stopped = False
        for k in range(1, n + 1):
            if k > 1:
                gap = cadence + int(rand() * 3) - 1
                if gap < 2:
                    gap = 2
                elif gap > 8:
                    gap = 8
                day += gap
                if self.is_sunday[day]:
                    day += 1 if gap < 8 else -1
            t = techs[k - 1]
            level = floor + (base - floor) * math.exp(-cum)
            if level1 is None:
                level1 = level if level > 0 else 1.0
            cum += TECH_RATE[t] * mult
            pre = level + gauss(0.0, noise_sd) if noise_sd else level
            if rand() < P_HALF_POINT:
                h = int(2 * pre + 0.5)
            else:
                h = 2 * int(pre + 0.5)
            if h < 0:
                h = 0
            elif h > 20:
                h = 20
            # Medication.
            if on_meds:
                if stopped or (k >= 3 and rand() < P_STOP_MEDS):
                    stopped = True
                    med_h = 0
                else:
                    ratio = level / level1
                    if ratio > 1.0:
                        ratio = 1.0
                    med_h = int(2 * dose0 * ratio ** 0.8 + 0.5)
            else:
                med_h = 0
            # Immediate relief.
            if rand() < P_PAIN_POST:
                r = int(gauss(TECH_RELIEF[t], 0.8) + 0.5)
                if r < 0:
                    r = 0
                elif r > 3:
                    r = 3
                rh = 2 * r
                if rand() < 0.1 and rh > 0:
                    rh -= 1
                ph = h - rh
                if ph < 0:
                    ph = 0
            else:
                ph = -1
            # Adverse event.
            ua = rand()
            c1, c2, c3 = ae_cuts[t]
            if ua < c1:
                ae = ae_labels[1]
            elif ua < c2:
                ae = ae_labels[2]
            elif ua < c3:
                ae = ae_labels[3]
            else:
                ae = ae_labels[0] if rand() < none_word else ""
            # Row-level draws: always made (even for hidden sessions), so the
            # stream of random numbers does not depend on what is written.
            u_tech = rand()
            u_ther = rand()
            u_dur = rand()
            u_miss = rand()
            u_note = rand()
            if k < first_visible:
                continue
            if vas:
                v = h * 5 + int(rand() * 9) - 4
                v = 0 if v < 0 else (100 if v > 100 else v)
                pre_s = int_str[v]
                if ph >= 0:
                    pv = ph * 5 + int(rand() * 9) - 4
                    pv = 0 if pv < 0 else (v if pv > v else pv)
                    post_s = int_str[pv]
                else:
                    post_s = ""
            else:
                pre_s = nrs_str[h]
                post_s = nrs_str[ph] if ph >= 0 else ""
            if u_ther < MISS_THERAPIST:
                ther_s = ""
            elif u_ther < 0.87:
                ther_s = ther_main
            else:
                ther_s = therapists[int(u_ther * 7919) % n_ther]
            if u_dur < MISS_DURATION:
                dur_s = ""
            elif u_dur < 0.85:
                dur_s = dur_main
            else:
                dur_s = dur_table[int((u_dur - 0.85) / 0.15 * 4096)]
            # Row-level missingness: disjoint slices of one uniform draw.
            row = [
                clinic_s,
                patient_s,
                date_str[day],
                int_str[k],
                tech_labels[t][int(u_tech * 256)],
                ther_s,
                dur_s,
                pre_s,
                post_s,
                scale_s,
                "" if miss_med or u_miss < 0.05 else med_str[med_h],
                "" if miss_cause or 0.10 <= u_miss < 0.14 else cause_labels[int(rand() * 256)],
                "" if miss_onset or 0.20 <= u_miss < 0.26 else onset_str[onset0 + day - day0],
                "" if miss_age or 0.30 <= u_miss < 0.32 else age_s,
                "" if miss_sex or 0.40 <= u_miss < 0.41 else sex_s,
                ae,
                notes[int(rand() * n_notes)] if u_note < P_NOTES else "",
            ]
            rows.append([day, row, False])
        self.rows_generated += len(rows)
        if self.messer is not None:
            rows = self._mess(rows)
        delim = self.delim
        nl = self.nl
        has_scale = d["has_scale"]
        out = []
        for day_, row, dup in rows:
            if not has_scale and len(row) >= 10:
                del row[F_SCALE]
            out.append((day_, delim.join(row) + nl, dup))
        return clinic, day0, out

    # ---- defect injection ----
    def _mess(self, rows):
        m = self.messer
        out = []
        for item in rows:
            out.append(item)
            m.countdown -= 1
            m.seen += 1
            row = item[1]
            if not m.stray_done and m.seen >= m.stray_at and m.countdown > 0:
                row[F_NOTES] = STRAY_QUOTE_NOTE
                m.stray_done = True
                m.counts["csv_syntax_error"] += 1
                continue
            if m.countdown > 0:
                continue
            m.countdown = m.rng.randint(22, 50)
            kind = m.next_kind()
            m.counts[kind] += 1
            if kind == "duplicate_row":
                item[2] = True
            elif kind == "ragged_row":
                if m.counts[kind] % 2:
                    row.append("extra")          # one field too many
                    m.note(kind, "+1 field")
                else:
                    row.pop()                    # one field too few (drops notes)
                    m.note(kind, "-1 field")
            elif kind == "conflicting_session_number":
                other = row[:]
                pre = other[F_PRE]
                if self.d["vas"]:
                    nv = int(pre) + (15 if int(pre) <= 50 else -15)
                else:
                    base = float(pre.replace(",", "."))
                    nv = int(base) + (2 if base <= 5 else -2)
                other[F_PRE] = str(nv)
                other[F_POST] = ""
                other[F_NOTES] = "re-entered"
                out.append([item[0], other, False])
            elif kind.startswith("missing_"):
                row[FIELD_OF_KIND[kind]] = ""
            else:
                v = m.value(kind)
                if self.d["decimal"] == "," and kind in ("negative_medication", "invalid_symptom_onset"):
                    v = v.replace(".", ",")
                row[FIELD_OF_KIND[kind]] = v
                m.note(kind, v)
        return out

    # ---- streaming ----
    def run(self, stream):
        d = self.d
        enc = d["encoding"]
        if d["bom"]:
            stream.write(b"\xef\xbb\xbf")
        header = [h for h in d["header"] if h is not None]
        buf = [self.delim.join(header) + self.nl]
        pending = []           # (due_row_number, line) for duplicate rows
        messy = self.messer is not None
        mrng = self.messer.place_rng if messy else None
        written = 0
        BUF_ROWS = 16384

        def flush():
            stream.write("".join(buf).encode(enc))
            buf.clear()

        def emit(line, dup):
            nonlocal written
            buf.append(line)
            written += 1
            if dup:
                pending.append((written + mrng.randint(2, 6), line))
            if pending and pending[0][0] <= written:
                due = [p for p in pending if p[0] <= written]
                for p in due:
                    pending.remove(p)
                    buf.append(p[1])
                    written += 1
            if len(buf) >= BUF_ROWS:
                flush()

        index = 0
        if self.order == "course":
            while self.rows_generated < self.sessions:
                _, _, rows = self.course(index)
                index += 1
                if messy:
                    for _, line, dup in rows:
                        emit(line, dup)
                else:
                    for r in rows:
                        buf.append(r[1])
                    written += len(rows)
                    if len(buf) >= BUF_ROWS:
                        flush()
        else:
            heap = []
            push, pop, replace = heapq.heappush, heapq.heappop, heapq.heapreplace
            while self.rows_generated < self.sessions:
                clinic, start, rows = self.course(index)
                if rows:
                    # Every later course starts (session 1, even when hidden) on or
                    # after this course's start day, so visits strictly before it
                    # are final and can be written.
                    while heap and heap[0][0] < start:
                        top = heap[0]
                        _, c, seq, pos, rws = top
                        r = rws[pos]
                        emit(r[1], r[2])
                        if pos + 1 < len(rws):
                            replace(heap, (rws[pos + 1][0], c, seq, pos + 1, rws))
                        else:
                            pop(heap)
                    push(heap, (rows[0][0], clinic, index, 0, rows))
                index += 1
            while heap:
                _, c, seq, pos, rws = heap[0]
                r = rws[pos]
                emit(r[1], r[2])
                if pos + 1 < len(rws):
                    replace(heap, (rws[pos + 1][0], c, seq, pos + 1, rws))
                else:
                    pop(heap)
        for _, line in pending:
            buf.append(line)
            written += 1
        flush()
        self.rows_written = written
        self.courses = index


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description="Deterministic synthetic massage-clinic session exports (sciatica). "
                    "All data is synthetic. See Datasets/README.md.")
    ap.add_argument("--dialect", choices=sorted(DIALECTS), default="canonical")
    ap.add_argument("--sessions", type=int, default=4000,
                    help="approximate number of session rows (whole courses are generated "
                         "until at least this many)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--messy", action="store_true", help="inject defects (~2.5%% of rows)")
    ap.add_argument("--order", choices=("course", "date"), default=None,
                    help="row order: grouped by course, or by date of service across courses "
                         "(default: canonical=course, practice/european=date)")
    ap.add_argument("--clinics", type=int, default=None,
                    help="number of clinics (default: 6 for samples, ~1 per 25k sessions, min 3)")
    ap.add_argument("--out", default="-", help="output path (default: stdout)")
    ap.add_argument("--quiet", action="store_true", help="no summary on stderr")
    args = ap.parse_args(argv)
    if args.sessions < 1:
        ap.error("--sessions must be >= 1")
    if args.clinics is not None and args.clinics < 1:
        ap.error("--clinics must be >= 1")

    gen = SessionGenerator(args.dialect, args.sessions, args.seed, args.messy,
                           args.clinics, args.order)
    if args.out == "-":
        gen.run(sys.stdout.buffer)
        sys.stdout.buffer.flush()
    else:
        with open(args.out, "wb", buffering=1 << 20) as f:
            gen.run(f)

    if not args.quiet:
        err = sys.stderr
        print(f"{args.dialect}: seed {args.seed}, {gen.courses} courses, "
              f"{gen.rows_generated} sessions generated, {gen.rows_written} data rows written, "
              f"{gen.n_clinics} clinics, order={gen.order}", file=err)
        if gen.messer is not None:
            c = gen.messer.counts
            total = sum(c.values())
            print(f"injected defects: {total} ({100.0 * total / max(1, gen.rows_generated):.2f}% "
                  f"of sessions)", file=err)
            for group, kinds in (("reject", REJECT_KINDS), ("warning", WARNING_KINDS),
                                 ("other", OTHER_KINDS)):
                for k in kinds:
                    if k in c:
                        var = gen.messer.variants.get(k)
                        detail = ""
                        if var and (len(var) > 1 or k.startswith(("invalid", "unknown", "pain", "negative", "duration"))):
                            detail = "  (" + ", ".join(
                                f"{v!r} x{n}" for v, n in sorted(var.items())) + ")"
                        print(f"  {group:7s} {k:28s} {c[k]}{detail}", file=err)
    return 0


if __name__ == "__main__":
    sys.exit(main())
