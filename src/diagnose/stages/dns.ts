import { isIP } from 'node:net';
import { text, type Text } from '../../util/i18n.js';
import type { Stage, StageContext, StageResult } from '../types.js';
import { cmeCode, cmeText, lineOf, notAnswered, result } from '../util.js';

export const DNS_HINTS = {
  failed: (host: string): Text =>
    text(
      `the module cannot resolve ${host}: check the name, that the network's DNS servers answer (AT+CGCONTRDP shows them), that a private APN allows public names; to rule DNS out, try the broker's IP address`,
      `模组无法解析 ${host}：检查域名是否正确、网络下发的 DNS 服务器是否可用（AT+CGCONTRDP 可查看）、专网 APN 是否允许解析公网域名；可改用服务器 IP 地址排除 DNS 问题`,
    ),
  pdn: text('no DNS without a data connection: the PDN is not active (see the PDP stage); check the APN with AT+CGDCONT?', '没有数据连接就无法解析域名：PDN 未激活（见 PDP 阶段）；用 AT+CGDCONT? 检查 APN'),
} as const;

/**
 * 7. DNS from the module: AT+ECDNS="<broker>" (skipped for an IP address). A failure is a
 * +CME ERROR in the socket range (423 DNS resolve failed); plain ERROR means the firmware has
 * no AT+ECDNS (a warning: the MQTT open will tell).
 */
export const dnsStage: Stage = {
  id: 'dns',
  title: text('DNS of the broker', '服务器域名解析'),
  async run(ctx: StageContext): Promise<StageResult> {
    const host = ctx.options.broker.host;
    if (isIP(host) !== 0) {
      ctx.facts.brokerAddresses = [host];
      return result('skip', text(`the broker is an IP address (${host}): no lookup needed`, `服务器是 IP 地址（${host}）：无需解析`), [], null, { host });
    }
    const seen: Text[] = [];
    const o = await ctx.send(`AT+ECDNS="${host}"`, seen);
    const ans = lineOf(o, 'ecdns');
    if (o.status === 'ok' && ans && ans.addresses.length > 0) {
      ctx.facts.brokerAddresses = ans.addresses;
      return result('pass', text(`${host} resolves to ${ans.addresses.join(', ')}`, `${host} 解析为 ${ans.addresses.join('，')}`), seen, null, { host, addresses: ans.addresses });
    }
    const code = cmeCode(o);
    if (code !== null) {
      // without a PDN the module answers 423 too: the PDP stage's finding comes first
      const pdnDown = code === 304 || ctx.facts.pdpActive === false;
      return result('fail', cmeText(code), seen, pdnDown ? DNS_HINTS.pdn : DNS_HINTS.failed(host), { host, cme: code });
    }
    if (o.status === 'error' && o.error.type === 'error') {
      return result(
        'warn',
        text('AT+ECDNS answered ERROR: this firmware may not have it', 'AT+ECDNS 返回 ERROR：该固件可能不支持此命令'),
        seen,
        text('DNS could not be checked here: the MQTT open (stage 9) resolves the name itself and tells', '此处无法检查 DNS：MQTT 打开（第 9 阶段）会自行解析域名并给出结果'),
        { host },
      );
    }
    const na = notAnswered(o, 'AT+ECDNS') ?? { summary: text(`no address for ${host}`, `${host} 没有解析结果`), hint: DNS_HINTS.failed(host) };
    return result('fail', na.summary, seen, na.hint, { host });
  },
};
