/**
 * Code tables with their meanings in English and Simplified Chinese, written for the firmware
 * engineer at the bench, and `explain()`, the one-line meaning of a coded event.
 *
 * The ECMT codes and explain()'s ECMT cases live in src/dialects/ecmt/codes.ts.
 *
 * Sources: 3GPP TS 27.007 (CME codes 0–150,
 * +CEREG stat and AcT, +CPIN states), TS 27.005 (CMS codes), MQTT 3.1.1 §3.2.2.3 (CONNACK) and
 * MQTT 5.0 §2.4 (reason codes); the EC616S open SDK (`cmicomm.h` MtErrorResultCode,
 * `atc_reply_err_map.c` for the texts printed with AT+CMEE=2, `cms_sock_mgr.h` for 401–500).
 */
import type { DialectEvent, EventOf, ModemEvent } from './types.js';
import { text, type Text } from '../util/i18n.js';

// ---------------------------------------------------------------------------------------------
// +CME ERROR
// ---------------------------------------------------------------------------------------------

interface CmeEntry {
  meaning: Text;
  /** texts a module prints for this code with AT+CMEE=2 (firmware spelling and 27.007 wording) */
  texts: readonly string[];
}

function cme(en: string, zh: string, ...texts: string[]): CmeEntry {
  return { meaning: text(en, zh), texts };
}

