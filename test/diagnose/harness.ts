import { AtEngine } from '../../src/at/engine.js';
import { runDiagnosis } from '../../src/diagnose/runner.js';
import type { DiagnoseOptions, Diagnosis, StageId, StageReport } from '../../src/diagnose/types.js';
import { EcmtEmulator } from '../../src/emulator/emulator.js';
import type { EcmtEmulatorOptions } from '../../src/emulator/options.js';
import { defaultGrammar } from '../../src/grammar.js';
import { createPortPair } from '../../src/port/memory.js';

/**
 * The diagnosis against the emulator on an in-memory pair (the real AtEngine on the host end).
 * Defaults keep the suite fast: no comparison, no registration wait, short probes; the broker
 * is a name the stages never reach unless a test says otherwise.
 */
export interface Run {
  d: Diagnosis;
  /** the reports in the order onStage received them */
  stages: StageReport[];
  /** progress texts (English) */
  progress: string[];
  emulator: EcmtEmulator;
  /** the emulator's MQTT state when the diagnosis ended (before the emulator was closed) */
  moduleState: EcmtEmulator['state'];
  stage(id: StageId): StageReport;
}

export const PASSWORD = 'pa55-w0rd-x';

export async function diagnose(emu: EcmtEmulatorOptions = {}, opts: Partial<Omit<DiagnoseOptions, 'engine'>> = {}, before?: (engine: AtEngine) => Promise<void>): Promise<Run> {
  const pair = createPortPair();
  const emulator = new EcmtEmulator(pair.module, emu);
  const engine = new AtEngine(pair.host, { grammar: defaultGrammar() });
  const stages: StageReport[] = [];
  const progress: string[] = [];
  try {
    await before?.(engine);
    const d = await runDiagnosis(
      {
        engine,
        broker: { host: 'broker.example.com', port: 1883, tls: false },
        credentials: { clientId: 'dev-1', username: 'dev', password: PASSWORD },
        compare: false,
        registrationBudgetMs: 0,
        pollMs: 10,
        probeTimeoutMs: 200,
        onProgress: (t) => progress.push(t.en),
        ...opts,
      },
      (r) => stages.push(r),
    );
    return {
      d,
      stages,
      progress,
      emulator,
      moduleState: emulator.state,
      stage(id) {
        const r = stages.find((s) => s.stage === id);
        if (!r) throw new Error(`stage ${id} did not run (ran: ${stages.map((s) => s.stage).join(', ')})`);
        return r;
      },
    };
  } finally {
    await emulator.close();
    await engine.close();
  }
}

/** The English texts of what a stage saw. */
export const seenEn = (r: StageReport): string[] => r.seen.map((s) => s.en);
