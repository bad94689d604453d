/**
 * The broker a run talks to, in one shape for every verb (compare, mirror, diagnose, fleet) and
 * every report. Credentials are not part of it: they travel apart (and are masked apart).
 */
export interface BrokerTarget {
  /** Host name or IP address, as the module is given it in AT+ECMTOPEN. */
  host: string;
  /** TCP port. */
  port: number;
  /** mqtts:// (TLS). */
  tls: boolean;
  /** CA certificate (PEM) for TLS. Default: the system's. */
  ca?: string | Buffer;
  /** Accept a server certificate that does not verify (as a module without a CA would). Default false. */
  insecure?: boolean;
}

/** What a report says about the broker: where, and whether TLS (never the CA or its settings). */
export type BrokerAddress = Pick<BrokerTarget, 'host' | 'port' | 'tls'>;
