/**
 * Typed events of the Quectel QMT dialect (../shared/protocol/qmt.md §2–§4). Pure data.
 *
 * Field names follow the reference: `idx` is `<client_idx>` (0–5; 0–4 on BC660K), `msgId` is
 * `<msgid>`, `result`, `retCode` (CONNACK), `errCode` (+QMTSTAT), `topic`, `payload`.
 * Every event keeps the exact text it was read from in `raw`.
 */

/**
 * How the end of a `+QMTRECV` payload was found (§3.1 "Framing that works"):
 * - `length`: the `<len>` field framed exactly `<len>` bytes, followed by `"` and CRLF;
 * - `frame`: the closing `"` before CRLF was followed by an empty line and a known frame start;
 * - `prefix`: … by a known frame start with no empty line between;
 * - `quiet`: … by no further byte for the quiet time;
 * - `eof`: … by the end of the input;
 * - `cut`: no closing `"` before CRLF was seen (the input ended or the bound was reached);
 * - `line`: read from one line alone (parseQmtLine, no framer): later lines may still belong to it.
 */
export type QmtPayloadEnd = 'length' | 'frame' | 'prefix' | 'quiet' | 'eof' | 'cut' | 'line';

export type QmtEvent =
  // ---- results of the two-phase commands (URCs after OK) ----
  | { type: 'qmt-open'; raw: string; idx: number; result: number }
  | { type: 'qmt-close'; raw: string; idx: number; result: number }
  | {
      type: 'qmt-conn';
      raw: string;
      idx: number;
      result: number;
      /** the CONNACK return code; null when the firmware printed none (older firmware, C [C-HIVE]) */
      retCode: number | null;
    }
  | { type: 'qmt-disc'; raw: string; idx: number; result: number }
  | {
      type: 'qmt-sub';
      raw: string;
      idx: number;
      msgId: number;
      result: number;
      /** result 0: granted QoS per filter (128 = refused); result 1: the retransmission count; [] when absent */
      values: number[];
    }
  | { type: 'qmt-uns'; raw: string; idx: number; msgId: number; result: number }
  | {
      type: 'qmt-pub';
      raw: string;
      idx: number;
      msgId: number;
      result: number;
      /** result 1: the retransmission count; null when absent */
      value: number | null;
      /** `+QMTPUBEX:` (ASR Cat-1 length form) or `+QMTPUB:` (every other publish, BGx inline QMTPUBEX included) */
      urc: 'QMTPUB' | 'QMTPUBEX';
    }
  // ---- unsolicited ----
  | { type: 'qmt-stat'; raw: string; idx: number; errCode: number }
  /** ASR/Unisoc Cat-1 only; the meaning of `<result>` is not published (C [SM-EC200][EG800AK]) */
  | { type: 'qmt-ping'; raw: string; idx: number; result: number }
  | {
      type: 'qmt-recv';
      /** the text the event was read from (header and payload, the payload decoded as UTF-8) */
      raw: string;
      idx: number;
      /** 0 for QoS 0, the packet identifier otherwise; any integer is accepted (§3.1) */
      msgId: number;
      topic: string;
      /** the `<len>` field when present (recv/mode length on), else null */
      length: number | null;
      /** the exact payload bytes between the quotes (inner quotes, CR and LF untouched) */
      payload: Buffer;
      /**
       * certain: the length field framed it, or the only `"`+CRLF in it was followed by a frame
       * start, a quiet time or the end of the input; inferred: a guess (several candidate ends,
       * a length that did not match, a cut, one line read alone).
       */
      boundary: 'certain' | 'inferred';
      endedBy: QmtPayloadEnd;
      /** the `<len>` field did not match the bytes (no `"` + CRLF after `<len>` bytes): framed by the quote rule instead */
      lengthMismatch: boolean;
      /** the payload came on the line after `…,"topic",<len>` (one EC200U driver's claim, C [C-PUMP]) */
      nextLine: boolean;
      /** bytes were dropped because the payload outgrew the bound */
      truncated: boolean;
    }
  /** form c: recv/mode 1, a message stored in buffer slot `recvId` (0–4) */
  | { type: 'qmt-recv-notice'; raw: string; idx: number; recvId: number }
  /** form d: answer to `AT+QMTRECV?`, one flag per slot (1 = a message waits) */
  | { type: 'qmt-recv-slots'; raw: string; idx: number; slots: number[] }
  // ---- read / test answers ----
  | { type: 'qmt-open-state'; raw: string; idx: number; host: string; port: number }
  | {
      type: 'qmt-conn-state';
      raw: string;
      idx: number;
      /** 1 initializing, 2 connecting, 3 connected, 4 disconnecting (§2 read forms) */
      state: number;
    }
  | {
      type: 'qmt-cfg';
      raw: string;
      /** the key as printed (lower-cased), or null when the firmware printed values only (BC660K AN) */
      key: string | null;
      /** the values after the key (unquoted; test form: ranges kept whole) */
      values: string[];
      form: 'query' | 'test';
    }
  | { type: 'qmt-test'; raw: string; command: string; ranges: string }
  /** `+QIACT: <cid>,<state>,<type>[,"<addr>"…]` — the PDP context check (§4) */
  | { type: 'qiact'; raw: string; cid: number; state: number; contextType: number; addresses: string[] };

export type QmtEventType = QmtEvent['type'];
export type QmtEventOf<T extends QmtEventType> = Extract<QmtEvent, { type: T }>;
