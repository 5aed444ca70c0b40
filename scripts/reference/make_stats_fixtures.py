"""Reference values for the OutcomeStats numerics tests, computed with scipy and statsmodels.

Writes Tests/OutcomeStatsTests/Fixtures/reference_stats.json, which the Swift tests compare
against to a relative tolerance of 1e-9. Nothing here runs the Swift code.

Rerun from the repository root (any working directory works; paths are relative to this file):

    pip install numpy scipy statsmodels mpmath   # scipy 1.17, statsmodels 0.14+
    python3 scripts/reference/make_stats_fixtures.py

The output is deterministic: fixed seeds, fixed grids, floats written with repr (exact round
trip). Every Student t reference from scipy is checked against a 60-digit mpmath evaluation of
the incomplete beta function; the few grid points where scipy itself is off by more than 1e-12
(for example stdtr at df = 1, t = 1e-8) are left out and listed under "excluded", so the Swift
code is never held to a wrong value.

Kaplan-Meier medians are derived from statsmodels' survival probabilities as the smallest event
time with S <= 0.5. statsmodels forms S through exp(cumsum(log(...))), so an S that is exactly
1/2 can come back as 0.5000000000000001; S within 1e-12 of 0.5 therefore counts as <= 0.5.
"""

import json
import math
import warnings
from pathlib import Path

import mpmath
import numpy as np
import scipy
import scipy.stats as st
import statsmodels
import statsmodels.api as sm
from statsmodels.duration.survfunc import SurvfuncRight
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "Tests" / "OutcomeStatsTests" / "Fixtures" / "reference_stats.json"

mpmath.mp.dps = 60
# ttest_ind warns about "catastrophic cancellation" for the constant group [5, 5, 5]; its variance
# is exactly 0 and the result is exact, and the script must print only its one line.
warnings.filterwarnings("ignore", message="Precision loss occurred", category=RuntimeWarning)
excluded = []


def f(x):
    """A plain Python float (numpy scalars do not serialise)."""
    return float(x)


def mp_sf(df, t):
    """P(T > t) for t >= 0 by the incomplete beta function at 60 digits."""
    df = mpmath.mpf(df)
    t = mpmath.mpf(t)
    x = df / (df + t * t)
    try:
        return mpmath.betainc(df / 2, mpmath.mpf(1) / 2, 0, x, regularized=True) / 2
    except ValueError:
        # mpmath gives up only when the tail is astronomically small (df = 1e6, t = 1e4 is
        # 1e-1000000); sf < pdf(t) * (t + df / t) / df there, far below the smallest double.
        bound = mp_pdf(df, t) * (t + df / t) / df
        assert bound < mpmath.mpf("1e-330")
        return mpmath.mpf(0)


def mp_pdf(df, t):
    df = mpmath.mpf(df)
    t = mpmath.mpf(t)
    log_c = mpmath.loggamma((df + 1) / 2) - mpmath.loggamma(df / 2) - mpmath.log(df * mpmath.pi) / 2
    return mpmath.exp(log_c) * (1 + t * t / df) ** (-(df + 1) / 2)


def scipy_agrees(value, reference):
    if reference < mpmath.mpf("1e-300"):
        # Beyond the normal double range only "underflows to (almost) zero" is meaningful.
        return value < 1e-300
    return abs(mpmath.mpf(value) - reference) <= 1e-12 * abs(reference)


# Student t ------------------------------------------------------------------------------------

DFS = [1, 2, 2.5, 3, 5, 7.3, 10, 29, 30, 100, 1000, 1e6]
T_VALUES = [0.0, 1e-8, 0.1, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 5.0, 10.0, 30.0, 100.0, 1e4]
TAIL_PS = [1e-3, 1e-6, 1e-10, 1e-20, 1e-30, 5e-41]
P_VALUES = [1e-30, 1e-20, 1e-10, 1e-6, 1e-3, 0.01, 0.025, 0.05, 0.1, 0.25, 0.4, 0.5,
            0.6, 0.75, 0.9, 0.95, 0.975, 0.99, 0.999, 1 - 1e-6, 1 - 1e-10]

