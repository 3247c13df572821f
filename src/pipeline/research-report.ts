/**
 * The research report (issue 6, architecture.md §9): every table in machine form and every chart the tear
 * sheet shows — IC by signal and horizon, IC decay, quantile spreads, score decay, composite IC over time,
 * cumulative gross and net returns per covariance method, drawdowns, turnover, exposures, covariance
 * diagnostics and the overfitting statistics. Builds a `Report` from a pipeline result; holds no maths.
 */
import type { AlphalabConfig } from '../core/config.ts';
import { formatNumber } from '../report/format.ts';
import type { Chart, Report, ReportSection, ReportTable } from '../report/model.ts';
import { drawdowns, spearman } from '../stats/index.ts';
import type { ResearchPipelineResult } from './research.ts';
import type { SolveRecord } from './walk-forward.ts';

function cumulative(r: Float64Array, from: number): Float64Array {
  const out = new Float64Array(r.length).fill(Number.NaN);
  let e = 1;
  for (let t = from; t < r.length; t++) {
    e *= 1 + r[t]!;
    out[t] = e - 1;
  }
  return out;
}

/** Rank IC of the walk-forward composite at each rebalance against its chosen horizon's forward return. */
function compositeIcSeries(res: ResearchPipelineResult): { dates: string[]; ic: number[] } {
  const p = res.portfolio!;
  const ctx = res.research.tier.context;
  const N = ctx.N;
  const dates: string[] = [];
  const ic: number[] = [];
  for (const rec of p.records) {
    const k = ctx.horizons.indexOf(rec.horizon);
    // the pipeline keeps the forward returns at the rebalances only (research.ts releases the panels)
    const fwd = res.forwardAtRebalances
      ? res.forwardAtRebalances[k]!.subarray(rec.k * N, (rec.k + 1) * N)
      : ctx.forward[k]!.subarray(rec.t * N, (rec.t + 1) * N);
    const book = p.books[0]!.sim.rebalances.find((r) => r.decisionIndex === rec.t);
    if (!book) continue;
    // the first book's target weights are a monotone function of the composite on its free names; the IC of
    // weights vs forward returns over the names it holds measures the traded signal
    const xs: number[] = [];
    const ys: number[] = [];
    book.weights.forEach((w, i) => {
      if (w !== 0 && Number.isFinite(fwd[i]!)) {
        xs.push(w);
        ys.push(fwd[i]!);
      }
    });
    dates.push(rec.date);
    ic.push(xs.length >= 10 ? spearman(Float64Array.from(xs), Float64Array.from(ys)) : Number.NaN);
  }
  return { dates, ic };
}