const CME: ReadonlyMap<number, CmeEntry> = new Map<number, CmeEntry>([
  [0, cme('phone failure', '模组故障', 'phone failure')],
  [1, cme('no connection to phone', '与终端无连接', 'no connection to phone')],
  [2, cme('phone-adaptor link reserved', '终端适配器链路被占用', 'phone-adaptor link reserved')],
  [
    3,
    cme(
      'operation not allowed (ECMT: wrong state, bad value, PDN not active or no context)',
      '不允许的操作（ECMT：状态不对、参数值非法、PDN 未激活或没有上下文）',
      'operation not allowed',
    ),
  ],
  [4, cme('operation not supported', '不支持该操作', 'operation not supported')],
  [5, cme('PH-SIM PIN required', '需要机卡锁（PH-SIM）PIN 码', 'PH-SIM PIN required')],
  [6, cme('PH-FSIM PIN required', '需要 PH-FSIM PIN 码', 'PH-FSIM PIN required')],
  [7, cme('PH-FSIM PUK required', '需要 PH-FSIM PUK 码', 'PH-FSIM PUK required')],
  [10, cme('SIM not inserted', '未插入 SIM 卡', 'SIM not inserted')],
  [11, cme('SIM PIN required', 'SIM 卡需要 PIN 码', 'SIM PIN required')],
  [12, cme('SIM PUK required', 'SIM 卡需要 PUK 码', 'SIM PUK required')],
  [13, cme('SIM failure', 'SIM 卡故障', 'SIM failure')],
  [14, cme('SIM busy', 'SIM 卡忙', 'SIM busy')],
  [15, cme('SIM wrong', 'SIM 卡不正确', 'SIM wrong')],
  [16, cme('incorrect password', '密码错误', 'incorrect password')],
  [17, cme('SIM PIN2 required', '需要 PIN2 码', 'SIM PIN2 required')],
  [18, cme('SIM PUK2 required', '需要 PUK2 码', 'SIM PUK2 required')],
  [20, cme('memory full', '存储已满', 'memory full')],
  [21, cme('invalid index', '索引无效', 'invalid index')],
  [22, cme('not found', '未找到', 'not found')],
  [23, cme('memory failure', '存储故障', 'memory failure')],
  [24, cme('text string too long', '文本过长', 'text string too long', 'text str too long')],
  [25, cme('invalid characters in text string', '文本含无效字符', 'invalid characters in text string', 'invalid char')],
  [26, cme('dial string too long', '拨号字符串过长', 'dial string too long', 'dial str too long')],
  [27, cme('invalid characters in dial string', '拨号字符串含无效字符', 'invalid characters in dial string', 'invalid char in dial str')],
  [30, cme('no network service', '无网络服务', 'no network service', 'no nw service')],
  [31, cme('network timeout', '网络超时', 'network timeout', 'nw timeout')],
  [32, cme('network not allowed - emergency calls only', '网络不允许接入，仅限紧急呼叫', 'network not allowed - emergency calls only')],
  [50, cme('incorrect parameters', '参数不正确', 'incorrect parameters')],
  [51, cme('command implemented but currently disabled', '命令已实现但当前被禁用', 'command implemented but currently disabled')],
  [52, cme('command aborted by user', '命令被用户中止', 'command aborted by user')],
  [
    53,
    cme(
      'not attached to network due to MT functionality restrictions',
      '因终端功能受限未附着网络',
      'not attached to network due to MT functionality restrictions',
    ),
  ],
  [
    55,
    cme(
      'operation not allowed because of MT functionality restrictions',
      '因终端功能受限不允许该操作',
      'operation not allowed because of MT functionality restrictions',
    ),
  ],
  [60, cme('system failure', '系统故障', 'system failure')],
  [61, cme('data missing', '数据缺失', 'data missing')],
  [100, cme('unknown error', '未知错误', 'unknown', 'unknown error')],
  // 101–150: EMM/ESM causes from the network (27.007 §9.2.2, cause number in brackets)
  [103, cme('network reject: illegal MS (#3)', '网络拒绝：非法终端（#3）', 'illegal MS (#3)', 'illegal MS')],
  [106, cme('network reject: illegal ME (#6)', '网络拒绝：非法设备（#6）', 'illegal ME (#6)', 'illegal ME')],
  [
    107,
    cme(
      'network reject: EPS/GPRS services not allowed (#7)',
      '网络拒绝：不允许 EPS/GPRS 业务（#7）',
      'GPRS services not allowed (#7)',
      'GPRS services not allowed',
    ),
  ],
  [
    108,
    cme(
      'network reject: EPS and non-EPS services not allowed (#8)',
      '网络拒绝：EPS 与非 EPS 业务均不允许（#8）',
      'GPRS services and non-GPRS services not allowed',
      'GPRS services and Non GPRS services not allow',
    ),
  ],
  [
    111,
    cme(
      'network reject: PLMN not allowed (#11) — this SIM may not use this operator network',
      '网络拒绝：不允许接入该 PLMN（#11）——该 SIM 卡不能使用此运营商网络',
      'PLMN not allowed (#11)',
      'PLMN not allowed',
    ),
  ],
  [
    112,
    cme(
      'network reject: tracking/location area not allowed (#12)',
      '网络拒绝：不允许接入该跟踪区/位置区（#12）',
      'location area not allowed (#12)',
      'location area not allowed',
    ),
  ],
  [
    113,
    cme(
      'network reject: roaming not allowed in this area (#13)',
      '网络拒绝：该区域不允许漫游（#13）',
      'roaming not allowed in this location area (#13)',
      'roaming not allowed in this location area',
    ),
  ],
  [
    114,
    cme(
      'network reject: EPS/GPRS services not allowed in this PLMN (#14)',
      '网络拒绝：该 PLMN 不允许 EPS/GPRS 业务（#14）',
      'GPRS services not allowed in this PLMN',
    ),
  ],
  [
    115,
    cme(
      'network reject: no suitable cells in this area (#15)',
      '网络拒绝：该区域内没有合适的小区（#15）',
      'no suitable cells in location area',
    ),
  ],
  [122, cme('network congestion (#22)', '网络拥塞（#22）', 'congestion')],
  [126, cme('insufficient resources in the network (#26)', '网络资源不足（#26）', 'insufficient resources')],
  [
    127,
    cme(
      'missing or unknown APN (#27): check the APN in AT+CGDCONT',
      'APN 缺失或未知（#27）：请检查 AT+CGDCONT 中的 APN',
      'missing or unknown APN',
    ),
  ],
  [128, cme('unknown PDN type or address (#28)', '未知的 PDN 类型或地址（#28）', 'unknown PDP address or PDP type')],
  [129, cme('user authentication failed (#29)', '用户鉴权失败（#29）', 'user authentication failed')],
  [
    130,
    cme(
      'activation rejected by the Serving GW or PDN GW (#30)',
      '激活被服务网关或 PDN 网关拒绝（#30）',
      'activation rejected by GGSN, Serving GW or PDN GW',
      'activate rej by GGSN serving GW or PDN GW',
    ),
  ],
  [
    131,
    cme(
      'activation rejected, unspecified (#31)',
      '激活被拒绝，原因未指明（#31）',
      'activation rejected, unspecified',
      'activate rej unspecified',
    ),
  ],
  [
    132,
    cme('service option not supported (#32)', '不支持该业务选项（#32）', 'service option not supported (#32)', 'service option not supported'),
  ],
  [
    133,
    cme(
      'requested service option not subscribed (#33)',
      '未签约所请求的业务选项（#33）',
      'requested service option not subscribed (#33)',
      'requested service option not subscribed',
    ),
  ],
  [
    134,
    cme(
      'service option temporarily out of order (#34)',
      '业务选项暂时不可用（#34）',
      'service option temporarily out of order (#34)',
      'service option temporarily out of order',
    ),
  ],
  [148, cme('unspecified packet-domain error', '未指明的分组域错误', 'unspecified GPRS error')],
  [
    149,
    cme(
      'PDP authentication failure: the APN user name or password was rejected',
      'PDP 鉴权失败：APN 用户名或密码被拒绝',
      'PDP authentication failure',
    ),
  ],
  [150, cme('invalid mobile class', '无效的终端类别', 'invalid mobile class')],
  // 301–400: Eigencomm internal (cmicomm.h)
  [302, cme('UE busy: the module is handling another request, retry later', '模组忙：正在处理其他请求，请稍后重试', 'UE busy')],
  [303, cme('UE not powered on (protocol stack off)', '模组协议栈未开机', 'UE not powered on', 'ue not power on')],
  [
    304,
    cme(
      'PDN not active: no data connection yet (check AT+CGATT? and AT+CGPADDR)',
      'PDN 未激活：尚无数据连接（请检查 AT+CGATT? 和 AT+CGPADDR）',
      'PDN not active',
      'pdn not actived',
    ),
  ],
  [305, cme('PDN not valid', 'PDN 无效', 'pdn not valid')],
  [306, cme('PDN type invalid', 'PDN 类型无效', 'pdn type invalid')],
  [307, cme('PDN parameters missing', 'PDN 参数缺失', 'pdn leak param')],
  [308, cme('UE failure', '模组内部失败', 'ue fail')],
  // 401–500: socket errors (cms_sock_mgr.h; no CMEE=2 texts exist for these)
  [402, cme('socket parameter error', '套接字参数错误')],
  [403, cme('too many sockets', '套接字数量过多')],
  [404, cme('socket creation failed', '创建套接字失败')],
  [405, cme('socket operation not supported', '不支持该套接字操作')],
  [406, cme('socket client not found', '找不到套接字客户端')],
  [407, cme('connect failed', '连接失败')],
  [408, cme('bind failed', '绑定失败')],
  [409, cme('send failed', '发送失败')],
  [410, cme('socket not connected', '套接字未连接')],
  [411, cme('socket already connected', '套接字已连接')],
  [412, cme('invalid socket state', '套接字状态无效')],
  [413, cme('connect timeout', '连接超时')],
  [414, cme('socket delete failed', '删除套接字失败')],
  [415, cme('socket error', '套接字错误')],
  [416, cme('out of memory', '内存不足')],
  [417, cme('no downlink buffer left', '下行缓存已用尽')],
  [418, cme('connect already in progress', '正在连接中')],
  [419, cme('invalid uplink sequence number', '上行序号无效')],
  [420, cme('send request failed', '发送请求失败')],
  [421, cme('server socket already created', '服务器套接字已创建')],
  [422, cme('setting the DNS server failed', '设置 DNS 服务器失败')],
  [423, cme('DNS resolution failed: the host name could not be resolved', 'DNS 解析失败：无法解析该主机名')],
  [424, cme('unknown socket error (on some builds: listen failed)', '未知套接字错误（部分固件版本中为“监听失败”）')],
  // 501–600: reference-AT errors (cmicomm.h)
  [512, cme('required parameter not configured', '必需参数未配置', 'Required parameter not configured')],
  [513, cme('TUP not registered', 'TUP 未注册', 'TUP not registered')],
  [514, cme('AT internal error', 'AT 内部错误', 'AT internal error')],
  [515, cme('CID is active', '该 CID 已激活', 'CID is active')],
  [516, cme('incorrect state for this command', '当前状态不允许执行该命令', 'Incorrect state for command')],
  [517, cme('CID is invalid', 'CID 无效', 'CID is invalid')],
  [518, cme('CID is not active', '该 CID 未激活', 'CID is not active')],
  [520, cme('the last active CID cannot be deactivated', '不能去激活最后一个已激活的 CID', 'Deactivate the last active CID')],
  [521, cme('CID is not defined', '该 CID 未定义', 'CID is not defined')],
  [522, cme('UART parity error', '串口奇偶校验错误', 'UART parity error')],
  [523, cme('UART frame error', '串口帧错误', 'UART frame error')],
  [
    524,
    cme(
      'UE is in minimal function mode (CFUN=0): send AT+CFUN=1',
      '模组处于最小功能模式（CFUN=0）：请发送 AT+CFUN=1',
      'UE is in minimal function mode',
    ),
  ],
  [525, cme('AT command aborted while in processing', 'AT 命令在处理中被中止', 'AT command aborted: in processing')],
  [526, cme('AT command aborted on error', 'AT 命令因出错被中止', 'AT command aborted: error')],
  [527, cme('command interrupted', '命令被中断', 'Command interrupted')],
  [528, cme('configuration conflict', '配置冲突', 'Configuration conflicts')],
  [529, cme('FOTA update in progress', '正在进行 FOTA 升级', 'During FOTA updating')],
  [530, cme('not a socket allocated through AT', '不是由 AT 分配的套接字', 'Not the AT allocated socket')],
  [531, cme('USIM PIN blocked', 'USIM PIN 已锁定', 'USIM PIN is blocked')],
  [532, cme('USIM PUK blocked', 'USIM PUK 已锁定', 'USIM PUK is blocked')],
  [534, cme('file not found', '文件未找到', 'File not found')],
  [535, cme('conditions of use not satisfied', '不满足使用条件', 'conditions of use not satisfied')],
  [536, cme('AT UART buffer error', 'AT 串口缓冲区错误', 'AT UART buffer error')],
  [
    537,
    cme(
      'back-off timer running: the network told the module to wait before retrying',
      '退避定时器运行中：网络要求模组等待一段时间后再重试',
      'Back off timer is running',
    ),
  ],
]);