student_t = []
student_t_quantile = []
for df in DFS:
    ts = list(T_VALUES) + [f(st.t.isf(p, df)) for p in TAIL_PS]
    for magnitude in ts:
        for t in ([magnitude, -magnitude] if magnitude != 0 else [0.0]):
            cdf = f(st.t.cdf(t, df))
            sf = f(st.t.sf(t, df))
            two_sided = f(2 * st.t.sf(abs(t), df))
            exact_upper = mp_sf(df, abs(t))
            exact_lower = 1 - exact_upper
            exact_cdf, exact_sf = (exact_lower, exact_upper) if t >= 0 else (exact_upper, exact_lower)
            if not (scipy_agrees(cdf, exact_cdf) and scipy_agrees(sf, exact_sf)):
                excluded.append({
                    "method": "StudentT.cdf/survival", "df": df, "t": t,
                    "scipy": [cdf, sf], "mpmath": [f(exact_cdf), f(exact_sf)],
                })
                continue
            student_t.append({"df": df, "t": t, "cdf": cdf, "sf": sf, "twoSided": two_sided})
    for p in P_VALUES:
        q = f(st.t.ppf(p, df))
        tail = min(mpmath.mpf(p), 1 - mpmath.mpf(p))
        # Relative error of q implied by how far sf(|q|) is from the target tail.
        if q == 0:
            ok = p == 0.5
        else:
            a = abs(mpmath.mpf(q))
            ok = abs((mp_sf(df, a) - tail) / (mp_pdf(df, a) * a)) <= 1e-12
        if not ok:
            excluded.append({"method": "StudentT.quantile", "df": df, "p": p, "scipy": q})
            continue
        student_t_quantile.append({"df": df, "p": p, "quantile": q})

# Standard normal -------------------------------------------------------------------------------

normal_quantile = [{"p": p, "quantile": f(st.norm.ppf(p))}
                   for p in [1e-300, 1e-100] + P_VALUES]
normal_cdf = [{"x": x, "cdf": f(st.norm.cdf(x))}
              for x in [-38.0, -30.0, -10.0, -5.0, -3.0, -1.959963984540054, -1.0, -0.1, 0.0, 0.5,
                        1.0, 2.0, 3.0, 5.0, 8.0]]

# Mean with t interval --------------------------------------------------------------------------

rng = np.random.default_rng(20240611)
samples = [
    ([4.0, 6.0], 0.95),
    ([1.5, 2.5, 2.0], 0.95),
    ([-3.0, -1.0, 0.0, -2.5, -4.0], 0.95),
    ([7.0, 7.0, 7.0, 7.0], 0.95),  # zero spread: the interval collapses onto the mean
    ([9.7, 9.8, 9.7, 9.9, 9.8, 9.7], 0.95),  # large offset, small spread
    (list(np.round(rng.normal(-2.3, 1.7, 8), 1)), 0.95),
    (list(np.round(rng.normal(-2.3, 1.7, 13), 1)), 0.90),
    (list(np.round(rng.normal(0.4, 2.9, 30), 2)), 0.99),
    (list(rng.normal(35.0, 22.0, 57)), 0.95),
]
mean_interval = []
for values, confidence in samples:
    values = [f(v) for v in values]
    x = np.array(values)
    n = len(x)
    mean = np.mean(x)
    sd = np.std(x, ddof=1)
    half = st.t.ppf((1 + confidence) / 2, n - 1) * sd / math.sqrt(n)
    mean_interval.append({
        "values": values, "confidence": confidence, "mean": f(mean), "standardDeviation": f(sd),
        "low": f(mean - half), "high": f(mean + half),
    })

# Wilson ----------------------------------------------------------------------------------------