function signalSections(res: ResearchPipelineResult): ReportSection[] {
  const tier = res.research.tier;
  const horizons = tier.context.horizons;
  const best = new Map<string, (typeof tier.table)[number]>();
  for (const row of tier.table) {
    const b = best.get(row.signal);
    if (!Number.isNaN(row.icirAnn) && (!b || Math.abs(row.icirAnn) > Math.abs(b.icirAnn)))
      best.set(row.signal, row);
  }
  const ranked = [...best.values()].sort((a, b) => Math.abs(b.icirAnn) - Math.abs(a.icirAnn));
  const w = res.research.weights;
  const weightOf = new Map(w ? w.names.map((n, j) => [n, w.weights[j]!] as const) : []);
  const ranking: ReportTable = {
    id: 'signal-ranking',
    title:
      'Signal ranking — each signal at its best horizon by |ICIR_ann| (in-sample: full-sample statistics)',
    columns: [
      { key: 'signal', label: 'Signal' },
      { key: 'h', label: 'Horizon', format: 'int' },
      { key: 'ic', label: 'Mean IC', format: 'num', digits: 4 },
      { key: 'icir', label: 'ICIR_ann', format: 'num', digits: 2 },
      { key: 'tnw', label: 't (NW)', format: 'num', digits: 2 },
      { key: 'hit', label: 'Hit rate', format: 'pct', digits: 1 },
      { key: 'hl', label: 'IC decay HL (d)', format: 'num', digits: 1 },
      { key: 'q', label: 'Q5−Q1 ann', format: 'pct' },
      { key: 'cov', label: 'Coverage', format: 'int' },
      { key: 'w', label: 'Weight (in-sample)', format: 'num', digits: 3 },
    ],
    rows: ranked.map((x) => ({
      signal: x.signal,
      h: x.horizon,
      ic: x.meanIc,
      icir: x.icirAnn,
      tnw: x.tNw,
      hit: x.hitRate,
      hl: x.decayHalfLife,
      q: x.q5q1Ann,
      cov: x.coverage,
      w: weightOf.get(x.signal) ?? null,
    })),
  };
  // charts on the variant-0 signal of each family, to stay readable
  const bases = tier.specs.filter((s) => !/_v\d+$/.test(s.name)).map((s) => s.name);
  const rowOf = (sig: string, h: number) => tier.table.find((r) => r.signal === sig && r.horizon === h);
  const skips = res.config.research.decay_skips.includes(0)
    ? res.config.research.decay_skips
    : [0, ...res.config.research.decay_skips];
  const hPick = res.research.horizonChoice?.horizon ?? horizons[0]!;
  const charts: Chart[] = [
    {
      kind: 'bar',
      id: 'ic-by-signal',
      title: 'Mean rank IC by signal and horizon (base variants)',
      categories: bases,
      series: horizons.map((h) => ({
        name: `${h}d`,
        values: bases.map((s) => rowOf(s, h)?.meanIc ?? Number.NaN),
      })),
    },
    {
      kind: 'line',
      id: 'ic-decay',
      title: `IC decay: mean IC(ℓ) by skip ℓ at the ${hPick}-day horizon`,
      x: skips,
      series: bases.map((s) => ({ name: s, values: rowOf(s, hPick)?.icDecay ?? [] })),
      baseline: 0,
    },
    {
      kind: 'bar',
      id: 'quantile-spread',
      title: `Q5 − Q1 annualised spread at the ${hPick}-day horizon`,
      categories: bases,
      series: [{ name: 'Q5−Q1', values: bases.map((s) => rowOf(s, hPick)?.q5q1Ann ?? Number.NaN) }],
      yFormat: 'pct',
    },
    {
      kind: 'line',
      id: 'score-decay',
      title: `Score decay: top-minus-bottom decile return by holding skip (${hPick}-day horizon, annualised)`,
      x: skips,
      series: bases.map((s) => ({ name: s, values: rowOf(s, hPick)?.scoreDecay ?? [] })),
      yFormat: 'pct',
      baseline: 0,
    },
  ];
  const paragraphs = [
    `${tier.specs.length} signal specs, ${tier.signals.filter((s) => s.status === 'ok').length} computed; horizons ${horizons.join(', ')} days with execution delay ${tier.context.executionDelay}.`,
    ...tier.notes,
  ];
  const sections: ReportSection[] = [
    { id: 'signals', title: 'Signals and rank IC', paragraphs, tables: [ranking], charts },
  ];
  if (w) {
    sections.push({
      id: 'weights',
      title: 'Signal weights',
      paragraphs: [
        `In-sample weights at the ${w.horizon}-day horizon (shrinkage ${w.shrinkage.method}, intensity ${w.shrinkage.intensity.toFixed(3)}), effective number of signals ${w.effectiveN.toFixed(2)}. The backtest does not use these: it re-estimates weights and horizon at every rebalance from the ICs resolved by then.`,
        ...w.notes,
      ],
      tables: [
        {
          id: 'weights-in-sample',
          title: 'Signal weights (in-sample)',
          columns: [
            { key: 'signal', label: 'Signal' },
            { key: 'w', label: 'Weight', format: 'num', digits: 4 },
            { key: 'icir', label: 'ICIR', format: 'num', digits: 3 },
          ],
          rows: w.names
            .map((n, j) => ({ signal: n, w: w.weights[j]!, icir: w.icir[j]! }))
            .filter((r) => r.w !== 0),
        },
      ],
    });
  }
  return sections;
}

