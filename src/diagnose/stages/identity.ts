import type { AtOutcome } from '../../at/types.js';
import { text, type Text } from '../../util/i18n.js';
import type { Stage, StageContext, StageResult } from '../types.js';
import { cmeCode, cmeText, result } from '../util.js';

/** The answer text of an identity command: its lines without a `+CGSN:`-style prefix. */
function answer(o: AtOutcome, mask: (s: string) => string): string | null {
  if (o.status !== 'ok' || o.lines.length === 0) return null;
  const s = o.lines
    .map((l) => mask(l.raw).trim().replace(/^\+[A-Z]+:\s*/i, ''))
    .filter((l) => l !== '')
    .join(' / ');
  return s === '' ? null : s;
}

/**
 * 2. Identity: ATI, AT+CGMI/CGMM/CGMR, AT+CGSN (IMEI), AT+CIMI (IMSI) and the ICCID
 * (AT+ECICCID, else AT+ICCID). IMSI and ICCID are masked unless logSecrets. Only the module's
 * own identity counts for the status: IMSI/ICCID need a SIM, which is the next stage.
 */
export const identityStage: Stage = {
  id: 'identity',
  title: text('Identity', '模组身份'),
  async run(ctx: StageContext): Promise<StageResult> {
    const seen: Text[] = [];
    const rx = (s: string): string => ctx.mask(s, 'rx');
    const ask = async (cmd: string): Promise<AtOutcome> => ctx.send(cmd, seen);
    const ati = answer(await ask('ATI'), rx);
    const manufacturer = answer(await ask('AT+CGMI'), rx);
    const model = answer(await ask('AT+CGMM'), rx);
    const revision = answer(await ask('AT+CGMR'), rx);
    const imeiLine = answer(await ask('AT+CGSN'), rx);
    const imei = imeiLine ? (/\d{14,17}/.exec(imeiLine)?.[0] ?? imeiLine) : null;
    const cimi = await ask('AT+CIMI');
    const imsi = answer(cimi, rx);
    let iccidOutcome = await ask('AT+ECICCID');
    if (iccidOutcome.status === 'error' && iccidOutcome.error.type === 'error') iccidOutcome = await ask('AT+ICCID');
    const iccid = answer(iccidOutcome, rx);
    const emulator = /emulat/i.test(`${manufacturer ?? ''} ${revision ?? ''}`);
    const data = { ati, manufacturer, model, revision, imei, imsi, iccid, emulator };
    ctx.facts.identity = [ati, manufacturer, model, revision].filter((x): x is string => x !== null).join('\n') || null;
    const name = [manufacturer, model].filter((x): x is string => x !== null).join(' ') || ati || '?';
    const notes: Text[] = [];
    const simCode = cmeCode(cimi);
    if (imsi === null && simCode !== null) notes.push(text(`no IMSI (${cmeText(simCode).en}; see the SIM stage)`, `没有 IMSI（${cmeText(simCode).zh}；见 SIM 阶段）`));
    const summary = text(
      `${name}, firmware ${revision ?? '?'}, IMEI ${imei ?? '?'}${emulator ? ' (the cat1-bridge emulator)' : ''}${notes.map((n) => `; ${n.en}`).join('')}`,
      `${name}，固件 ${revision ?? '?'}，IMEI ${imei ?? '?'}${emulator ? '（cat1-bridge 模拟器）' : ''}${notes.map((n) => `；${n.zh}`).join('')}`,
    );
    if (manufacturer === null && model === null && revision === null && ati === null) {
      return result(
        'warn',
        summary,
        seen,
        text(
          'the module does not identify itself (ATI, AT+CGMI/CGMM/CGMR): check it is the Eigencomm-based module you expect (the AT manual names these commands)',
          '模组没有报告身份（ATI、AT+CGMI/CGMM/CGMR）：请确认这是预期的移芯（Eigencomm）方案模组（AT 手册中有这些命令）',
        ),
        data,
      );
    }
    if (imei === null) {
      return result(
        'warn',
        summary,
        seen,
        text('no IMEI (AT+CGSN): a module without an IMEI cannot register on most networks: have the IMEI written by the manufacturer', '没有 IMEI（AT+CGSN）：没有 IMEI 的模组在多数网络上无法注册：请让厂家写入 IMEI'),
        data,
      );
    }
    return result('pass', summary, seen, null, data);
  },
};