wilson = []
for successes, trials, confidence in [
    (0, 1, 0.95), (1, 1, 0.95), (0, 5, 0.95), (5, 5, 0.95), (0, 20, 0.95), (1, 20, 0.95),
    (3, 20, 0.95), (10, 20, 0.95), (17, 20, 0.95), (19, 20, 0.95), (20, 20, 0.95), (2, 3, 0.95),
    (7, 9, 0.90), (7, 9, 0.99), (1, 1000, 0.95), (500, 1000, 0.95), (999, 1000, 0.95),
    (41, 137, 0.95),
]:
    low, high = proportion_confint(successes, trials, alpha=1 - confidence, method="wilson")
    wilson.append({
        "successes": successes, "trials": trials, "confidence": confidence,
        "proportion": successes / trials, "low": f(low), "high": f(high),
    })

# Welch -----------------------------------------------------------------------------------------

rng = np.random.default_rng(7)
pairs = [
    ([1.0, 2.0, 3.5], [2.0, 5.0, 7.0, 9.1], 0.95),
    (list(np.round(rng.normal(-3.0, 2.0, 12), 1)), list(np.round(rng.normal(-1.5, 2.2, 12), 1)), 0.95),
    (list(np.round(rng.normal(-3.0, 2.0, 3), 1)), list(np.round(rng.normal(-1.0, 1.0, 25), 1)), 0.95),
    (list(rng.normal(0.0, 0.1, 40)), list(rng.normal(0.5, 10.0, 6)), 0.95),  # very unequal variances
    (list(rng.normal(0.0, 1.0, 50)), list(rng.normal(8.0, 1.0, 50)), 0.95),  # p near 1e-80
    ([5.0, 5.0, 5.0], [1.0, 2.0, 4.0, 3.0], 0.95),  # one variance zero
    (list(np.round(rng.normal(-2.0, 1.5, 9), 1)), list(np.round(rng.normal(-2.1, 1.4, 14), 1)), 0.90),
    (list(np.round(rng.normal(-2.0, 1.5, 9), 1)), list(np.round(rng.normal(-2.1, 1.4, 14), 1)), 0.99),
]
welch = []
for a, b, confidence in pairs:
    a = [f(v) for v in a]
    b = [f(v) for v in b]
    result = st.ttest_ind(a, b, equal_var=False)
    ci = result.confidence_interval(confidence_level=confidence)
    se = math.sqrt(np.var(a, ddof=1) / len(a) + np.var(b, ddof=1) / len(b))
    welch.append({
        "a": a, "b": b, "confidence": confidence,
        "difference": f(np.mean(a) - np.mean(b)), "standardError": f(se),
        "degreesOfFreedom": f(result.df), "t": f(result.statistic), "pValue": f(result.pvalue),
        "low": f(ci.low), "high": f(ci.high),
    })

# OLS: response ~ 1 + group + covariate -------------------------------------------------------

rng = np.random.default_rng(31)


def ols_case(n, offset, spread, effect, noise, confidence, correlated=False):
    group = rng.random(n) < 0.5
    group[0], group[1] = True, False
    covariate = offset + spread * rng.standard_normal(n)
    if correlated:
        covariate = covariate + 0.8 * spread * group
    response = 1.0 - 0.4 * (covariate - offset) + effect * group + noise * rng.standard_normal(n)
    return [bool(g) for g in group], [f(v) for v in covariate], [f(v) for v in response], confidence


