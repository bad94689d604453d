import { tr, type Lang } from '../util/i18n.js';
import type { CompareReport, SideOutcome } from './report.js';

function side(s: SideOutcome, lang: Lang): Record<string, unknown> {
  return { ok: s.ok, code: s.code, detail: tr(s.detail, lang), latencyMs: s.latencyMs, ...(s.skipped ? { skipped: true } : {}), ...(s.observed ? { observed: s.observed.map((o) => tr(o, lang)) } : {}) };
}

/**
 * The report as one JSON object: `agree`, `steps` (`{ step, module, direct, same }`), `verdict`
 * (`{ summary, causes: [{ id, text, confidence }] }`), and the context (identity, lint, broker
 * log, parameters). Texts in the chosen language; keys in English. No secret values.
 */
export function reportToJson(r: CompareReport, lang: Lang = 'en'): Record<string, unknown> {
  return {
    type: 'compare-report',
    agree: r.agree,
    broker: r.broker,
    profile: r.profile,
    ...(r.dialect ? { dialect: r.dialect } : {}),
    ...(r.model ? { model: r.model } : {}),
    identity: r.identity,
    credentialCheck: r.credentialCheck,
    steps: r.steps.map((s) => ({ step: s.step, module: side(s.module, lang), direct: side(s.direct, lang), same: s.same, ...(s.note ? { note: tr(s.note, lang) } : {}), ...(s.notRun ? { notRun: tr(s.notRun, lang) } : {}) })),
    verdict: {
      summary: tr(r.verdict.summary, lang),
      causes: r.verdict.causes.map((c) => ({ id: c.id, text: tr(c.text, lang), confidence: Math.round(c.confidence * 100) / 100, basis: c.hypothesis ? 'assumed' : 'observed', evidence: c.evidence.map((e) => tr(e, lang)) })),
    },
    lint: r.lint.map((f) => ({ code: f.code, field: f.field, severity: f.severity, profile: f.profile, ...(f.valueLength !== undefined ? { valueLength: f.valueLength } : {}), ...(f.limit !== undefined ? { limit: f.limit } : {}), message: tr(f.message, lang) })),
    delivery: r.delivery
      ? {
          moduleToDirect: { sent: r.delivery.m2d.sent, received: r.delivery.m2d.received, exact: r.delivery.m2d.exact },
          directToModule: { sent: r.delivery.d2m.sent, received: r.delivery.d2m.received, exact: r.delivery.d2m.exact, brokerDelivered: r.delivery.d2m.brokerDelivered, boundaryInferred: r.delivery.d2m.inferred },
        }
      : null,
    parameters: r.parameters,
    brokerLog: r.brokerLog,
    ...(r.run
      ? {
          run: {
            found: r.run.found,
            mode: r.run.mode,
            notRun: r.run.notRun.map((n) => ({ step: n.step, why: tr(n.why, lang), how: tr(n.how, lang) })),
            changes: r.run.changes.map((c) => ({ what: tr(c.what, lang), restored: c.restored })),
            brokerLost: r.run.brokerLost ? { ...r.run.brokerLost, seenBy: tr(r.run.brokerLost.seenBy, lang) } : null,
            moduleSilent: r.run.moduleSilent,
          },
        }
      : {}),
  };
}
