import { explain } from '../../urc/codes.js';
import { text, type Text } from '../../util/i18n.js';
import type { Stage, StageContext, StageResult } from '../types.js';
import { joinText, lineOf, result } from '../util.js';

/** Below this RSRP (dBm) the link is weak. */
export const WEAK_RSRP_DBM = -105;
/** Below this +CSQ rssi (≈ -93 dBm) the link is weak. */
export const WEAK_RSSI = 10;

const ANTENNA = text(
  'the antenna: connector seated, the right antenna for the band, cable not crushed, not inside a metal enclosure; try another place (a window, higher up)',
  '天线：接头是否插好、天线是否匹配频段、馈线是否压坏、是否装在金属外壳内；换个位置试试（靠窗、更高处）',
);

/**
 * 4. Signal: AT+CSQ and AT+CESQ in dBm with a quality word; 99/255 mean unknown. Weak
 * (RSRP below -105 dBm, rssi below 10) or unknown signal is a warning: registration decides.
 */
export const signalStage: Stage = {
  id: 'signal',
  title: text('Signal', '信号'),
  async run(ctx: StageContext): Promise<StageResult> {
    const seen: Text[] = [];
    const csq = lineOf(await ctx.send('AT+CSQ', seen), 'csq');
    const cesq = lineOf(await ctx.send('AT+CESQ', seen), 'cesq');
    const rssiKnown = csq !== undefined && csq.dbm !== null;
    const rsrpKnown = cesq !== undefined && cesq.rsrpDbm !== null;
    const data = {
      rssi: csq?.rssi ?? null,
      rssiDbm: csq?.dbm ?? null,
      ber: csq?.ber ?? null,
      rsrpDbm: cesq?.rsrpDbm ?? null,
      rsrqDb: cesq?.rsrqDb ?? null,
    };
    const parts: Text[] = [];
    if (csq) parts.push(explain(csq) ?? text(`rssi ${csq.rssi}`, `rssi ${csq.rssi}`));
    if (cesq && (cesq.rsrpDbm !== null || cesq.rsrqDb !== null)) parts.push(explain(cesq)!);
    if (!rssiKnown && !rsrpKnown) {
      return result(
        'warn',
        parts.length > 0 ? joinText(parts) : text('no signal report (AT+CSQ/AT+CESQ not answered)', '没有信号报告（AT+CSQ/AT+CESQ 无应答）'),
        seen,
        text(
          `no signal measurement (CSQ 99, CESQ 255): the module is not camped on a cell: check the radio is on (AT+CFUN?), the band, and ${ANTENNA.en}`,
          `没有信号测量值（CSQ 99、CESQ 255）：模组没有驻留小区：检查射频是否打开（AT+CFUN?）、频段，以及${ANTENNA.zh}`,
        ),
        data,
      );
    }
    const weakRsrp = rsrpKnown && cesq!.rsrpDbm! < WEAK_RSRP_DBM;
    const weakRssi = rssiKnown && csq!.rssi < WEAK_RSSI;
    if (weakRsrp || weakRssi) {
      const what = weakRsrp ? `RSRP ${cesq!.rsrpDbm} dBm` : `rssi ${csq!.rssi} (${csq!.dbm} dBm)`;
      return result(
        'warn',
        joinText(parts),
        seen,
        text(
          `weak signal (${what}): expect slow registration, retransmissions and dropped MQTT links: check ${ANTENNA.en}`,
          `信号弱（${what}）：注册会慢，会有重传和 MQTT 掉线：检查${ANTENNA.zh}`,
        ),
        data,
      );
    }
    return result('pass', joinText(parts), seen, null, data);
  },
};
