/**
 * The parameters of the synthetic market, in one place so the documentation (docs/api/synthetic.md) and
 * the tests read the same numbers the generator uses. Rates are per trading day unless the name says
 * `Annual`; 252 trading days per year (methods.md §0).
 *
 * Structure follows seed 002's `load_universe_data` (market + 7 style factors, sector clustering, GARCH-like
 * volatility) with the defects of methods.md Appendix A item 11 fixed: the GARCH variance scales every
 * shock, the injected effects are causal and of realistic size, and prices are built from the final returns.
 */

/** Factor k's name; the loadings column k and factor-return column k use this order. */
export const FACTOR_NAMES = [
  'market',
  'value',
  'size',
  'quality',
  'investment',
  'dividend_yield',
  'momentum',
  'liquidity',
] as const;
export const FACTOR_COUNT = FACTOR_NAMES.length;

const SQRT252 = Math.sqrt(252);

/** Seed 002's factor premia, annual [0.05, 0.03, 0.04, 0.02, −0.02, 0.01, 0.03, 0.00], as daily means. */
export const FACTOR_PREMIA_DAILY: readonly number[] = [0.05, 0.03, 0.04, 0.02, -0.02, 0.01, 0.03, 0.0].map(
  (x) => x / 252,
);
/** Seed 002's factor volatilities, annual [0.15, 0.04, 0.05, 0.03, 0.04, 0.03, 0.04, 0.03], as daily sds. */
export const FACTOR_VOLS_DAILY: readonly number[] = [0.15, 0.04, 0.05, 0.03, 0.04, 0.03, 0.04, 0.03].map(
  (x) => x / SQRT252,
);

/** Market beta = 1 + 0.25·N(0,1), clipped to [0.3, 1.8] so beta-neutralisation has something to remove. */
export const BETA_DISPERSION = 0.25;
export const BETA_MIN = 0.3;
export const BETA_MAX = 1.8;
/** Style loadings ~ N(0, 0.4²) as in seed 002, clipped at ±3 sd (a 0.27 % tail). */
export const STYLE_LOADING_SD = 0.4;
export const STYLE_LOADING_CLIP = 1.2;

/** Sector factor: one per sector, zero mean, 10 % a year; each stock loads U(0.6, 1.4) on its own sector. */
export const SECTOR_VOL_DAILY = 0.1 / SQRT252;
export const SECTOR_LOADING_MIN = 0.6;
export const SECTOR_LOADING_MAX = 1.4;

/** Idiosyncratic vol drawn U(0.006, 0.022) a day (9.5 %–35 % a year) before the band adjustment below. */
export const IDIO_VOL_MIN_DAILY = 0.006;
export const IDIO_VOL_MAX_DAILY = 0.022;
/**
 * Band for each stock's unconditional annualised vol, √(252·(βᵀΣ_fβ + c²σ_sec² + σ_idio²)). A stock whose
 * draw falls outside has its idiosyncratic vol moved to the nearest edge (always possible: the clipped
 * loadings bound the systematic vol below 30 %).
 */
export const ANNUAL_VOL_MIN = 0.15;
export const ANNUAL_VOL_MAX = 0.45;

/**
 * GARCH(1,1) variance multiplier h_t with E[h] = 1, driven by the market factor's standardised shock z:
 * h_{t+1} = ω + α·h_t·z_t² + β·h_t, ω = 1 − α − β. α and β are seed 002's 0.05 and 0.94. Every factor,
 * sector and idiosyncratic shock of day t is scaled by √h_t. Fourth moment exists: β² + 2αβ + 3α² < 1.
 */
export const GARCH_ALPHA = 0.05;
export const GARCH_BETA = 0.94;
export const GARCH_OMEGA = 1 - GARCH_ALPHA - GARCH_BETA;
/** VIX = variance-risk premium × forward 21-day conditional market vol, annualised percent. */
export const VIX_VARIANCE_RISK_PREMIUM = 1.1;
export const VIX_HORIZON_DAYS = 21;

/**
 * Injected effects: daily expected return per cross-sectional standard deviation of a characteristic as
 * visible at the previous close (so every effect is causal). Sizes are chosen so a signal's 21-day rank
 * IC is a few hundredths at most. Zero = the characteristic is pure noise for returns.
 */
export const EFFECTS = {
  /** 12-1 momentum: Σ ln(1 + r) over days t−252 … t−22 (returns strictly before t). */
  momentum: 0.9e-4,
  /** Latest monthly FY1 EPS revision. */
  epsRevision: 0.7e-4,
  /** Post-earnings drift on the latest standardised surprise, until the next filing. */
  earningsSurprise: 0.4e-4,
  /** Short interest / shares outstanding: higher short interest, lower returns. */
  shortInterest: -0.6e-4,
  /** Accruals carry no signal (pure noise) by design. */
  accruals: 0,
  /** Asset growth has no direct effect; it is linked to the investment loading (premium −2 %/yr). */
  assetGrowth: 0,
  /** Insider transactions carry no signal (pure noise) by design. */
  insider: 0,
} as const;
/**
 * Momentum is a traded factor, not a sure thing: the injected momentum term of day t is φ_t·z_t with
 * φ_t = κ_mom + σ_φ √h_t ζ_t (ζ iid N(0,1)), so its mean is κ_mom while a long-short momentum book has an
 * annual Sharpe of about κ·252 / (σ_φ √252) ≈ 0.95 and loses in some months, as real momentum does.
 */
export const MOMENTUM_FACTOR_VOL_DAILY = 1.5e-3;
/** On the day a filing becomes visible, the stock moves by this many idiosyncratic sds per unit surprise. */
export const ANNOUNCEMENT_JUMP_PER_SURPRISE = 0.6;
/** Momentum window: 12-1 months, i.e. returns t−252 … t−22 for the expected return of day t. */
export const MOMENTUM_LOOKBACK = 252;
export const MOMENTUM_SKIP = 21;

/** The 11 GICS sectors and the share of names each gets (a large-cap US universe, by count). */
export const GICS_SECTORS = [
  'Communication Services',
  'Consumer Discretionary',
  'Consumer Staples',
  'Energy',
  'Financials',
  'Health Care',
  'Industrials',
  'Information Technology',
  'Materials',
  'Real Estate',
  'Utilities',
] as const;
export const GICS_SECTOR_SHARES: readonly number[] = [
  0.05, 0.11, 0.06, 0.05, 0.14, 0.13, 0.15, 0.13, 0.06, 0.07, 0.05,
];

/** Levels of the benchmark series on the first date. */
export const MARKET_INDEX_BASE = 1000;
export const SECTOR_INDEX_BASE = 100;
