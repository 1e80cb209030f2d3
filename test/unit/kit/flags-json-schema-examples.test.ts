/**
 * The MCP tools' input schemas carry each flag's example as a value an agent can send: not the
 * command line's `"PLG Onboarding"` (with its quotes), `"0.15"` for a number or
 * `"channel,partner-tier"` for a list, each of which the tool refuses as the wrong type.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { DEFINE_EVENTS_FLAGS } from '../../../src/commands/define-events/inputs.ts';
import { MONITOR_LOYALTY_FLAGS } from '../../../src/commands/monitor-loyalty/inputs.ts';
import { MONITOR_PERSONALIZATION_FLAGS } from '../../../src/commands/monitor-personalization/inputs.ts';
import { OPTIMIZE_REFERRALS_FLAGS } from '../../../src/commands/optimize-referrals/inputs.ts';
import { TRACK_SOURCE_FLAGS } from '../../../src/commands/track-source/inputs.ts';
import { exampleValue, flagsJsonSchema } from '../../../src/commands/kit/flags-json-schema.ts';

const ALL = {
  DEFINE_EVENTS_FLAGS,
  MONITOR_LOYALTY_FLAGS,
  MONITOR_PERSONALIZATION_FLAGS,
  OPTIMIZE_REFERRALS_FLAGS,
  TRACK_SOURCE_FLAGS,
};

describe('flagsJsonSchema examples', () => {
  it('are values of the property type', () => {
    const ref = flagsJsonSchema(OPTIMIZE_REFERRALS_FLAGS).properties;
    expect(ref.alert_threshold.examples).toEqual([0.15]);
    expect(ref.dimensions.examples).toEqual([['channel', 'partner-tier']]);
    expect(flagsJsonSchema(MONITOR_PERSONALIZATION_FLAGS).properties.initiative.examples).toEqual([
      'PLG Onboarding',
    ]);
  });
  it('every example of every command validates against its own property', () => {
    const ajv = new Ajv2020({ strict: false });
    for (const [command, decls] of Object.entries(ALL))
      for (const [name, p] of Object.entries(flagsJsonSchema(decls).properties))
        for (const example of (p.examples as unknown[] | undefined) ?? [])
          expect(ajv.validate(p, example), `${command}.${name}: ${JSON.stringify(example)}`).toBe(true);
  });
  it('exampleValue by type', () => {
    expect(exampleValue('integer', '395')).toBe(395);
    expect(exampleValue('boolean', 'true')).toBe(true);
    expect(exampleValue('list', 'GDPR, CCPA')).toEqual(['GDPR', 'CCPA']);
    expect(exampleValue('string', "'a b'")).toBe('a b');
  });
});