function normalizeErrorText(s: string): string {
  return s.trim().replace(/\s+/g, ' ').toLowerCase();
}

const CME_BY_TEXT: ReadonlyMap<string, number> = (() => {
  const m = new Map<string, number>();
  for (const [code, e] of CME) for (const t of e.texts) m.set(normalizeErrorText(t), code);
  return m;
})();

/** Meaning of a +CME ERROR code, or null when the code is not in the table (or its ranges). */
export function cmeMeaning(code: number): Text | null {
  const e = CME.get(code);
  if (e) return e.meaning;
  if ((code >= 101 && code <= 150) || (code >= 171 && code <= 256)) {
    return text(
      `network (EMM/ESM) reject cause, CME ${code} (3GPP TS 24.301)`,
      `网络侧（EMM/ESM）拒绝原因，CME ${code}（3GPP TS 24.301）`,
    );
  }
  if (code >= 401 && code <= 500) return text(`socket error ${code}`, `套接字错误 ${code}`);
  return null;
}

/** The code of a +CME ERROR text form (AT+CMEE=2), case-insensitive, or null when unknown. */
export function cmeCodeFromText(s: string): number | null {
  return CME_BY_TEXT.get(normalizeErrorText(s)) ?? null;
}

// ---------------------------------------------------------------------------------------------
// +CMS ERROR (27.005 §3.2.5)
// ---------------------------------------------------------------------------------------------

