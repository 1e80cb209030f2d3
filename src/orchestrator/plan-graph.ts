import { GtmError } from '../errors/index.ts';
import type { PlanSpec, StageDef } from './plan-spec.ts';

export interface PlanGraph {
  byId: Map<string, StageDef>;
  /** Stages grouped by depth: level 0 has no dependencies, level n depends on something at n − 1. */
  levels: StageDef[][];
  /** Stages that depend on each stage. */
  dependents: Map<string, string[]>;
}

const planError = (message: string, where: string, hint: string) =>
  new GtmError('INTERNAL', message, { where, hint });

/**
 * Checks a plan's stages form a DAG (unique ids and output variables, known dependencies, no
 * cycles, sane retry counts) and groups them into levels. A bad plan is a bug in the command that
 * built it, hence `INTERNAL`, raised before anything is written.
 *
 * @example
 * planGraph(spec).levels.map((l) => l.map((s) => s.id)); // → [['gather'], ['a', 'b'], ['merge']]
 */
export function planGraph(spec: PlanSpec): PlanGraph {
  const byId = new Map<string, StageDef>();
  const outputVars = new Map<string, string>();
  for (const stage of spec.stages) {
    const where = `stage ${stage.id}`;
    if (!stage.id)
      throw planError('a stage has no id', `${spec.command} plan`, 'give every stage a unique id');
    if (byId.has(stage.id))
      throw planError(`duplicate stage id "${stage.id}"`, where, 'stage ids must be unique');
    const owner = outputVars.get(stage.outputVar);
    if (owner !== undefined) {
      throw planError(
        `stages "${owner}" and "${stage.id}" both write "${stage.outputVar}"`,
        where,
        'rename one outputVar',
      );
    }
    if (stage.maxRetries !== undefined && !(Number.isInteger(stage.maxRetries) && stage.maxRetries >= 0)) {
      throw planError(`maxRetries must be a non-negative integer`, where, 'use 0 to disable retries');
    }
    byId.set(stage.id, stage);
    outputVars.set(stage.outputVar, stage.id);
  }
  const dependents = new Map<string, string[]>([...byId.keys()].map((id) => [id, []]));
  for (const stage of spec.stages) {
    for (const dep of stage.dependsOn) {
      if (!byId.has(dep)) {
        throw planError(
          `depends on unknown stage "${dep}"`,
          `stage ${stage.id}`,
          `known stages: ${[...byId.keys()].join(', ')}`,
        );
      }
      dependents.get(dep)!.push(stage.id);
    }
  }

  const level = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (id: string, trail: string[]): number => {
    const known = level.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) {
      throw planError(
        `dependency cycle ${[...trail, id].join(' → ')}`,
        `stage ${id}`,
        'remove one of the dependencies',
      );
    }
    visiting.add(id);
    const deps = byId.get(id)!.dependsOn;
    const d = deps.length === 0 ? 0 : 1 + Math.max(...deps.map((dep) => depth(dep, [...trail, id])));
    visiting.delete(id);
    level.set(id, d);
    return d;
  };
  const levels: StageDef[][] = [];
  for (const stage of spec.stages) (levels[depth(stage.id, [])] ??= []).push(stage);
  return { byId, levels, dependents };
}
