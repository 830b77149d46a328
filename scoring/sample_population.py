"""A SYNTHETIC population table for the sample's kab/kota, so that `--weighting` can be tried end to end.

No population counts by kab/kota, sex and age group ship with this project (Dukcapil publishes them; an
office uses its own). `ihai sample` writes this table beside the sample, in the format `--population`
reads (`scoring.weighting`): every kab/kota of the sample's provinces, adults split by sex and by the
sample's age groups. The numbers are drawn, not published: the population is older than the online
respondents (whose age shares are `scoring.sample.AGE_SHARES`), as a real one would be, so that weighting
visibly moves the figures. The file name carries "sampel-sintetis", and the sample manifest names it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.gazetteer import Gazetteer
from scoring.sample import AGE_GROUPS, plan_coverage

POPULATION_SEED = 17
ADULTS_MEDIAN, ADULTS_SIGMA = 420_000, 0.6
FEMALE_SHARE_RANGE = (0.49, 0.51)
AGE_SHARES = (0.16, 0.22, 0.22, 0.19, 0.21)
AGE_SHARE_NOISE = 0.15  # relative


def synthetic_population(gazetteer: Gazetteer) -> pd.DataFrame:
    """Rows kabkota, variabel, kategori, jumlah for sex (L, P) and every age group, deterministic."""
    regions = plan_coverage(gazetteer)["code"].to_numpy()
    rng = np.random.default_rng(POPULATION_SEED)
    adults = np.rint(rng.lognormal(np.log(ADULTS_MEDIAN), ADULTS_SIGMA, len(regions)))
    female = np.rint(adults * rng.uniform(*FEMALE_SHARE_RANGE, len(regions)))
    shares = np.array(AGE_SHARES) * rng.uniform(1 - AGE_SHARE_NOISE, 1 + AGE_SHARE_NOISE, (len(regions), len(AGE_GROUPS)))
    ages = np.rint(adults[:, None] * shares / shares.sum(axis=1, keepdims=True))
    sex_rows = pd.DataFrame(
        {
            "kabkota": np.repeat(regions, 2),
            "variabel": "sex",
            "kategori": np.tile(["L", "P"], len(regions)),
            "jumlah": np.column_stack([adults - female, female]).reshape(-1).astype(np.int64),
        }
    )
    age_rows = pd.DataFrame(
        {
            "kabkota": np.repeat(regions, len(AGE_GROUPS)),
            "variabel": "age_group",
            "kategori": np.tile(AGE_GROUPS, len(regions)),
            "jumlah": ages.reshape(-1).astype(np.int64),
        }
    )
    return pd.concat([sex_rows, age_rows], ignore_index=True)
