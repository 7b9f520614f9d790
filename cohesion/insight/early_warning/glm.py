"""Batched quasi-Poisson GLM fitting that follows R's `glm.fit` step for step.

farringtonFlexible fits one small log-linear GLM per series and monitored week.
All series of one monitored week share the design matrix X (it depends on the
calendar only), so the fits are batched: working weights and responses are
(S, N) arrays and the weighted Gram matrices XᵀWX come from one BLAS matrix
product. Exactness with R needs its iteration path, not just its optimum,
because R stops at a deviance tolerance and its numbers carry that error:

- start at mu = y + 0.1 (the Poisson family's `initialize`), eta = log mu;
- mu = max(exp(eta), eps) and dmu/deta likewise (R's log link clamps both);
- stop when |dev - dev_old| / (|dev| + 0.1) < 1e-8, at most 25 iterations, each
  problem frozen at its own convergence so it reports R's iterate;
- the returned working weights, Gram matrix (hence covariance and hat values) are
  those of the *last* iteration's least-squares step, i.e. W from the start of that
  iteration, while mu is the final one (§1.4 of the reference);
- rank: R's pivoted QR drops a column whose norm falls below 1e-11 of its own
  after orthogonalising against earlier columns (all-zero columns, and the last of
  an aliased set). Here the Gram matrix is factorised by a Cholesky that skips such
  columns in the same left-to-right order; on squared norms the tolerance has to
  be looser (1e-9), which only matters for columns that are almost, but not
  exactly, collinear (never the case for Farrington's designs).

The normal equations square the condition number that R's QR sees; with this
design (intercept, trend, 0/1 seasonal dummies) that costs a few digits at most,
far below R's own stopping error.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

EPS = float(np.finfo(np.float64).eps)
MAXIT = 25
EPSILON = 1e-8
# Squared-norm tolerance for dropping an aliased column (see the module docstring).
RANK_TOL = 1e-9


@dataclass
class GramPlan:
    """How to build XᵀWX for every problem from one matrix product.

    The products X[:, i] * X[:, j] of a Farrington design repeat a lot (dummy x
    dummy is the dummy or zero, intercept x anything is that column), so only the
    distinct non-zero product columns are multiplied by W and the results are
    scattered into the K x K matrices: 21 columns instead of 144 for K = 12.
    """

    products: np.ndarray  # (N, U) distinct non-zero products
    index: np.ndarray  # (K, K) column of `products` for entry (i, j), -1 for zero
    _summed: np.ndarray | None = field(default=None, repr=False)  # (U + 1, N) for gram_t

    @classmethod
    def for_design(cls, x: np.ndarray) -> GramPlan:
        n_cols = x.shape[1]
        iu, ju = np.triu_indices(n_cols)
        prods = np.ascontiguousarray((x[:, iu] * x[:, ju]).T)  # (P, N)
        seen: dict[bytes, int] = {}
        columns: list[np.ndarray] = []
        index = np.full((n_cols, n_cols), -1)
        for p, (i, j) in enumerate(zip(iu, ju, strict=True)):
            if not prods[p].any():
                continue  # e.g. two different dummies: the entry stays 0
            key = prods[p].tobytes()
            if key not in seen:
                seen[key] = len(columns)
                columns.append(prods[p])
            index[i, j] = index[j, i] = seen[key]
        n_obs = x.shape[0]
        products = np.column_stack(columns) if columns else np.zeros((n_obs, 0))
        return cls(products=np.ascontiguousarray(products), index=index)

    def gram(self, weights: np.ndarray) -> np.ndarray:
        """XᵀWX for each row of `weights` (S, N) -> (S, K, K)."""
        sums = weights @ self.products  # (S, U): the one expensive product
        sums = np.concatenate([sums, np.zeros((len(sums), 1))], axis=1)
        return sums[:, self.index]  # index -1 picks the appended zero

    def gram_t(self, weights: np.ndarray) -> np.ndarray:
        """XᵀWX for each row of `weights` (S, N), problems last: (K, K, S)."""
        if self._summed is None:
            zero = np.zeros((1, self.products.shape[0]))
            self._summed = np.ascontiguousarray(np.concatenate([self.products.T, zero]))
        sums = self._summed @ weights.T  # (U + 1, S), the last row zero
        out: np.ndarray = sums[self.index]  # index -1 picks the zero row
        return out

    def quadratic_forms(self, matrices: np.ndarray) -> np.ndarray:
        """x_nᵀ M_s x_n for every problem s and row n: (S, K, K) -> (S, N).

        The same reduction backwards: fold M's entries onto the distinct products,
        then one (S, U) @ (U, N) product instead of an (S, N, K, K) contraction.
        """
        k = self.index.shape[0]
        fold = np.zeros((k * k, self.products.shape[1]))
        flat = self.index.reshape(-1)
        fold[np.flatnonzero(flat >= 0), flat[flat >= 0]] = 1.0
        out: np.ndarray = (matrices.reshape(len(matrices), k * k) @ fold) @ self.products.T
        return out


def factor_with_rank(
    gram: np.ndarray, allowed: np.ndarray, rhs: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Batched Cholesky of (K, K, S) Gram matrices, skipping aliased columns.

    Problems run along the last axis, so every step is a few vector operations over
    all problems at once (LAPACK's batched routines pay a per-matrix overhead that
    dominates at K ≈ 12). Column j is dropped (column j of L zero, `active[j]`
    False) when it is not `allowed` (K, S), or when its squared norm after
    projection onto the earlier kept columns is below RANK_TOL of its own: R's
    limited pivoting, which moves such a column to the end and leaves its
    coefficient NA. With `rhs` (K, S), L⁻¹ rhs is carried along as an extra row
    (zero for dropped columns) and returned as the third value.

    Returns `low` (K + 1 rows if `rhs` is given, else K; only entries i ≥ j of
    the first K rows are meaningful), `active` (K, S) and L⁻¹ rhs or None.
    """
    k, _, n_problems = gram.shape
    rows = k if rhs is None else k + 1
    low = np.empty((rows, k, n_problems))
    low[:k] = gram
    if rhs is not None:
        low[k] = rhs
    diag0 = gram[np.arange(k), np.arange(k)]  # (K, S): the columns' own squared norms
    active = np.empty((k, n_problems), dtype=bool)
    for j in range(k):  # left-looking, as in factor_fast
        col = low[j:, j]
        if j:
            col -= np.einsum("iks,ks->is", low[j:, :j], low[j, :j])
        d0 = diag0[j]
        with np.errstate(invalid="ignore"):
            ok = allowed[j] & (d0 > 0) & (col[0] > RANK_TOL * d0)
        active[j] = ok
        root = np.sqrt(np.where(ok, col[0], 1.0))
        col[1:] /= root
        np.copyto(col, 0.0, where=~ok)
        col[0] = np.where(ok, root, 0.0)
    return low, active, (low[k] if rhs is not None else None)