const CMS: ReadonlyMap<number, Text> = new Map<number, Text>([
  [300, text('ME failure', '模组故障')],
  [301, text('SMS service of ME reserved', '短信业务被保留')],
  [302, text('operation not allowed', '不允许的操作')],
  [303, text('operation not supported', '不支持该操作')],
  [304, text('invalid PDU mode parameter', 'PDU 模式参数无效')],
  [305, text('invalid text mode parameter', '文本模式参数无效')],
  [310, text('SIM not inserted', '未插入 SIM 卡')],
  [311, text('SIM PIN required', 'SIM 卡需要 PIN 码')],
  [312, text('PH-SIM PIN required', '需要机卡锁 PIN 码')],
  [313, text('SIM failure', 'SIM 卡故障')],
  [314, text('SIM busy', 'SIM 卡忙')],
  [315, text('SIM wrong', 'SIM 卡不正确')],
  [316, text('SIM PUK required', 'SIM 卡需要 PUK 码')],
  [317, text('SIM PIN2 required', '需要 PIN2 码')],
  [318, text('SIM PUK2 required', '需要 PUK2 码')],
  [320, text('memory failure', '存储故障')],
  [321, text('invalid memory index', '存储索引无效')],
  [322, text('memory full', '存储已满')],
  [330, text('SMSC address unknown', '短信中心地址未知')],
  [331, text('no network service', '无网络服务')],
  [332, text('network timeout', '网络超时')],
  [340, text('no +CNMA acknowledgement expected', '不需要 +CNMA 确认')],
  [500, text('unknown error', '未知错误')],
]);

