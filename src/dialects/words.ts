/**
 * A dialect's command and URC names as the core's texts quote them (`AT+ECMTOPEN`, `+QMTSTAT`),
 * read from the dialect's tables, so that a verdict or a help text reads right for every
 * dialect without naming one.
 */
import type { ConfigSpec, Dialect, DialectName, MqttOp, UrcRole } from './types.js';
import { defaultDialect, getDialect } from './index.js';

/** The dialect of that name, or the default one (the dialect this tool started with) when none is given. */
export function dialectNamed(name: DialectName | undefined): Dialect {
  return name === undefined ? defaultDialect() : getDialect(name);
}

/** The command that performs an MQTT step, upper case without `AT` (`+ECMTOPEN`). */
export function commandName(d: Dialect, op: MqttOp): string {
  const c = d.commands.find((x) => x.op === op);
  if (!c) throw new TypeError(`dialect ${d.name} has no command for the step "${op}"`);
  return c.name;
}

/** The command line head of an MQTT step (`AT+ECMTOPEN`). */
export function commandLine(d: Dialect, op: MqttOp): string {
  return `AT${commandName(d, op)}`;
}

/** The URC that completes an MQTT step (`+ECMTOPEN`); the command's name when it has none. */
export function resultPrefix(d: Dialect, op: MqttOp): string {
  const c = d.commands.find((x) => x.op === op && x.result !== null);
  return c?.result?.prefix ?? commandName(d, op);
}

/** The first URC of that role the dialect prints (`+ECMTSTAT` for `link-lost`, `+QMTRECV` for `message`). */
export function urcPrefix(d: Dialect, role: UrcRole): string {
  const u = d.urcs.find((x) => x.role === role);
  if (!u) throw new TypeError(`dialect ${d.name} has no URC of the role "${role}"`);
  return u.prefix;
}

/**
 * A configuration command line for the setting that carries this MQTT option, with its values
 * as written (`AT+ECMTCFG="version",0,4`).
 */
export function configLine(d: Dialect, mqtt: ConfigSpec['mqtt'], ...values: (string | number)[]): string {
  const c = d.configs.find((x) => x.mqtt === mqtt);
  if (!c) throw new TypeError(`dialect ${d.name} has no configuration key for "${mqtt}"`);
  return `AT${d.configCommand}="${c.key}"${values.map((v) => `,${v}`).join('')}`;
}
