import type { AtEngine } from '../../at/engine.js';
import { SessionTidy } from '../tidy.js';
// through the registry (not ./dialect.js first): it loads the dialects in the order every other entry point does
import { getDialect } from '../index.js';

export type { Owed, TidyOptions, TidyStep } from '../tidy.js';

/**
 * The close-on-exit tidy of an ECMT module: `AT+ECMTDISC=0` for a connection the run made,
 * `AT+ECMTCLOSE=0` for a link it opened, never a session someone else opened (seen in
 * `AT+ECMTOPEN?`/`AT+ECMTCONN?` answers). An unsolicited `+ECMTDISC` (the module gave up
 * reconnecting) does not settle the debt: the context stays on the module until the host frees
 * it. The dialect-neutral logic is `SessionTidy` (../tidy.ts), driven by the ECMT tables.
 */
export class EcmtTidy extends SessionTidy {
  constructor(engine: AtEngine) {
    super(engine, getDialect('ecmt'));
  }
}