/** Meaning of a +CMS ERROR code, or null. */
export function cmsMeaning(code: number): Text | null {
  return CMS.get(code) ?? null;
}

// ---------------------------------------------------------------------------------------------
// MQTT
// ---------------------------------------------------------------------------------------------

const CONNACK: ReadonlyMap<number, Text> = new Map<number, Text>([
  [0, text('connection accepted', '连接已接受')],
  [1, text('unacceptable protocol version', '不支持的协议版本')],
  [2, text('identifier rejected', '客户端标识符被拒绝')],
  [3, text('server unavailable', '服务不可用')],
  [4, text('bad user name or password', '用户名或密码错误')],
  [5, text('not authorized', '未授权')],
  [6, text('CONNACK could not be decoded (vendor code 6, not MQTT)', 'CONNACK 无法解析（厂商自定义码 6，非 MQTT 标准）')],
]);

/** Meaning of an MQTT 3.1.1 CONNACK return code (0–5), plus the vendor code 6 (ecmt.md §4: CONNACK not decodable). */
export function connackMeaning(code: number): Text | null {
  return CONNACK.get(code) ?? null;
}

const MQTT5: ReadonlyMap<number, Text> = new Map<number, Text>([
  [0x00, text('success', '成功')],
  [0x80, text('unspecified error', '未指明的错误')],
  [0x81, text('malformed packet', '报文格式错误')],
  [0x82, text('protocol error', '协议错误')],
  [0x83, text('implementation specific error', '实现相关的错误')],
  [0x84, text('unsupported protocol version', '不支持的协议版本')],
  [0x85, text('client identifier not valid', '客户端标识符无效')],
  [0x86, text('bad user name or password', '用户名或密码错误')],
  [0x87, text('not authorized', '未授权')],
  [0x88, text('server unavailable', '服务不可用')],
  [0x89, text('server busy', '服务器忙')],
  [0x8a, text('banned', '已被禁止接入')],
  [0x8c, text('bad authentication method', '认证方法错误')],
  [0x8e, text('session taken over (another client connected with the same client ID)', '会话被接管（另一个客户端使用了相同的客户端标识符）')],
  [0x90, text('topic name invalid', '主题名无效')],
  [0x95, text('packet too large', '报文过大')],
  [0x97, text('quota exceeded', '超出配额')],
  [0x99, text('payload format invalid', '载荷格式无效')],
  [0x9a, text('retain not supported', '不支持保留消息')],
  [0x9b, text('QoS not supported', '不支持该 QoS')],
  [0x9c, text('use another server', '请使用其他服务器')],
  [0x9d, text('server moved', '服务器已迁移')],
  [0x9f, text('connection rate exceeded', '连接速率超限')],
]);

/** Meaning of an MQTT 5 reason code (CONNACK/DISCONNECT), or null. */
export function mqtt5ReasonMeaning(code: number): Text | null {
  return MQTT5.get(code) ?? null;
}

// ---------------------------------------------------------------------------------------------
// 3GPP: registration, access technology, SIM
// ---------------------------------------------------------------------------------------------

const REG_STAT: ReadonlyMap<number, Text> = new Map([
  [0, text('not registered, not searching', '未注册，未在搜索网络')],
  [1, text('registered, home network', '已注册，本地网络')],
  [2, text('not registered, searching', '未注册，正在搜索网络')],
  [3, text('registration denied', '注册被拒绝')],
  [4, text('unknown (e.g. out of coverage)', '未知（例如不在覆盖范围内）')],
  [5, text('registered, roaming', '已注册，漫游')],
  [6, text('registered for SMS only, home network', '仅注册短信业务，本地网络')],
  [7, text('registered for SMS only, roaming', '仅注册短信业务，漫游')],
  [8, text('attached for emergency bearer services only', '仅附着紧急承载业务')],
  [9, text('registered for "CSFB not preferred", home network', '已注册（不优先 CSFB），本地网络')],
  [10, text('registered for "CSFB not preferred", roaming', '已注册（不优先 CSFB），漫游')],
]);

