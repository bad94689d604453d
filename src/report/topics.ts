import { topicLevel } from '../fleet/targets.js';

/**
 * The topic tree a station reports to (README "fleet"):
 *
 *     cat1/<station>/<module>/status    what the module is doing now (JSON)
 *     cat1/<station>/<module>/event     each step as it completes (JSON)
 *     cat1/<station>/<module>/verdict   the module's result (JSON, retained: the latest one)
 *     cat1/<station>/_station/status    the station itself: online / offline (retained; the Last Will says offline)
 *
 * `<module>` is the IMEI when known, else the port's name; both levels are made safe for a
 * topic (no `/`, `+`, `#`, no leading `$`).
 */

export const ROOT = 'cat1';
export const STATION_LEVEL = '_station';
export type ModuleTopicKind = 'status' | 'event' | 'verdict';

export function moduleTopic(station: string, module: string, kind: ModuleTopicKind): string {
  return `${ROOT}/${topicLevel(station)}/${topicLevel(module)}/${kind}`;
}

export function stationTopic(station: string): string {
  return `${ROOT}/${topicLevel(station)}/${STATION_LEVEL}/status`;
}

export type ParsedTopic = { kind: 'station'; station: string } | { kind: ModuleTopicKind; station: string; module: string };

/** Read a topic of the tree; null for anything else. */
export function parseTopic(topic: string): ParsedTopic | null {
  const p = topic.split('/');
  if (p.length !== 4 || p[0] !== ROOT) return null;
  const [, station, module, kind] = p as [string, string, string, string];
  if (module === STATION_LEVEL) return kind === 'status' ? { kind: 'station', station } : null;
  if (kind === 'status' || kind === 'event' || kind === 'verdict') return { kind, station, module };
  return null;
}