function portfolioSections(res: ResearchPipelineResult): ReportSection[] {
  const p = res.portfolio!;
  const books = res.books!;
  const dates = [...res.universe.dates];
  const s0 = Math.min(...p.books.map((b) => b.sim.firstActiveIndex));
  const x = dates.slice(s0);
  const comparison: ReportTable = {
    id: 'portfolio-comparison',
    title: 'Walk-forward portfolios (net of costs unless stated)',
    columns: [
      { key: 'book', label: 'Book' },
      { key: 'ret', label: 'Ann. return', format: 'pct' },
      { key: 'vol', label: 'Ann. vol', format: 'pct' },
      { key: 'sharpe', label: 'Sharpe', format: 'num', digits: 2 },
      { key: 'gsharpe', label: 'Sharpe (gross)', format: 'num', digits: 2 },
      { key: 'cagr', label: 'CAGR', format: 'pct' },
      { key: 'ir', label: 'IR vs bench', format: 'num', digits: 2 },
      { key: 'alpha', label: 'α ann', format: 'pct' },
      { key: 'alphat', label: 'α t (NW)', format: 'num', digits: 2 },
      { key: 'beta', label: 'β', format: 'num', digits: 3 },
      { key: 'dd', label: 'Max DD', format: 'pct' },
      { key: 'to', label: 'Turnover/yr', format: 'num', digits: 1 },
      { key: 'cost', label: 'Cost/yr', format: 'pct' },
      { key: 'hit', label: 'Hit rate', format: 'pct', digits: 1 },
    ],
    rows: books.map((b) => ({
      book: b.name,
      ret: b.evaluation.net.annualReturn,
      vol: b.evaluation.net.annualVolatility,
      sharpe: b.evaluation.net.sharpe,
      gsharpe: b.evaluation.gross.sharpe,
      cagr: b.evaluation.net.cagr,
      ir: b.evaluation.informationRatio,
      alpha: b.evaluation.capm.alphaAnnual,
      alphat: b.evaluation.capm.alphaT,
      beta: b.evaluation.capm.beta,
      dd: b.evaluation.net.maxDrawdown,
      to: b.evaluation.annualTurnover,
      cost: b.evaluation.annualCost,
      hit: b.evaluation.net.hitRate,
    })),
  };
  const cumNet: Chart = {
    kind: 'line',
    id: 'cumulative-net',
    title: 'Cumulative net return by book',
    x,
    series: p.books.map((b) => ({ name: b.name, values: cumulative(b.sim.netReturns, s0).subarray(s0) })),
    yFormat: 'pct',
    baseline: 0,
  };
  const cumGross: Chart = {
    kind: 'line',
    id: 'cumulative-gross',
    title: 'Cumulative gross return by book',
    x,
    series: p.books.map((b) => ({ name: b.name, values: cumulative(b.sim.grossReturns, s0).subarray(s0) })),
    yFormat: 'pct',
    baseline: 0,
  };
  const dd: Chart = {
    kind: 'line',
    id: 'drawdowns',
    title: 'Drawdown of net equity (E₀ = 1)',
    x,
    series: p.books.map((b) => ({ name: b.name, values: drawdowns(b.sim.netReturns.subarray(s0)).series })),
    yFormat: 'pct',
  };
  const rebDates = p.records.map((r) => r.date);
  const turnover: Chart = {
    kind: 'line',
    id: 'turnover',
    title: 'Two-way turnover at each rebalance',
    x: rebDates,
    series: p.books.map((b) => ({ name: b.name, values: b.sim.rebalances.map((r) => r.turnover) })),
  };
  const sectors = res.universe.sectors;
  const exposures: Chart = {
    kind: 'heatmap',
    id: 'sector-exposure',
    title: 'Average net sector exposure at rebalances',
    rows: books.map((b) => b.name),
    cols: [...sectors],
    values: books.flatMap((b) => sectors.map((s) => b.exposures.sector[s] ?? Number.NaN)),
    format: 'pct',
  };
  const bestName = res.overfitting?.dsr.strategy ?? books[0]!.name;
  const best = books.find((b) => b.name === bestName)!;
  const rolling = best.rolling.find((r) => r.window === 60) ?? best.rolling[0]!;
  const K = rolling.factors.length;
  const rollingChart: Chart = {
    kind: 'line',
    id: 'rolling-exposures',
    title: `Rolling ${rolling.window}-day factor exposures of ${best.name}`,
    x,
    series: rolling.factors.map((f, k) => ({
      name: f,
      values: Float64Array.from({ length: dates.length - s0 }, (_, t) => rolling.betas[(s0 + t) * K + k]!),
    })),
    baseline: 0,
  };
  const exposureTable: ReportTable = {
    id: 'exposures',
    title: 'Exposures at rebalances',
    columns: [
      { key: 'book', label: 'Book' },
      { key: 'beta', label: 'Mean ex-ante β', format: 'num', digits: 4 },
      { key: 'maxbeta', label: 'Max |β|', format: 'num', digits: 4 },
      { key: 'maxsector', label: 'Max |sector net|', format: 'sci' },
    ],
    rows: books.map((b) => ({
      book: b.name,
      beta: b.exposures.beta,
      maxbeta: b.exposures.maxAbsBeta,
      maxsector: b.exposures.maxSectorNet,
    })),
  };
  const diag: ReportTable = {
    id: 'covariance-diagnostics',
    title: `Covariance diagnostics at the last rebalance (${rebDates.at(-1) ?? ''})`,
    columns: [
      { key: 'method', label: 'Estimator' },
      { key: 'trace', label: 'Trace', format: 'sci' },
      { key: 'cond', label: 'Condition number', format: 'sci' },
      { key: 'rank', label: 'Effective rank', format: 'num', digits: 1 },
      { key: 'err', label: 'Error bound (rel.)', format: 'num', digits: 3 },
    ],
    rows: [...p.diagnostics].map(([m, d]) => ({
      method: m,
      trace: d.trace,
      cond: d.conditionNumber,
      rank: d.effectiveRank,
      err: d.relativeErrorBound,
    })),
  };
  const diagChart: Chart = {
    kind: 'bar',
    id: 'covariance-effective-rank',
    title: 'Effective rank of each covariance estimate',
    categories: [...p.diagnostics.keys()],
    series: [{ name: 'effective rank', values: [...p.diagnostics.values()].map((d) => d.effectiveRank) }],
  };
  const composite = compositeIcSeries(res);
  const schedule: Chart = {
    kind: 'line',
    id: 'composite-ic',
    title: 'Rank IC of the traded composite at each rebalance (walk-forward weights)',
    x: composite.dates,
    series: [{ name: 'composite IC', values: composite.ic }],
    baseline: 0,
  };
  const asOf: Chart = {
    kind: 'line',
    id: 'weights-over-time',
    title: 'Walk-forward signal weighting: effective number of signals and expected IC (×100)',
    x: rebDates,
    series: [
      { name: 'effective N', values: p.records.map((r) => r.effectiveN) },
      { name: 'expected IC ×100', values: p.records.map((r) => 100 * r.expectedIc) },
      { name: 'horizon (days)', values: p.records.map((r) => r.horizon) },
    ],
  };
  const gates: ReportTable = {
    id: 'gates',
    title: 'Adaptive gates (seed 001 P1.1), scaled to the test window',
    columns: [
      { key: 'book', label: 'Book' },
      ...books[0]!.gates.map((g) => ({ key: g.gate, label: g.gate })),
    ],
    rows: books.map((b) =>
      Object.fromEntries([
        ['book', b.name],
        ...b.gates.map((g) => [
          g.gate,
          `${g.passed ? 'pass' : 'fail'} (${fmt(g.value)} vs ${fmt(g.threshold)})`,
        ]),
      ]),
    ),
  };
  const assertions: ReportTable = {
    id: 'assertions',
    title: 'Assertion suite (seed 001 P3.3)',
    columns: [
      { key: 'scope', label: 'Scope' },
      { key: 'assertion', label: 'Assertion' },
      { key: 'passed', label: 'Passed', format: 'text' },
      { key: 'detail', label: 'Detail' },
    ],
    rows: [
      ...res.dataAssertions.map((a) => ({
        scope: 'data',
        assertion: a.assertion,
        passed: a.passed,
        detail: a.detail,
      })),
      ...books.flatMap((b) =>
        b.assertions.map((a) => ({
          scope: b.name,
          assertion: a.assertion,
          passed: a.passed,
          detail: a.detail,
        })),
      ),
    ],
  };
  const sections: ReportSection[] = [
    { id: 'composite', title: 'Composite alpha, walk-forward', charts: [schedule, asOf] },
    { id: 'covariance', title: 'Covariance estimators', tables: [diag], charts: [diagChart] },
    {
      id: 'portfolios',
      title: 'Portfolios and evaluation',
      paragraphs: [
        `${p.records.length} rebalances every ${res.config.portfolio.rebalance_every} days after a ${res.config.portfolio.warmup}-day warm-up; covariance, horizon and signal weights re-estimated at each from data available then. Costs: ${res.config.portfolio.costs.half_spread_bps} bp half-spread, ${res.config.portfolio.costs.fee_bps} bp fees and square-root impact on a NAV of ${res.config.portfolio.costs.nav.toExponential(1)}.`,
        volTargetSentence(p.records, res.config.portfolio),
        ...p.notes.slice(0, 20),
      ],
      tables: [comparison, exposureTable],
      charts: [cumNet, cumGross, dd, turnover, exposures, rollingChart],
    },
    { id: 'checks', title: 'Gates and assertions', tables: [gates, assertions] },
  ];
  const o = res.overfitting;
  if (o) {
    const logits = o.pbo ? [...o.pbo.logits] : [];
    const bins = [-3, -2, -1, 0, 1, 2, 3];
    sections.push({
      id: 'overfitting',
      title: 'How much of the best result is selection luck',
      paragraphs: [
        `Best book by net Sharpe: ${o.dsr.strategy}. Deflated Sharpe ratio over ${o.dsr.nTrials} portfolio configurations: ${fmt(o.dsr.dsr)} (the probability that its true Sharpe beats the best of ${o.dsr.nTrials} unskilled trials). Probability of backtest overfitting (CSCV, ${o.pbo?.blocks ?? 0} blocks, ${o.pbo?.splits ?? 0} splits): ${fmt(o.pbo?.pbo ?? Number.NaN)}. The signal tier tried ${o.signalVariantsTried} signal variants before weighting.`,
      ],
      tables: [
        {
          id: 'overfitting-table',
          title: 'Overfitting statistics',
          columns: [
            { key: 'stat', label: 'Statistic' },
            { key: 'value', label: 'Value', format: 'num', digits: 4 },
          ],
          rows: [
            { stat: 'deflated Sharpe ratio', value: o.dsr.dsr },
            { stat: 'expected max Sharpe of the trials (per day)', value: o.dsr.sr0 },
            { stat: 'selected Sharpe (per day)', value: o.dsr.selected.sharpe },
            { stat: 'probability of backtest overfitting', value: o.pbo?.pbo ?? null },
            { stat: 'probability of an OOS loss', value: o.pbo?.probabilityOfLoss ?? null },
          ],
        },
      ],
      charts: [
        {
          kind: 'bar',
          id: 'pbo-logits',
          title: 'Distribution of the in-sample winner’s out-of-sample rank logit (λ ≤ 0: overfit)',
          categories: bins.slice(0, -1).map((b, k) => `${b}…${bins[k + 1]}`),
          series: [
            {
              name: 'splits',
              values: bins
                .slice(0, -1)
                .map((b, k) => logits.filter((l) => l > b && l <= bins[k + 1]!).length),
            },
          ],
        },
      ],
    });
  }
  return sections;
}