/** Meaning of a +CEREG/+CREG/+CGREG `<stat>`, or null. */
export function regStatMeaning(stat: number): Text | null {
  return REG_STAT.get(stat) ?? null;
}

const ACT: ReadonlyMap<number, Text> = new Map([
  [0, text('GSM', 'GSM')],
  [1, text('GSM Compact', 'GSM Compact')],
  [2, text('UTRAN', 'UTRAN')],
  [3, text('GSM with EGPRS', 'GSM（EGPRS）')],
  [4, text('UTRAN with HSDPA', 'UTRAN（HSDPA）')],
  [5, text('UTRAN with HSUPA', 'UTRAN（HSUPA）')],
  [6, text('UTRAN with HSDPA and HSUPA', 'UTRAN（HSDPA 与 HSUPA）')],
  [7, text('LTE (E-UTRAN, e.g. CAT1)', 'LTE（E-UTRAN，例如 CAT1）')],
  [8, text('EC-GSM-IoT', 'EC-GSM-IoT')],
  [9, text('NB-IoT (E-UTRAN NB-S1)', 'NB-IoT（E-UTRAN NB-S1）')],
  [10, text('E-UTRA connected to 5GCN', 'E-UTRA（接入 5G 核心网）')],
  [11, text('NR connected to 5GCN', 'NR（接入 5G 核心网）')],
  [12, text('NG-RAN', 'NG-RAN')],
  [13, text('E-UTRA-NR dual connectivity', 'E-UTRA-NR 双连接')],
]);

/** Name of a 27.007 `<AcT>` value, or null. */
export function actMeaning(act: number): Text | null {
  return ACT.get(act) ?? null;
}

const CPIN: ReadonlyMap<string, Text> = new Map([
  ['READY', text('SIM ready, no PIN needed', 'SIM 卡就绪，无需 PIN 码')],
  ['SIM PIN', text('SIM PIN required: unlock with AT+CPIN="<pin>"', '需要 SIM PIN 码：用 AT+CPIN="<PIN>" 解锁')],
  ['SIM PUK', text('SIM PUK required: the PIN is blocked', '需要 PUK 码：PIN 已被锁定')],
  ['PH-SIM PIN', text('phone-to-SIM password required', '需要机卡锁密码')],
  ['PH-FSIM PIN', text('phone-to-first-SIM password required', '需要首张 SIM 卡锁密码')],
  ['PH-FSIM PUK', text('phone-to-first-SIM PUK required', '需要首张 SIM 卡锁 PUK 码')],
  ['SIM PIN2', text('SIM PIN2 required', '需要 PIN2 码')],
  ['SIM PUK2', text('SIM PUK2 required', '需要 PUK2 码')],
  ['PH-NET PIN', text('network personalisation password required', '需要网络锁密码')],
  ['PH-NET PUK', text('network personalisation PUK required', '需要网络锁 PUK 码')],
  ['PH-NETSUB PIN', text('network subset personalisation password required', '需要子网锁密码')],
  ['PH-NETSUB PUK', text('network subset personalisation PUK required', '需要子网锁 PUK 码')],
  ['PH-SP PIN', text('service provider personalisation password required', '需要服务商锁密码')],
  ['PH-SP PUK', text('service provider personalisation PUK required', '需要服务商锁 PUK 码')],
  ['PH-CORP PIN', text('corporate personalisation password required', '需要企业锁密码')],
  ['PH-CORP PUK', text('corporate personalisation PUK required', '需要企业锁 PUK 码')],
  // not 27.007 states, but printed by several vendors
  ['NOT INSERTED', text('SIM not inserted', '未插入 SIM 卡')],
  ['NOT READY', text('SIM not ready', 'SIM 卡未就绪')],
]);

/** Meaning of a +CPIN state (case-insensitive), or null. */
export function cpinMeaning(state: string): Text | null {
  return CPIN.get(state.trim().replace(/\s+/g, ' ').toUpperCase()) ?? null;
}

// ---------------------------------------------------------------------------------------------
// explain()
// ---------------------------------------------------------------------------------------------

function withCode(m: Text | null, enUnknown: string, zhUnknown: string): Text {
  return m ?? text(enUnknown, zhUnknown);
}