def factor_fast(gram: np.ndarray, rhs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Plain batched Cholesky of (K, K, S) matrices with L⁻¹ rhs as an extra row.

    No rank decisions: the caller checks the pivots (the squared diagonal of L)
    afterwards and falls back to `factor_with_rank` when one is too small.
    Returns `low` (K + 1, K, S) and its diagonal (K, S).
    """
    k = gram.shape[0]
    low = np.empty((k + 1, k, gram.shape[2]))
    low[:k] = gram
    low[k] = rhs
    with np.errstate(invalid="ignore", divide="ignore"):
        for j in range(k):  # left-looking: column j from the finished columns before it
            col = low[j:, j]
            if j:
                col -= np.einsum("iks,ks->is", low[j:, :j], low[j, :j])
            root = col[0]
            np.sqrt(root, out=root)
            col[1:] /= root
    return low, low[np.arange(k), np.arange(k)]


def back_substitute(low: np.ndarray, active: np.ndarray, z: np.ndarray) -> np.ndarray:
    """β with Lᵀβ = z per problem (K, S); dropped columns get β = 0 (R's Cdqrls)."""
    k = active.shape[0]
    diag = np.where(active, low[np.arange(k), np.arange(k)], 1.0)
    beta = np.empty_like(z)
    for j in range(k - 1, -1, -1):
        out = beta[j]
        if j + 1 < k:
            np.subtract(z[j], np.einsum("is,is->s", low[j + 1 : k, j], beta[j + 1 :]), out=out)
            out /= diag[j]
        else:
            np.divide(z[j], diag[j], out=out)
    return beta


def inverse_from_factor(low: np.ndarray, active: np.ndarray) -> np.ndarray:
    """(XᵀWX)⁻¹ = L⁻ᵀL⁻¹ over the kept columns, zero in dropped rows and columns.

    This is R's `chol2inv(Qr$qr[p1, p1])` (the unscaled covariance) laid out in the
    original column order, so that xᵀ C x needs no pivoting. (K, K, S) in and out.
    """
    k, n_problems = active.shape
    diag = np.where(active, low[np.arange(k), np.arange(k)], 1.0)
    inv_low = np.zeros((k, k, n_problems))  # M = L⁻¹, row by row
    for j in range(k):
        row = inv_low[j]
        if j:
            np.einsum("is,ics->cs", low[j, :j], inv_low[:j], out=row)
            np.negative(row, out=row)
        row[j] += 1.0
        row /= diag[j]
        np.copyto(row, 0.0, where=~active[j])
    cov = np.empty((k, k, n_problems))  # C = L⁻ᵀ M, from the last row up
    for j in range(k - 1, -1, -1):
        if j + 1 < k:
            cov[j] = inv_low[j] - np.einsum("is,ics->cs", low[j + 1 : k, j], cov[j + 1 :])
        else:
            cov[j] = inv_low[j]
        cov[j] /= diag[j]
    return cov


def _factor_step(
    gram: np.ndarray, allowed: np.ndarray, rhs: np.ndarray, previous: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Factor for one least-squares step of every problem: (low, active, L⁻¹ rhs).

    The columns kept at the previous step are tried first with a plain Cholesky
    (dropped columns replaced by identity rows and columns), checking every pivot
    against the rank tolerance; only when that fails (the first step, or a column
    that has become aliased) does the column-by-column `factor_with_rank` decide
    afresh. Both keep exactly the columns R's pivoted QR would keep (within the
    tolerance noted in the module docstring).
    """
    if previous is not None:
        k = gram.shape[0]
        diag0 = gram[np.arange(k), np.arange(k)]
        if previous.all():
            low, root = factor_fast(gram, rhs)
        else:
            both = previous[:, None, :] & previous[None, :, :]
            eye = np.eye(k, dtype=bool)[:, :, None]
            low, root = factor_fast(np.where(both, gram, eye), np.where(previous, rhs, 0.0))
        with np.errstate(invalid="ignore"):
            fine = ~previous | ((diag0 > 0) & (root * root > RANK_TOL * diag0))
        if fine.all():
            return low, previous, low[k]
    low, active, z = factor_with_rank(gram, allowed, rhs)
    assert z is not None
    return low, active, z


def _log_link_inverse(eta: np.ndarray) -> np.ndarray:
    # R's log link: linkinv and mu.eta are both pmax(exp(eta), .Machine$double.eps).
    out: np.ndarray = np.maximum(np.exp(eta), EPS)
    return out


def integer_counts(y: np.ndarray, limit: int = 1 << 16) -> np.ndarray | None:
    """`y` as integers when every value is a whole number in [0, limit), else None."""
    if y.size == 0 or y.min() < 0 or y.max() >= limit:
        return None
    ints = y.astype(np.int64)
    return ints if np.array_equal(ints, y) else None


def _start_values(y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """η = log(y + 0.1), μ = linkinv(η), 2(y log(y/μ) - (y - μ)) and y log y - y per entry."""
    ints = integer_counts(y)
    values = np.arange(int(y.max()) + 1, dtype=np.float64) if ints is not None else y
    eta = np.log(values + 0.1)
    mu = _log_link_inverse(eta)
    with np.errstate(divide="ignore", invalid="ignore"):
        positive = np.where(values > 0, values, 1.0)
        ylog_ymu = np.where(values > 0, values * np.log(positive / mu), 0.0)
        ylogy = np.where(values > 0, values * np.log(positive), 0.0)
    dev_terms = 2.0 * (ylog_ymu - (values - mu))
    out = (eta, mu, dev_terms, ylogy - values)
    if ints is None:
        return out
    return eta[ints], mu[ints], dev_terms[ints], (ylogy - values)[ints]


@dataclass
class QuasiPoissonFit:
    """R's `glm(..., family = quasipoisson)` for S problems on one design.

    Per problem: `coef` (0 for dropped columns), final `mu`/`eta`, the working
    weights and covariance of the last least-squares step (see module docstring),
    `rank`, `df_residual` (observations with positive prior weight minus rank),
    `converged`, `iterations`.
    """

    coef: np.ndarray  # (S, K)
    eta: np.ndarray  # (S, N)
    mu: np.ndarray  # (S, N)
    working_weights: np.ndarray  # (S, N)
    cov_unscaled: np.ndarray  # (S, K, K)
    active: np.ndarray  # (S, K)
    rank: np.ndarray  # (S,)
    df_residual: np.ndarray  # (S,)
    converged: np.ndarray  # (S,)
    iterations: np.ndarray  # (S,)
    deviance: np.ndarray  # (S,)

    def working_residuals(self, y: np.ndarray) -> np.ndarray:
        """(y - μ)/(dμ/dη) with the final μ: R's `model$residuals` (dμ/dη = μ, log link)."""
        out: np.ndarray = (y - self.mu) / self.mu
        return out

    def dispersion(self, y: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """`summary.glm`'s dispersion Σ w r² / df over w > 0 (NaN when df = 0).

        `weights` defaults to the fit's working weights; farringtonFlexible
        overwrites them with the prior weights after reweighting (§1.5), which a
        caller reproduces by passing those.
        """
        w = self.working_weights if weights is None else weights
        r = self.working_residuals(y)
        # Weights are never negative and residuals are finite, so Σ over w > 0 is Σ w r².
        total = np.einsum("sn,sn,sn->s", w, r, r)
        with np.errstate(divide="ignore", invalid="ignore"):
            out: np.ndarray = np.where(self.df_residual > 0, total / self.df_residual, np.nan)
        return out

    def hat_values(self, plan: GramPlan) -> np.ndarray:
        """Diagonal of W^½X(XᵀWX)⁻¹XᵀW^½, set to 1 above 1 - 10 eps as `lm.influence` does."""
        hat: np.ndarray = self.working_weights * plan.quadratic_forms(self.cov_unscaled)
        hat[hat > 1 - 10 * EPS] = 1.0
        return hat


def fit_quasipoisson(
    x: np.ndarray,
    y: np.ndarray,
    prior_weights: np.ndarray,
    *,
    allowed: np.ndarray | None = None,
    plan: GramPlan | None = None,
    maxit: int = MAXIT,
    epsilon: float = EPSILON,
) -> QuasiPoissonFit:
    """Fit log-link quasi-Poisson GLMs for S problems sharing the design `x` (N, K).

    `y` (S, N) must be finite where `prior_weights` > 0; rows with prior weight 0
    (R's zero weights, or missing counts, which R drops before fitting) take no
    part. `allowed` (S, K) switches columns off per problem (e.g. the trend for
    problems refitted without it); dropped columns behave as in R (coefficient NA,
    reported here as 0, and not counted in the rank).
    """
    n_problems, n_obs = y.shape
    k = x.shape[1]
    plan = plan or GramPlan.for_design(x)
    if allowed is None:
        allowed = np.ones((n_problems, k), dtype=bool)
    present = prior_weights > 0
    pw = np.where(present, prior_weights, 0.0)
    y = np.where(present, y, 0.0)
    n_ok = present.sum(axis=1)

    # Everything at the start depends on the count alone, so for integer counts it
    # is looked up in a table built with R's formulas (logarithms per distinct count
    # instead of per observation).
    eta, mu, dev_terms, ylogy_minus_y = _start_values(y)
    dev_old = (pw * dev_terms).sum(axis=1)
    # The deviance Σ 2ω(y log y - y log μ - (y - μ)) splits into a constant, a term
    # linear in the coefficients (Σ ω y η = β · (ωy)ᵀX) and Σ ωμ, which is the next
    # step's working weights summed. That saves a logarithm and several passes over
    # the (S, N) arrays per step; it differs from R's sum of y log(y/μ) only in
    # rounding (and where μ is clamped at eps for a positive count, which a fit never
    # comes near).
    const = (pw * ylogy_minus_y).sum(axis=1)
    wy_x = (pw * y) @ x  # (S, K): ωyᵀX, fixed for the fit

    out = QuasiPoissonFit(
        coef=np.zeros((n_problems, k)),
        # Every problem is stored when it stops (at the latest at maxit).
        eta=np.empty((n_problems, n_obs)),
        mu=np.empty((n_problems, n_obs)),
        working_weights=np.empty((n_problems, n_obs)),
        cov_unscaled=np.zeros((n_problems, k, k)),
        active=np.zeros((n_problems, k), dtype=bool),
        rank=np.zeros(n_problems, dtype=np.int64),
        df_residual=np.zeros(n_problems, dtype=np.int64),
        converged=np.zeros(n_problems, dtype=bool),
        iterations=np.zeros(n_problems, dtype=np.int64),
        deviance=dev_old.copy(),
    )
    # Gram matrices, their factors and (K, S) vectors run with the problems last
    # (see factor_with_rank).
    lows = np.zeros((k, k, n_problems))  # the last step's Cholesky factor, per problem
    todo = np.arange(n_problems)  # problems still iterating
    intercept_first = bool(np.all(x[:, 0] == 1.0))
    unit_weights = bool(np.all(pw == 1.0))
    xt = np.ascontiguousarray(x.T)
    # Log link: dμ/dη = μ (both clamped at eps), so the working weight ω(dμ/dη)²/V(μ)
    # is W = ωμ and the working response z = η + (y - μ)/μ: XᵀWz = XᵀWη - XᵀW1 + Xᵀωy.
    # Once η = Xβ (every step after the first), XᵀWη = (XᵀWX)β, so the right-hand
    # side comes from the Gram matrix with no further pass over the data: the same
    # least-squares solution as R's QR, up to rounding.
    w = pw * mu
    gram = plan.gram_t(w)  # (K, K, S)
    rhs_eta = x.T @ (w * eta).T  # the first step starts from η = log(y + 0.1), not Xβ
    coef = np.zeros((k, n_problems))
    dv, al, cst, wyx, pwt = dev_old, allowed.T, const, wy_x.T, pw
    active: np.ndarray | None = None  # (K, S) columns kept at the previous step
    for iteration in range(1, maxit + 1):
        wx = gram[0] if intercept_first else x.T @ w.T
        if iteration > 1:
            rhs_eta = np.einsum("kls,ls->ks", gram, coef)
        rhs_eta -= wx
        rhs_eta += wyx
        low, active, z = _factor_step(gram, al, rhs_eta, active)
        coef = back_substitute(low, active, z)
        et_new = coef.T @ xt
        mt_new = np.exp(et_new)
        np.maximum(mt_new, EPS, out=mt_new)
        w_new = mt_new if unit_weights else pwt * mt_new
        gram_new = plan.gram_t(w_new)  # the next step's, and Σ ωμ for the deviance
        wsum = gram_new[0, 0] if intercept_first else w_new.sum(axis=1)
        dev = 2.0 * (cst - np.einsum("ks,ks->s", coef, wyx) + wsum)
        done = np.abs(dev - dv) / (np.abs(dev) + 0.1) < epsilon
        if iteration == maxit or done.all():
            finish = None  # everything left stops here
            idx = todo
        elif done.any():
            finish = done
            idx = todo[done]
        else:
            w, gram, dv = w_new, gram_new, dev
            continue
        pick = slice(None) if finish is None else finish
        out.coef[idx] = coef[:, pick].T
        out.eta[idx] = et_new[pick]
        out.mu[idx] = mt_new[pick]
        out.working_weights[idx] = w[pick]  # W of this step: from its start
        lows[:, :, idx] = low[:k, :, pick]
        out.active[idx] = active[:, pick].T
        out.converged[idx] = done[pick]
        out.iterations[idx] = iteration
        out.deviance[idx] = dev[pick]
        if finish is None:
            break
        keep = ~finish
        todo = todo[keep]
        coef, w_new, gram_new, dev = coef[:, keep], w_new[keep], gram_new[..., keep], dev[keep]
        al, cst, wyx, pwt = al[:, keep], cst[keep], wyx[:, keep], pwt[keep]
        active = active[:, keep]
        w, gram, dv = w_new, gram_new, dev
    cov = inverse_from_factor(lows, out.active.T)
    out.cov_unscaled = np.ascontiguousarray(cov.transpose(2, 0, 1))
    out.rank = out.active.sum(axis=1)
    out.df_residual = n_ok - out.rank
    return out