/**
 * Whether the books reached the volatility target, and if not why: where the box and gross limits cap the
 * risk below σ*, vol-target.ts takes 99 % of the attainable risk and flags the solve (docs/decisions/035), so a
 * reader must not take σ* for the books' risk. Under `vol_target_mode: cap`, where the cap bound instead
 * (docs/decisions/166).
 */
export function volTargetSentence(
  records: readonly { readonly solves: readonly SolveRecord[] }[],
  pc: AlphalabConfig['portfolio'],
): string {
  const solved = records.flatMap((r) => r.solves.filter((s) => s.status === 'ok'));
  if (pc.vol_target_mode === 'cap') return volCapSentence(solved, pc);
  const target = `Volatility target ${pct(pc.target_vol)} (annualised, ex ante)`;
  if (solved.length === 0) return `${target}: no book was solved.`;
  const short = solved.filter((s) => !s.volTargetReached).map((s) => s.exAnteVol);
  if (short.length === 0) return `${target}: reached in all ${solved.length} solved books.`;
  const gross = pc.max_gross ?? pc.max_leverage;
  return (
    `${target}: reached in ${solved.length - short.length} of ${solved.length} solved books. In the other ` +
    `${short.length} the limits (±${pct(pc.max_position)} per name, gross ≤ ${gross}×, costs) cap the risk ` +
    `below it; those books take 99 % of the risk the limits allow — ex-ante volatility ${medianAndRange(short)}.`
  );
}

