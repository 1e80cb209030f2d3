import type { DemoPart, DemoPartOptions, DemoPartSettings } from './demo-part.ts';
import { loyaltyDemoSettings } from './loyalty-demo-config.ts';
import { LOYALTY_USAGE, loyaltyDemo } from './loyalty-demo.ts';
import { personalizationDemo, personalizationDemoSettings } from './personalization-demo.ts';
import { referralsDemo, referralsDemoSettings } from './referrals-demo.ts';

/** The settings of the monitoring commands' parts (known before their data is generated), in order. */
export function demoPartSettings(o: DemoPartOptions): DemoPartSettings[] {
  return [referralsDemoSettings(o), loyaltyDemoSettings(o, LOYALTY_USAGE), personalizationDemoSettings()];
}

/** The parts of the demo that the monitoring commands own, generated, in the order of their settings. */
export function demoParts(o: DemoPartOptions): DemoPart[] {
  const parts = [referralsDemo(o), loyaltyDemo(o), personalizationDemo(o)].filter(
    (p): p is DemoPart => p !== null,
  );
  for (const p of parts) {
    const declared = demoPartSettings(o)
      .find((x) => x.name === p.name)
      ?.paths.join('\n');
    if (declared !== p.files.map((f) => f.path).join('\n'))
      throw new Error(`demo part ${p.name}: the files written are not the files its settings declare`);
  }
  return parts;
}
