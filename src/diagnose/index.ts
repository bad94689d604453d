/**
 * diagnose/: the staged checklist a support engineer runs by hand (serial link → identity →
 * SIM → signal → registration → PDP → DNS → ping → MQTT → comparison), as data, and its
 * runner. No printing: `cat1 diagnose` formats the reports.
 *
 *     const d = await runDiagnosis({ engine, broker: { host, port: 1883, tls: false }, credentials: { clientId: 'dev1' } }, (stage) => …);
 *     d.outcome // 'pass' | 'warn' | 'fail' | 'unreachable'
 */
export { runDiagnosis, resolveDiagnoseOptions } from './runner.js';
export { stageToJson, diagnosisToJson } from './json.js';
export {
  STAGES,
  linkStage,
  identityStage,
  simStage,
  signalStage,
  registrationStage,
  pdpStage,
  dnsStage,
  pingStage,
  mqttStage,
  compareStage,
  SIM_HINTS,
  REGISTRATION_HINTS,
  PDP_HINTS,
  DNS_HINTS,
  WEAK_RSRP_DBM,
  WEAK_RSSI,
} from './stages/index.js';
export type {
  CompareExtras,
  DiagnoseFacts,
  DiagnoseOptions,
  Diagnosis,
  DiagnosisOutcome,
  ResolvedDiagnoseOptions,
  Stage,
  StageContext,
  StageId,
  StageReport,
  StageResult,
  StageStatus,
} from './types.js';