/** The cap form: books at the configured γ unless their risk exceeded the cap, then γ raised until it holds. */
function volCapSentence(solved: readonly SolveRecord[], pc: AlphalabConfig['portfolio']): string {
  const cap = `Volatility cap ${pct(pc.target_vol)} (annualised, ex ante; vol_target_mode: cap)`;
  if (solved.length === 0) return `${cap}: no book was solved.`;
  const binding = solved.filter((s) => s.gamma > pc.gamma).length;
  return (
    `${cap}: binding in ${binding} of ${solved.length} solved books (γ raised above ${fmt(pc.gamma)} until the ` +
    `risk met it); the others kept γ = ${fmt(pc.gamma)}. Ex-ante volatility ` +
    `${medianAndRange(solved.map((s) => s.exAnteVol))}.`
  );
}

/** "median m, range lo–hi" of some ex-ante volatilities (the lower middle value for an even count). */
function medianAndRange(vols: number[]): string {
  vols.sort((a, b) => a - b);
  const median = vols[Math.floor((vols.length - 1) / 2)]!;
  return `median ${pct(median)}, range ${pct(vols[0]!)}–${pct(vols.at(-1)!)}`;
}

function pct(x: number): string {
  return formatNumber(x, 'pct', x < 0.01 ? 2 : 1);
}

