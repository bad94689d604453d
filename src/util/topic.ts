import { QlobberTrue, type QlobberOptions } from 'qlobber';

/**
 * MQTT topic filters, matched by qlobber (the trie aedes and mqemitter use) with MQTT's rules:
 * `+` one level (an empty one too), `#` this level and every level below (`a/#` matches `a`),
 * and the `$` rule (MQTT 3.1.1 §4.7.2): a filter that starts with `+` or `#` does not match a
 * topic that starts with `$` (`$SYS/…`); only a filter naming that first level does.
 */
const MQTT: QlobberOptions = { separator: '/', wildcard_one: '+', wildcard_some: '#', match_empty_levels: true };

function wildFirst(filter: string): boolean {
  const first = filter.split('/', 1)[0];
  return first === '+' || first === '#';
}

export class TopicFilters {
  /** every filter */
  readonly #all = new QlobberTrue(MQTT);
  /** the filters whose first level is not a wildcard: the only ones a `$` topic is tested against */
  readonly #named = new QlobberTrue(MQTT);
  readonly #filters = new Set<string>();

  constructor(filters: Iterable<string> = []) {
    for (const f of filters) this.add(f);
  }

  add(filter: string): this {
    if (this.#filters.has(filter)) return this;
    this.#filters.add(filter);
    this.#all.add(filter);
    if (!wildFirst(filter)) this.#named.add(filter);
    return this;
  }

  remove(filter: string): this {
    if (!this.#filters.delete(filter)) return this;
    this.#all.remove(filter);
    if (!wildFirst(filter)) this.#named.remove(filter);
    return this;
  }

  /** Does any filter match this topic name? */
  matches(topic: string): boolean {
    return (topic.startsWith('$') ? this.#named : this.#all).match(topic);
  }

  get size(): number {
    return this.#filters.size;
  }
}

/** Does one MQTT topic filter match a topic name (`+`, `#`, and the `$` rule)? */
export function topicMatches(filter: string, topic: string): boolean {
  return new TopicFilters([filter]).matches(topic);
}