ols_inputs = [
    ([True, False, True, False], [6.0, 7.0, 8.0, 6.5], [-2.0, -1.0, -4.5, -1.2], 0.95),
    ols_case(5, 7.0, 1.5, -1.0, 1.0, 0.95),
    ols_case(8, 7.0, 1.5, -1.0, 1.0, 0.95),
    ols_case(20, 6.5, 2.0, -1.5, 1.8, 0.95),
    ols_case(60, 6.5, 2.0, -0.2, 1.8, 0.90),
    ols_case(60, 6.5, 2.0, -0.2, 1.8, 0.99),
    ols_case(30, 1000.0, 0.01, 0.5, 0.05, 0.95),  # covariate far from zero: tests conditioning
    ols_case(40, 5.0, 1.0, 2.0, 0.5, 0.95, correlated=True),
    ols_case(200, 0.0, 1.0, 3.0, 0.3, 0.95),  # tiny p-value
]
adjusted = []
for group, covariate, response, confidence in ols_inputs:
    design = np.column_stack([np.ones(len(group)), np.array(group, dtype=float), covariate])
    fit = sm.OLS(np.array(response), design).fit()
    low, high = fit.conf_int(alpha=1 - confidence)[1]
    adjusted.append({
        "response": response, "group": group, "covariate": covariate, "confidence": confidence,
        "estimate": f(fit.params[1]), "standardError": f(fit.bse[1]),
        "degreesOfFreedom": int(fit.df_resid), "low": f(low), "high": f(high),
        "pValue": f(fit.pvalues[1]),
    })

# Holm ------------------------------------------------------------------------------------------

holm = []
for p_values in [
    [0.01, 0.04, 0.03, 0.005, 1.0, 0.04],
    [0.5],
    [1.0, 1.0],
    [0.001, 0.001, 0.001],
    [0.2, 0.01, 0.03, 0.8, 0.04, 0.0001],
    [0.0, 0.3, 0.02],
    [0.04, 0.03, 0.02, 0.01],
    [1e-40, 0.049, 0.051, 0.6, 0.6, 0.99],
]:
    _, corrected, _, _ = multipletests(p_values, method="holm")
    holm.append({"pValues": p_values, "adjusted": [f(v) for v in corrected]})

# Kaplan-Meier ----------------------------------------------------------------------------------

rng = np.random.default_rng(5)
km_inputs = [
    ([1, 2, 2, 3, 4, 4, 5, 6], [True, True, False, True, True, False, False, True]),
    ([3, 3, 3, 3], [True, True, False, False]),  # S = 1/2 exactly at the first event time
    ([1, 2, 3, 4, 5], [False, False, True, False, False]),  # never reaches 1/2
    ([2, 2, 2, 5, 5, 7, 7, 7, 9, 12], [True, False, True, True, False, True, True, False, False, True]),
    ([4, 1, 3, 1, 2, 6, 2, 3], [True, True, False, True, True, False, True, True]),  # unsorted
    ([int(v) for v in rng.integers(1, 13, 60)], [bool(v) for v in rng.random(60) < 0.6]),
    ([int(v) for v in rng.integers(1, 9, 25)], [bool(v) for v in rng.random(25) < 0.3]),
]
kaplan_meier = []
for times, events in km_inputs:
    fit = SurvfuncRight(np.array(times, dtype=float), np.array(events, dtype=float))
    event_times = [int(t) for t in fit.surv_times]
    survival = [f(s) for s in fit.surv_prob]
    median = next((t for t, s in zip(event_times, survival) if s <= 0.5 + 1e-12), None)
    kaplan_meier.append({
        "times": times, "events": events, "eventTimes": event_times, "survival": survival,
        "median": median,
    })

fixture = {
    "generator": "scripts/reference/make_stats_fixtures.py",
    "versions": {"numpy": np.__version__, "scipy": scipy.__version__,
                 "statsmodels": statsmodels.__version__},
    "studentT": student_t,
    "studentTQuantile": student_t_quantile,
    "normalQuantile": normal_quantile,
    "normalCDF": normal_cdf,
    "meanInterval": mean_interval,
    "wilson": wilson,
    "welch": welch,
    "adjustedDifference": adjusted,
    "holm": holm,
    "kaplanMeier": kaplan_meier,
    "excluded": excluded,
}

OUTPUT.parent.mkdir(parents=True, exist_ok=True)
OUTPUT.write_text(json.dumps(fixture, indent=1) + "\n")
count = sum(len(v) for k, v in fixture.items() if isinstance(v, list) and k != "excluded")
print(f"wrote {OUTPUT.relative_to(ROOT)} ({count} cases, {len(excluded)} scipy values excluded)")
