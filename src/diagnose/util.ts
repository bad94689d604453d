import type { AtOutcome } from '../at/types.js';
import { cmeCodeFromText, cmeMeaning } from '../urc/codes.js';
import type { EventOf, ModemEvent, ModemEventType } from '../urc/types.js';
import { text, type Text } from '../util/i18n.js';
import type { StageContext, StageResult, StageStatus } from './types.js';
import type { ModuleSession } from '../dialects/session.js';
import { chooseProfile, defaultDialect, detectDialect, settingsForDialect, type Detection, type DialectSetting, type ProfileChoice } from '../dialects/index.js';

/** Protocol text is the same in both languages. */
export const same = (s: string): Text => text(s, s);

/** Join texts with a separator per language. */
export function joinText(parts: readonly (Text | null | undefined)[], en = '; ', zh = '；'): Text {
  const ps = parts.filter((p): p is Text => p !== null && p !== undefined);
  return text(ps.map((p) => p.en).join(en), ps.map((p) => p.zh).join(zh));
}

export function result(status: StageStatus, summary: Text, seen: Text[], hint: Text | null, data: Record<string, unknown> = {}): StageResult {
  return { status, summary, seen, hint, data };
}

/** The CME code of an error outcome (numeric, or read from the CMEE=2 text); null otherwise. */
export function cmeCode(o: AtOutcome): number | null {
  if (o.status !== 'error' || o.error.type !== 'cme-error') return null;
  if (o.error.code !== null) return o.error.code;
  return o.error.text === null ? null : cmeCodeFromText(o.error.text);
}

/** The final error as printed (`+CME ERROR: 10`, `ERROR`), or null for other outcomes. */
export function finalText(o: AtOutcome): string | null {
  return o.status === 'error' ? o.error.raw.trim() : null;
}

/** The first answer line of a type. */
export function lineOf<T extends ModemEventType>(o: AtOutcome, type: T): EventOf<T> | undefined {
  return o.lines.find((l: ModemEvent): l is EventOf<T> => l.type === type);
}

/** What a CME code means, with the code: `CME ERROR 10: SIM not inserted`. */
export function cmeText(code: number): Text {
  const m = cmeMeaning(code);
  return m ? text(`CME ERROR ${code}: ${m.en}`, `CME 错误 ${code}：${m.zh}`) : text(`CME ERROR ${code}`, `CME 错误 ${code}`);
}

/**
 * A summary and a hint for an outcome that is not an answer at all (timeout, reboot, abort),
 * or an error without a code; null for ok outcomes and coded CME errors (the stage knows those).
 */
export function notAnswered(o: AtOutcome, command: string): { summary: Text; hint: Text } | null {
  switch (o.status) {
    case 'ok':
      return null;
    case 'timeout':
      return {
        summary: text(`${command} got no answer within ${o.timeoutMs} ms`, `${command} 在 ${o.timeoutMs} ms 内没有应答`),
        hint: text(
          `the module stopped answering: is it busy or rebooting? send AT to check, and look at its power supply (it must deliver 2 A bursts)`,
          `模组不再应答：是否忙或正在重启？发送 AT 检查，并检查供电（需能提供 2 A 的瞬时电流）`,
        ),
      };
    case 'reset':
      return {
        summary: text(`the module rebooted during ${command} (${o.banner})`, `模组在 ${command} 期间重启了（${o.banner}）`),
        hint: text(
          'the module rebooted by itself: check the supply voltage under load (brown-out on transmit bursts), the reset/PWRKEY lines and the watchdog',
          '模组自行重启：检查带载时的供电电压（发射瞬间掉电）、复位/PWRKEY 引脚和看门狗',
        ),
      };
    case 'aborted':
      return { summary: text(`${command} aborted: ${o.reason}`, `${command} 被中止：${o.reason}`), hint: text('run the diagnosis again', '请重新运行诊断') };
    case 'error': {
      if (o.error.type === 'cme-error' && cmeCode(o) !== null) return null;
      if (o.error.type === 'cme-error' && o.error.text !== null) {
        return { summary: text(`${command} failed: ${o.error.text}`, `${command} 失败：${o.error.text}`), hint: text('look the error text up in the module\'s AT manual', '在模组的 AT 手册中查找该错误文本') };
      }
      return {
        summary: text(`${command} answered ${o.error.raw.trim()}`, `${command} 返回 ${o.error.raw.trim()}`),
        hint: text(
          `the module refused ${command} without a reason: it may not support it, or errors are not numbered (AT+CMEE=1 gives codes)`,
          `模组拒绝了 ${command} 且未给出原因：可能不支持该命令，或错误未编号（AT+CMEE=1 可显示错误码）`,
        ),
      };
    }
    default: {
      const never: never = o;
      return never;
    }
  }
}

/** Milliseconds as whole seconds for people. */
export const secs = (ms: number): number => Math.round(ms / 1000);

/**
 * The module's MQTT session for a stage: the dialect's own (`Dialect.session`), with the profile
 * only when it is that dialect's (the ECMT firmware profile), and the run's MQTT settings as that
 * dialect's configuration settings (`settingsForDialect`: refused when it cannot take one).
 */
export function stageSession(ctx: StageContext): { session: ModuleSession; settings: readonly DialectSetting[]; model: (ProfileChoice & { name: string }) | null } {
  const o = ctx.options;
  const dialect = stageDialect(ctx).dialect;
  const own = dialect.name === defaultDialect().name;
  // a dialect with per-model profiles: --model, else the model the identity stage's answers name
  const choice = own ? null : chooseProfile(dialect, { model: o.model, identity: ctx.facts.identity });
  const session = dialect.session(ctx.engine, { ...(own ? { profile: o.profile } : choice?.name ? { profile: choice.name } : {}), ...o.session, clock: ctx.clock });
  const model = choice ? { ...choice, name: choice.name ?? session.comparisonProfile.name } : null;
  if (model) ctx.facts.model = model;
  return { session, settings: settingsForDialect(dialect, o.settings), model };
}

/**
 * The dialect the stages speak: --dialect when named; with auto, the one the module's identity
 * answers name (stage `identity`: ATI/AT+CGMI/CGMM/CGMR), else the default, with the observation.
 */
export function stageDialect(ctx: StageContext): Detection {
  const o = ctx.options;
  if (!o.dialectAuto) return { dialect: o.dialect, by: 'option', evidence: null };
  return detectDialect('auto', { identity: ctx.facts.identity ?? null });
}
