import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunEvent } from '../../orchestrator/index.ts';
import { stageProgress } from './stage-progress.ts';

const at = '2026-11-15T09:00:00.000Z';
const started = (task_id: string, name: string): RunEvent => ({
  type: 'stage-started',
  task_id,
  name,
  attempt: 1,
  at,
});
const succeeded = (task_id: string, name: string): RunEvent => ({
  type: 'stage-succeeded',
  task_id,
  name,
  attempt: 1,
  duration_ms: 1,
  at,
});

describe('stageProgress', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('says each stage, then every 10 s of silence which stages still run and for how long', () => {
    const sent: string[] = [];
    const p = stageProgress((m) => sent.push(m), { clock: () => Date.now() });
    p.onEvent(started('normalize', 'Normalize and dedupe'));
    vi.advanceTimersByTime(9_000);
    expect(sent).toEqual(['Normalize and dedupe…']);
    vi.advanceTimersByTime(1_000);
    expect(sent.at(-1)).toBe('still running: Normalize and dedupe (10 s)');
    p.onEvent(started('attribution', 'Attribute'));
    vi.advanceTimersByTime(10_000);
    expect(sent.slice(2)).toEqual([
      'Attribute…',
      'still running: Normalize and dedupe (20 s), Attribute (10 s)',
    ]);
    // a stage's own progress line counts as progress: the next beat waits 10 s from it
    vi.advanceTimersByTime(5_000);
    p.onEvent({ type: 'progress', task_id: 'attribution', message: 'bootstrap 100/200', at });
    vi.advanceTimersByTime(5_000);
    expect(sent.at(-1)).toBe('attribution: bootstrap 100/200');
    vi.advanceTimersByTime(5_000);
    expect(sent.at(-1)).toBe('still running: Normalize and dedupe (35 s), Attribute (25 s)');
    p.onEvent(succeeded('normalize', 'Normalize and dedupe'));
    p.onEvent(succeeded('attribution', 'Attribute'));
    const n = sent.length;
    vi.advanceTimersByTime(60_000);
    expect(sent.length).toBe(n);
  });

  it('stops beating when the run ends or is stopped, and never keeps the process alive', () => {
    const sent: string[] = [];
    const p = stageProgress((m) => sent.push(m), { everyMs: 1_000, clock: () => Date.now() });
    p.onEvent(started('gather', 'Gather sources'));
    expect(vi.getTimerCount()).toBe(1);
    p.stop();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(5_000);
    expect(sent).toEqual(['Gather sources…']);
    const q = stageProgress((m) => sent.push(m), { everyMs: 1_000, clock: () => Date.now() });
    q.onEvent(started('gather', 'Gather sources'));
    q.onEvent({ type: 'run-finished', plan_id: 'p', status: 'failed', duration_ms: 1, at });
    expect(vi.getTimerCount()).toBe(0);
  });
});
