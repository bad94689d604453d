import type { LineGrammar } from './at/types.js';
import { commandForm, commandName, generalProfile } from './at/profiles.js';
import type { CommandProfile } from './at/types.js';
import { isKnownFrameStart, parseLine } from './dialects/classify.js';
import { dialects as registered } from './dialects/index.js';
import type { Dialect } from './dialects/types.js';

/**
 * The composition root of the dialects: how lines read, where a raw message payload ends, and
 * how each command is answered, from the registered dialects (src/dialects/). A new dialect
 * registers there; framing/ and at/ are not touched.
 *
 * `dialects`: the dialects to compose (default: every registered one, so `auto` reads any of
 * them; `--dialect <name>` may narrow it).
 */
export function createGrammar(dialects: readonly Dialect[] = registered): LineGrammar {
  // dialect profiles by command name; general profiles cached by name and form
  const byName = new Map<string, CommandProfile[]>();
  for (const p of dialects.flatMap((d) => d.atProfiles())) {
    const key = p.command ?? '';
    byName.set(key, [...(byName.get(key) ?? []), p]);
  }
  const general = new Map<string, CommandProfile>();
  const lookup = (command: string): CommandProfile => {
    const name = commandName(command);
    const mine = byName.get(name);
    if (mine) {
      for (const p of mine) if (p.match(command)) return p;
    }
    const key = `${name} ${commandForm(command)}`;
    let g = general.get(key);
    if (!g) {
      g = generalProfile(command);
      if (general.size < 1000) general.set(key, g);
    }
    return g;
  };
  // the same command line again (a poll loop): the same profile, without the lookup
  let lastCommand: string | null = null;
  let lastProfile: CommandProfile | null = null;
  const profileFor = (command: string): CommandProfile => {
    if (command !== lastCommand || lastProfile === null) {
      lastProfile = lookup(command);
      lastCommand = command;
    }
    return lastProfile;
  };
  // the raw-block rules of the dialects whose messages span lines; the header tells which one
  const rules = dialects.flatMap((d) => (d.framing.rule ? [d.framing.rule] : []));
  const ruleOf = (text: string) => rules.find((r) => r.headerLength(text) >= 0) ?? null;
  return {
    parseLine,
    rawBlock:
      rules.length === 0
        ? null
        : rules.length === 1
          ? {
              headerLength: (t) => rules[0]!.headerLength(t),
              isFrameStart: isKnownFrameStart,
              ...(rules[0]!.payloadLength ? { payloadLength: rules[0]!.payloadLength } : {}),
              toEvent: rules[0]!.toEvent,
            }
          : {
              headerLength(text) {
                for (const r of rules) {
                  const h = r.headerLength(text);
                  if (h >= 0) return h;
                }
                return -1;
              },
              isFrameStart: isKnownFrameStart,
              // the dialect whose header it is says whether it announces a length
              payloadLength(header) {
                return ruleOf(header)?.payloadLength?.(header) ?? null;
              },
              toEvent(header, payload, endedBy, truncated) {
                const r = ruleOf(header.toString('latin1')) ?? rules[0]!;
                return r.toEvent(header, payload, endedBy, truncated);
              },
            },
    profileFor,
  };
}

let shared: LineGrammar | null = null;

/** The default grammar (every registered dialect + 3GPP + Eigencomm), created once. */
export function defaultGrammar(): LineGrammar {
  shared ??= createGrammar();
  return shared;
}
