import type { AtOutcome } from '../../at/types.js';
import { cpinMeaning } from '../../urc/codes.js';
import { text, type Text } from '../../util/i18n.js';
import type { Stage, StageContext, StageResult } from '../types.js';
import { cmeCode, cmeText, lineOf, notAnswered, result } from '../util.js';

/** SIM busy (CME 14) is asked again this many times, `pollMs` apart. */
const BUSY_RETRIES = 3;

/** The next thing to check for each SIM problem. */
export const SIM_HINTS = {
  notInserted: text(
    'SIM not inserted: power off, reseat the SIM, check the SIM detect pin (and that the holder\'s detect polarity matches the module\'s setting)',
    '未插入 SIM 卡：断电后重新插好 SIM 卡，检查 SIM 卡检测引脚（以及卡座检测极性与模组设置是否一致）',
  ),
  failure: text(
    'SIM failure: the module cannot talk to the SIM: power off, clean and reseat it, try another SIM, check the SIM lines (VDD 1.8/3 V, CLK, DATA, RST: ESD parts, trace length)',
    'SIM 卡故障：模组无法与 SIM 卡通信：断电后清洁并重新插卡，换一张卡试试，检查 SIM 线路（VDD 1.8/3 V、CLK、DATA、RST：ESD 器件、走线长度）',
  ),
  busy: text(
    'SIM busy: the SIM is still initialising: wait 10 s after power-up and run again; if it stays busy, the SIM interface is marginal (lines, voltage)',
    'SIM 卡忙：SIM 卡仍在初始化：上电后等待 10 秒再运行；如果一直忙，说明 SIM 接口不稳定（线路、电压）',
  ),
  pin: text(
    'SIM PIN required: unlock with AT+CPIN="<pin>" (three wrong tries lock the SIM), or remove the PIN lock in a phone; IoT SIMs normally have none',
    '需要 SIM PIN 码：用 AT+CPIN="<PIN>" 解锁（错 3 次会锁卡），或在手机上取消 PIN 锁；物联网卡通常没有 PIN',
  ),
  puk: text('SIM PUK required: the PIN is blocked: unblock it in a phone with the PUK from the operator', '需要 PUK 码：PIN 已被锁定：用运营商提供的 PUK 码在手机上解锁'),
} as const;

function fromCode(code: number): Text {
  switch (code) {
    case 10:
      return SIM_HINTS.notInserted;
    case 13:
    case 15:
      return SIM_HINTS.failure;
    case 14:
      return SIM_HINTS.busy;
    case 11:
      return SIM_HINTS.pin;
    case 12:
      return SIM_HINTS.puk;
    default:
      return text('check the SIM: reseat it, try another one', '检查 SIM 卡：重新插卡，或换一张卡');
  }
}

/** 3. SIM: AT+CPIN? — READY passes; PIN/PUK, not inserted (CME 10), failure (13), busy (14, asked again) fail. */
export const simStage: Stage = {
  id: 'sim',
  title: text('SIM', 'SIM 卡'),
  async run(ctx: StageContext): Promise<StageResult> {
    const seen: Text[] = [];
    let o: AtOutcome = await ctx.send('AT+CPIN?', seen);
    for (let i = 0; i < BUSY_RETRIES && cmeCode(o) === 14; i++) {
      ctx.progress(text('SIM busy, asking again…', 'SIM 卡忙，稍后重试…'));
      await ctx.sleep(ctx.options.pollMs);
      o = await ctx.send('AT+CPIN?', seen);
    }
    const cpin = lineOf(o, 'cpin');
    if (o.status === 'ok' && cpin) {
      const state = cpin.state.trim().toUpperCase().replace(/\s+/g, ' ');
      const meaning = cpinMeaning(state) ?? text(`SIM state ${cpin.state}`, `SIM 卡状态 ${cpin.state}`);
      const data = { state: cpin.state };
      if (state === 'READY') {
        ctx.facts.simReady = true;
        return result('pass', meaning, seen, null, data);
      }
      ctx.facts.simReady = false;
      const hint = state === 'SIM PIN' ? SIM_HINTS.pin : state === 'SIM PUK' ? SIM_HINTS.puk : state === 'NOT INSERTED' ? SIM_HINTS.notInserted : text(`the SIM is locked (${cpin.state}): unlock it as the operator or the device maker says`, `SIM 卡被锁定（${cpin.state}）：按运营商或设备厂家的说明解锁`);
      return result('fail', meaning, seen, hint, data);
    }
    ctx.facts.simReady = false;
    const code = cmeCode(o);
    if (code !== null) return result('fail', cmeText(code), seen, fromCode(code), { cme: code });
    const na = notAnswered(o, 'AT+CPIN?') ?? { summary: text('AT+CPIN? gave no SIM state', 'AT+CPIN? 没有返回 SIM 卡状态'), hint: text('check the SIM: reseat it, try another one', '检查 SIM 卡：重新插卡，或换一张卡') };
    return result('fail', na.summary, seen, na.hint, {});
  },
};
