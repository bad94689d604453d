/**
 * `cat1-bridge/mirror`: the parts of the comparison (the main entry has `compare`): the direct
 * mqtt.js client, the verdict, the reconstruction of a session from the wire, the shadow mirror,
 * the tap merger, an embedded broker for tests and demos, MQTT topic matching.
 */
export { DirectSession, parseBrokerUrl, type DirectParams, type DirectStep, type DirectMessage } from './direct.js';
export { compare, type CompareOptions } from './compare.js';
export type { BrokerTarget, BrokerAddress } from './target.js';
export { explainComparison, type Evidence } from './verdict.js';
export { reportToJson } from './json.js';
export { startEmbeddedBroker, type EmbeddedBroker, type EmbeddedBrokerOptions } from './broker.js';
export type { CompareReport, CompareStep, CompareStepName, SideOutcome, Verdict, Cause, CauseId, DeliveryFacts } from './report.js';
export { SessionReconstructor, type ReconStep, type SessionEvent, type StepKind } from './reconstruct.js';
export { ShadowMirror, type MirrorOptions, type MirrorReport, type MirrorEvent, type Divergence, type DivergenceKind } from './shadow.js';
export { TapMerger, type TapMergerOptions } from './tap.js';
export { topicMatches, TopicFilters } from '../util/topic.js';