function fmt(x: number): string {
  return Number.isFinite(x) ? (Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3)) : 'n/a';
}

export function buildResearchReport(res: ResearchPipelineResult): Report {
  const u = res.universe;
  const summary: ReportSection = {
    id: 'summary',
    title: 'Summary',
    paragraphs: [
      `Universe: ${u.source} — ${u.tickers.length} stocks, ${u.dates.length} days from ${u.dates[0]} to ${u.dates.at(-1)}, ${u.sectors.length} sectors.`,
      res.books
        ? `Best walk-forward book by net Sharpe: ${res.overfitting?.dsr.strategy} (deflated Sharpe ${fmt(res.overfitting?.dsr.dsr ?? Number.NaN)}).`
        : 'The run stopped before the portfolio stage.',
    ],
    tables: [
      {
        id: 'timings',
        title: 'Stage timings',
        columns: [
          { key: 'stage', label: 'Stage' },
          { key: 'ms', label: 'ms', format: 'int' },
        ],
        rows: Object.entries(res.manifest.timingsMs).map(([stage, ms]) => ({ stage, ms })),
      },
    ],
  };
  return {
    title: 'alphalab research report',
    subtitle: `${u.tickers.length} stocks × ${u.dates.length} days · ${res.research.tier.specs.length} signals`,
    runId: res.runId,
    generatedAt: new Date().toISOString(),
    sections: [summary, ...signalSections(res), ...(res.portfolio ? portfolioSections(res) : [])],
    data: { manifest: res.manifest },
  };
}
