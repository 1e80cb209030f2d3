/**
 * The control arm's default, shared by every command that reads out an experiment: the rule lives
 * with the statistics engine (`src/analyses/experiments/default-control.ts`) so the personalization
 * library's `buildExperimentInput` applies it too.
 */
export {
  CONTROL_NAMES,
  defaultControl,
  type ControlChoice,
} from '../../../analyses/experiments/default-control.ts';