function rssiWord(dbm: number): Text {
  if (dbm >= -73) return text('excellent', '很好');
  if (dbm >= -83) return text('good', '良好');
  if (dbm >= -93) return text('fair', '一般');
  return text('poor', '较差');
}

function rsrpWord(dbm: number): Text {
  if (dbm >= -80) return text('excellent', '很好');
  if (dbm >= -90) return text('good', '良好');
  if (dbm >= -100) return text('fair', '一般');
  return text('poor', '较差');
}

function join(parts: (Text | null)[]): Text {
  const ps = parts.filter((p): p is Text => p !== null);
  return text(ps.map((p) => p.en).join('; '), ps.map((p) => p.zh).join('；'));
}

function explainCgev(s: string): Text | null {
  const m = /^(NW|ME)\s+(PDN\s+ACT|PDN\s+DEACT|DETACH|ACT|DEACT)\b\s*(\d+)?/i.exec(s.trim());
  if (!m) return null;
  const by = m[1]!.toUpperCase() === 'NW' ? text('by the network', '由网络发起') : text('by the module', '由模组发起');
  const cid = m[3] === undefined ? '' : ` ${m[3]}`;
  const what = m[2]!.toUpperCase().replace(/\s+/g, ' ');
  switch (what) {
    case 'PDN ACT':
      return text(`PDN connection${cid} activated ${by.en}`, `PDN 连接${cid}已激活（${by.zh}）`);
    case 'PDN DEACT':
      return text(`PDN connection${cid} deactivated ${by.en}`, `PDN 连接${cid}已去激活（${by.zh}）`);
    case 'DETACH':
      return text(`detached from the packet domain ${by.en}: no data service`, `已从分组域去附着（${by.zh}）：无数据业务`);
    case 'ACT':
      return text(`bearer${cid} activated ${by.en}`, `承载${cid}已激活（${by.zh}）`);
    case 'DEACT':
      return text(`bearer${cid} deactivated ${by.en}`, `承载${cid}已去激活（${by.zh}）`);
    default:
      return null;
  }
}

let dialectExplainer: ((e: DialectEvent | EventOf<'boot'>) => Text | null) | null = null;

/**
 * The dialect registry (src/dialects/index.ts) installs here how the events of the dialects are
 * explained (their own events, and what a module restart loses), so that explain() covers them
 * without urc/ importing the dialects.
 */
export function setDialectExplainer(f: ((e: DialectEvent | EventOf<'boot'>) => Text | null) | null): void {
  dialectExplainer = f;
}

/**
 * A one-line meaning of an event whose values are codes, in both languages; null for events
 * that carry no code (OK, plain information lines, unknown lines, test-form answers).
 */
