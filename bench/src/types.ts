export type BenchArgs = Record<string, string>;
export type Figures = Record<string, unknown>;

/** A benchmark scenario module (`src/scenarios/<name>.bench.ts`). */
export interface BenchScenario {
  run(args: BenchArgs): Promise<Figures>;
}
