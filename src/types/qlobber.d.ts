// The part of qlobber (https://github.com/davedoesdev/qlobber, no bundled types) that util/topic.ts uses.
declare module 'qlobber' {
  export interface QlobberOptions {
    separator?: string;
    wildcard_one?: string;
    wildcard_some?: string;
    match_empty_levels?: boolean;
  }
  /** A trie of topic filters that only answers whether a topic matches one of them. */
  export class QlobberTrue {
    constructor(options?: QlobberOptions);
    add(topic: string): this;
    remove(topic: string): this;
    match(topic: string): boolean;
    clear(): this;
  }
}
