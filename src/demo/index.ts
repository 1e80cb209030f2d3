export { generateDemo } from './demo-config.ts';
export type { DemoOptions, DemoTruth, DemoFiles } from './generate-demo.ts';
export { writeDemo, startDemo, DEMO_MARKER, type DemoWriting } from './write-demo.ts';
export { createRng, type Rng } from './rng.ts';
export type { DemoPart, DemoPartOptions } from './demo-part.ts';
