import { describe, expect, it } from 'vitest';
import { GtmError } from '../errors/index.ts';
import { spec, stage } from './fixtures/plan-fixtures.ts';
import { planGraph } from './plan-graph.ts';

const ids = (levels: { id: string }[][]) => levels.map((l) => l.map((s) => s.id));

describe('planGraph', () => {
  it('groups a pipeline into one stage per level', () => {
    expect(ids(planGraph(spec([stage('a'), stage('b', ['a']), stage('c', ['b'])])).levels)).toEqual([
      ['a'],
      ['b'],
      ['c'],
    ]);
  });

  it('groups a diamond with uneven branches by depth', () => {
    const g = planGraph(
      spec([
        stage('gather'),
        stage('a', ['gather']),
        stage('b1', ['gather']),
        stage('b2', ['b1']),
        stage('merge', ['a', 'b2']),
      ]),
    );
    expect(ids(g.levels)).toEqual([['gather'], ['a', 'b1'], ['b2'], ['merge']]);
    expect(g.dependents.get('gather')).toEqual(['a', 'b1']);
  });

  it.each([
    ['a duplicate id', [stage('a'), stage('a')], /duplicate stage id/],
    ['an unknown dependency', [stage('a', ['zzz'])], /unknown stage "zzz"/],
    ['a cycle', [stage('a', ['c']), stage('b', ['a']), stage('c', ['b'])], /dependency cycle a → c → b → a/],
    ['a shared output variable', [stage('a'), stage('b', [], { outputVar: 'a_out' })], /both write "a_out"/],
    ['negative retries', [stage('a', [], { maxRetries: -1 })], /maxRetries/],
  ])('rejects %s as INTERNAL', (_what, stages, message) => {
    expect(() => planGraph(spec(stages))).toThrow(message);
    try {
      planGraph(spec(stages));
    } catch (err) {
      expect(err).toBeInstanceOf(GtmError);
      expect((err as GtmError).code).toBe('INTERNAL');
    }
  });
});
