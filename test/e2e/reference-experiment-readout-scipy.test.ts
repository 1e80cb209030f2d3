/**
 * `gtm experiment-readout --exposures FILE` (raw rows reduced in the engine) against SciPy, as a
 * user runs it: 600 units, every third with two rows (summed per unit: spend added, a conversion
 * counted once), one unit seen in both variants (left out of both arms, the multiple-exposure
 * count). Expected values from Python on the same CSV (scipy 1.17.1, numpy 2.4.6): per-unit sums,
 * relative lift m_t / m_c − 1 with its delta-method variance v_t / (n_t m_c²) + m_t² v_c /
 * (n_c m_c⁴) (proportions: p(1 − p) variances), Welch–Satterthwaite df, p = 2 ·
 * `stats.t.sf(|lift / se|, df)`, interval lift ± `stats.t.ppf(0.975, df)` · se, Holm over the two
 * metrics by hand, and the sample ratio check `stats.chisquare([299, 300])`.
 */
import { describe, expect, it } from 'vitest';
import { makeFixtureDir } from '../helpers/fixture-dir.ts';
import { runCli } from '../helpers/run-cli.ts';

/** The exposures: `redeemed` 0/1 and `spend` in two decimals by formula (no random numbers). */
function exposures(): string {
  const rows = ['user_id,variant,redeemed,spend'];
  for (let i = 1; i <= 600; i++) {
    const treated = i % 2 === 0;
    const k = i % 3 === 0 ? 2 : 1;
    for (let j = 0; j < k; j++) {
      const redeemed = (i * 37 + j * 11) % 100 < (treated ? 7 : 5) ? 1 : 0;
      const spend = (((i * 53 + j * 29) % 97) + (treated ? (i % 11) * 0.75 : 0) + 0.25).toFixed(2);
      rows.push(`u${i},${treated ? 'treatment' : 'control'},${redeemed},${spend}`);
    }
  }
  rows.push('u7,treatment,0,10.00'); // u7 (control) also seen in treatment: left out of both arms
  return rows.join('\n') + '\n';
}

const SCIPY = {
  redeemed: {
    control: 0.06020066889632107,
    treatment: 0.1,
    lift: 0.6611111111111112,
    se: 0.47628164397714806,
    p: 0.16566038332434913,
    ci: [-0.27437612046218307, 1.5965983426844055],
    holm: 0.2583995873289562,
  },
  spend: {
    control: 64.2700668896321,
    treatment: 69.265,
    lift: 0.07771787633184601,
    se: 0.05115146927661299,
    p: 0.1291997936644781,
    ci: [-0.022740964908763803, 0.17817671757245584],
    holm: 0.2583995873289562,
  },
};

interface Variant {
  n: number;
  mean: number;
  effect: number;
  se: number;
  p_value: number;
  adjusted_p_value: number;
  ci: [number, number];
}
interface Readout {
  health: { srm: { p_value: number }; multiple_exposure: { count: number } };
  metrics: { name: string; control: { n: number; mean: number }; variants: Variant[] }[];
}

describe('gtm experiment-readout on raw exposures against SciPy', () => {
  it('reduces the rows per unit and reproduces Welch / delta-method / Holm', async () => {
    const ws = await makeFixtureDir({ 'exposures.csv': exposures() });
    try {
      const cli = await runCli(
        [
          'experiment-readout',
          '--exposures',
          'exposures.csv',
          '--variant-column',
          'variant',
          '--unit-column',
          'user_id',
          '--metric',
          'redeemed:proportion:redeemed',
          '--metric',
          'spend:mean:spend',
          '--control',
          'control',
          '--json',
        ],
        { cwd: ws.dir },
      );
      expect(cli.code, cli.stderr).toBe(0);
      const r = cli.json<Readout>();
      expect(r.health.multiple_exposure.count).toBe(1);
      expect(r.health.srm.p_value).toBeCloseTo(0.9674083892358718, 12);
      for (const [name, e] of Object.entries(SCIPY)) {
        const m = r.metrics.find((x) => x.name === name);
        const v = m?.variants[0];
        if (!m || !v) throw new Error(`no ${name} in ${JSON.stringify(r.metrics)}`);
        expect([m.control.n, v.n]).toEqual([299, 300]);
        expect(m.control.mean).toBeCloseTo(e.control, 12);
        expect(v.mean).toBeCloseTo(e.treatment, 12);
        expect(v.effect).toBeCloseTo(e.lift, 12);
        expect(v.se).toBeCloseTo(e.se, 12);
        expect(v.p_value).toBeCloseTo(e.p, 12);
        expect(v.ci[0]).toBeCloseTo(e.ci[0], 12);
        expect(v.ci[1]).toBeCloseTo(e.ci[1], 12);
        expect(v.adjusted_p_value).toBeCloseTo(e.holm, 12);
      }
    } finally {
      await ws.remove();
    }
  });
});
