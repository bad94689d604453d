import { AtEngine } from '../../at/engine.js';
import { defaultGrammar } from '../../grammar.js';
import { createPortPair } from '../../port/memory.js';
import { EcmtEmulator } from '../../emulator/emulator.js';
import { EcmtSession } from '../../dialects/ecmt/session.js';
import { compare } from '../../mirror/compare.js';
import { startEmbeddedBroker } from '../../mirror/broker.js';
import { reportToJson } from '../../mirror/json.js';
import type { CompareReport } from '../../mirror/report.js';
import type { Credentials } from '../../dialects/ecmt/commands.js';
import { firmwareProfile, type FirmwareProfileName } from '../../dialects/ecmt/firmware.js';
import { langFromEnv, text, type Text } from '../../util/i18n.js';
import { Out, note, wantColor } from '../io.js';
import { formatReport } from '../report.js';
import { EXIT } from '../exit.js';

interface Scenario {
  id: 'healthy' | 'credential-quirk' | 'wrong-password';
  title: Text;
  credentials: Credentials & { clientId: string };
  /** what a correct run shows */
  expect(r: CompareReport): boolean;
}

// The demo broker knows one user with a password, and one device token used as a user name
// with no password (as token platforms such as ThingsBoard do).
const USER = 'plant-7';
const PASSWORD = 'correct horse';
const TOKEN = 'token-5Gx2';

const SCENARIOS: Scenario[] = [
  {
    id: 'healthy',
    title: text('healthy: client ID, user name and password', '正常：客户端 ID、用户名和密码齐全'),
    credentials: { clientId: 'demo-dev-1', username: USER, password: PASSWORD },
    expect: (r) => r.agree,
  },
  {
    id: 'credential-quirk',
    title: text('the credential quirk: a device token as user name, no password', '凭据特性：设备令牌作为用户名，没有密码'),
    credentials: { clientId: 'demo-dev-2', username: TOKEN },
    expect: (r) => !r.agree && r.verdict.causes[0]?.id === 'credential-quirk',
  },
  {
    id: 'wrong-password',
    title: text('a wrong password, refused by the embedded aedes broker', '密码错误，被内置的 aedes 服务器拒绝'),
    credentials: { clientId: 'demo-dev-3', username: USER, password: 'tr0ub4dor&3' },
    expect: (r) => r.agree && r.verdict.causes[0]?.id === 'broker-credentials',
  },
];

export async function runDemo(args: Record<string, unknown>): Promise<number> {
  const json = args['json'] === true;
  const out = new Out({ json, lang: langFromEnv(process.env, args['lang'] as string | undefined), color: wantColor(args['color'] as boolean | undefined) });
  const profile = firmwareProfile(String(args['profile'] ?? 'ec616s')).name as FirmwareProfileName;
  const broker = await startEmbeddedBroker({ users: { [USER]: PASSWORD, [TOKEN]: null }, allowAnonymous: false });
  let code: number = EXIT.OK;
  try {
    if (!json) {
      out.line(out.p.bold(out.t(text(`cat1 demo: the embedded MQTT broker (aedes) on ${broker.url} (user "${USER}", and the device token "${TOKEN}" as a user name), the module emulator (profile ${profile}), three comparisons`, `cat1 演示：内置 MQTT 服务器（aedes）${broker.url}（用户 "${USER}"，以及作为用户名的设备令牌 "${TOKEN}"），模组仿真器（固件配置 ${profile}），三次比较`))));
      out.line('');
    }
    for (const [i, sc] of SCENARIOS.entries()) {
      if (!json) note(`cat1: ${out.t(text(`demo ${i + 1}/3: ${sc.title.en}…`, `演示 ${i + 1}/3：${sc.title.zh}…`))}`);
      const pair = createPortPair();
      const emulator = new EcmtEmulator(pair.module, { profile });
      const engine = new AtEngine(pair.host, { grammar: defaultGrammar() });
      const session = new EcmtSession(engine, { profile, openTimeoutMs: 10_000, connectTimeoutMs: 10_000, ackTimeoutMs: 10_000 });
      const logFrom = broker.log.length;
      let report: CompareReport;
      try {
        report = await compare({
          session,
          broker: { host: broker.host, port: broker.port, tls: false },
          credentials: sc.credentials,
          payload: JSON.stringify({ demo: sc.id, 温度: 21.5 }, null, 2),
          deliveryTimeoutMs: 3000,
          brokerLogLines: () => broker.log.slice(logFrom),
        });
      } finally {
        await emulator.close();
        await pair.host.close();
      }
      if (!sc.expect(report)) code = EXIT.PROBLEM;
      if (json) out.obj({ ...reportToJson(report, out.lang), demo: sc.id });
      else {
        out.line(out.p.bold(`━━ ${i + 1}/3 ${out.t(sc.title)} ━━`));
        for (const l of formatReport(report, out)) out.line(l);
        out.line('');
      }
      await out.flush();
    }
    if (!json) {
      out.line(out.t(text('Next: wire a module and run "cat1 compare --port <device> --broker mqtt://your-broker:1883 --client-id … --username … --password-file …"', '下一步：接上模组，运行 "cat1 compare --port <串口> --broker mqtt://你的服务器:1883 --client-id … --username … --password-file …"')));
      if (code !== EXIT.OK) out.line(out.p.red(out.t(text('the demo did not come out as expected: please report this (cat1 --version, node --version)', '演示结果与预期不符：请报告此问题（cat1 --version、node --version）'))));
    }
  } finally {
    await broker.stop();
    await out.flush();
  }
  return code;
}