export function explain(event: ModemEvent): Text | null {
  const e = event;
  switch (e.type) {
    case 'ok':
    case 'info':
    case 'unknown':
    case 'cgcontrdp':
      return null;
    case 'error':
      return text(
        'ERROR: syntax error or missing parameter (with AT+CMEE=0 every failure looks like this)',
        'ERROR：语法错误或缺少必选参数（AT+CMEE=0 时所有失败都显示为 ERROR）',
      );
    case 'cme-error': {
      if (e.code !== null) {
        const m = cmeMeaning(e.code);
        return m ? text(`CME ERROR ${e.code}: ${m.en}`, `CME 错误 ${e.code}：${m.zh}`) : text(`CME ERROR ${e.code} (not in the table)`, `CME 错误 ${e.code}（表中未收录）`);
      }
      if (e.text !== null) return text(`CME ERROR: ${e.text}`, `CME 错误：${e.text}`);
      return text('CME ERROR without a code', 'CME 错误（无错误码）');
    }
    case 'cms-error': {
      if (e.code !== null) {
        const m = cmsMeaning(e.code);
        return m ? text(`CMS ERROR ${e.code}: ${m.en}`, `CMS 错误 ${e.code}：${m.zh}`) : text(`CMS ERROR ${e.code} (not in the table)`, `CMS 错误 ${e.code}（表中未收录）`);
      }
      if (e.text !== null) return text(`CMS ERROR: ${e.text}`, `CMS 错误：${e.text}`);
      return text('CMS ERROR without a code', 'CMS 错误（无错误码）');
    }
    case 'reg': {
      const stat = withCode(regStatMeaning(e.stat), `unknown registration state ${e.stat}`, `未知注册状态 ${e.stat}`);
      const act = e.act === null ? null : actMeaning(e.act);
      return act ? text(`${stat.en} (${act.en})`, `${stat.zh}（${act.zh}）`) : stat;
    }
    case 'cpin':
      return withCode(cpinMeaning(e.state), `SIM state ${e.state}`, `SIM 卡状态 ${e.state}`);
    case 'csq': {
      if (e.dbm === null) return text(`no signal measurement (rssi ${e.rssi})`, `无信号测量值（rssi ${e.rssi}）`);
      const w = rssiWord(e.dbm);
      const edge = e.rssi === 0 ? '≤ ' : e.rssi === 31 ? '≥ ' : '';
      return text(`signal ${edge}${e.dbm} dBm (${w.en})`, `信号 ${edge}${e.dbm} dBm（${w.zh}）`);
    }
    case 'cesq': {
      if (e.rsrpDbm === null && e.rsrqDb === null) return text('no LTE measurement (RSRP and RSRQ unknown)', '无 LTE 测量值（RSRP 与 RSRQ 未知）');
      const en: string[] = [];
      const zh: string[] = [];
      if (e.rsrpDbm !== null) {
        const w = rsrpWord(e.rsrpDbm);
        en.push(`RSRP ${e.rsrpDbm} dBm (${w.en})`);
        zh.push(`RSRP ${e.rsrpDbm} dBm（${w.zh}）`);
      }
      if (e.rsrqDb !== null) {
        en.push(`RSRQ ${e.rsrqDb} dB`);
        zh.push(`RSRQ ${e.rsrqDb} dB`);
      }
      return text(en.join(', '), zh.join('，'));
    }
    case 'cgatt':
      return e.attached
        ? text('attached to the packet domain', '已附着分组域')
        : text('not attached to the packet domain: no data service', '未附着分组域：无数据业务');
    case 'cgpaddr':
      return e.addresses.length > 0
        ? text(`context ${e.cid} has address ${e.addresses.join(', ')}`, `上下文 ${e.cid} 的地址：${e.addresses.join('，')}`)
        : text(`context ${e.cid} has no address (not active)`, `上下文 ${e.cid} 没有地址（未激活）`);
    case 'cgev':
      return explainCgev(e.text);
    case 'cfun':
      if (e.fun === 0) return text('minimum functionality (radio off)', '最小功能模式（射频关闭）');
      if (e.fun === 1) return text('full functionality', '全功能模式');
      if (e.fun === 4) return text('radio off (flight mode)', '射频关闭（飞行模式）');
      return text(`functionality level ${e.fun}`, `功能级别 ${e.fun}`);
    case 'ecdns':
      return text(`DNS resolved: ${e.addresses.join(', ')}`, `DNS 解析结果：${e.addresses.join('，')}`);
    case 'ecping':
      if (e.kind === 'succ') {
        return text(
          `ping reply from ${e.dest ?? '?'}${e.rttMs === null ? '' : ` in ${e.rttMs} ms`}`,
          `收到 ${e.dest ?? '?'} 的 ping 回复${e.rttMs === null ? '' : `，耗时 ${e.rttMs} 毫秒`}`,
        );
      }
      if (e.kind === 'fail') {
        return text(
          `ping ${e.dest === null ? '' : `to ${e.dest} `}failed${e.timeoutMs === null ? '' : ` (no reply within ${e.timeoutMs} ms)`}`,
          `ping${e.dest === null ? '' : ` ${e.dest}`} 失败${e.timeoutMs === null ? '' : `（${e.timeoutMs} 毫秒内无回复）`}`,
        );
      }
      return text('ping finished', 'ping 结束');
    case 'boot':
      // what a restart loses is the dialect's knowledge (its contexts and settings)
      return (
        dialectExplainer?.(e) ??
        text(
          `module (re)started (${e.banner}): every session state is lost (MQTT context, subscriptions, MQTT settings)`,
          `模组已（重新）启动（${e.banner}）：所有会话状态均已丢失（MQTT 上下文、订阅、MQTT 配置）`,
        )
      );
    default: {
      // a dialect's own event (src/dialects/<name>/): its dialect explains it
      const other: DialectEvent = e;
      return dialectExplainer ? dialectExplainer(other) : null;
    }
  }
}
