import type { LineGrammar } from './at/types.js';
import { generalProfile } from './at/profiles.js';
import { ecmtProfiles } from './ecmt/profiles.js';
import { isKnownFrameStart, parseLine } from './urc/index.js';
import { parseRecvHeader, recvBlockEvent } from './urc/ecmt.js';

/**
 * The composition root of the dialects: how lines read, where a raw +ECMTRECV payload ends,
 * and how each command is answered. A new dialect (QMT, OneMO) adds its profiles, URC parsers
 * and raw-block rule here, without touching framing/ or at/.
 */
export function createGrammar(): LineGrammar {
  const profiles = ecmtProfiles();
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
    profiles,
    fallbackProfile: generalProfile,
  };
}

let shared: LineGrammar | null = null;

/** The default grammar (ECMT + 3GPP + Eigencomm), created once. */
export function defaultGrammar(): LineGrammar {
  shared ??= createGrammar();
  return shared;
}
