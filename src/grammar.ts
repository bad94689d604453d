import type { LineGrammar } from './at/types.js';
import { commandForm, commandName, generalProfile } from './at/profiles.js';
import type { CommandProfile } from './at/types.js';
import { ecmtProfiles } from './dialects/ecmt/at-profiles.js';
import { isKnownFrameStart, parseLine } from './urc/index.js';
import { parseRecvHeader, recvBlockEvent } from './dialects/ecmt/urc.js';

/**
 * The composition root of the dialects: how lines read, where a raw +ECMTRECV payload ends,
 * and how each command is answered. A new dialect (QMT, OneMO) adds its profiles, URC parsers
 * and raw-block rule here, without touching framing/ or at/.
 */
export function createGrammar(): LineGrammar {
  // dialect profiles by command name; general profiles cached by name and form
  const byName = new Map<string, CommandProfile[]>();
  for (const p of ecmtProfiles()) {
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
  return {
    parseLine,
    rawBlock: {
      headerLength(text) {
        const h = parseRecvHeader(text);
        return h ? h.headerLength : -1;
      },
      isFrameStart: isKnownFrameStart,
      toEvent: recvBlockEvent,
    },
    profileFor,
  };
}

let shared: LineGrammar | null = null;

/** The default grammar (ECMT + 3GPP + Eigencomm), created once. */
export function defaultGrammar(): LineGrammar {
  shared ??= createGrammar();
  return shared;
}
