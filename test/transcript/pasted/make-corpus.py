#!/usr/bin/env python3
"""
Writes the pasted-log corpus (test/transcript/pasted/): the clean twins, then each variant as a
person would paste it (notes after module lines, line numbers, junk, other line ends and
encodings, cat1's own output), each with a side file saying what it represents and what a
decode must find. Everything here is written for this corpus by hand: no third-party log.

The expected values (items by type, first failure, notes) are written below by hand; the
variants' extra items (notes, garbage) follow from what each variant adds. Nothing is computed
by cat1 — except the text of the "cat1 output" variants, which IS cat1's output (that is the
point: people paste it back), rendered from the twin by `cat1 decode` (run `npm run build`
first). Run from the repository root: python3 test/transcript/pasted/make-corpus.py
"""
import json
import os
import subprocess

ROOT = os.path.dirname(os.path.abspath(__file__))
TWINS = os.path.join(ROOT, 'twins')
VARIANTS = os.path.join(ROOT, 'variants')

# ---------------------------------------------------------------------------------------------
# The clean twins: a log as the module and host wrote it, and what a decode must find in it.
# items: role/type → count (TimelineItem role and event type), written by hand.

TWIN = {
    'conn-refused': {
        'what': 'open, then a connect the broker refuses (CONNACK 5), then the link drops',
        'lines': [
            'AT+ECMTCFG="keepalive",0,120',
            'OK',
            'AT+ECMTOPEN=0,"broker.example.com",1883',
            'OK',
            '+ECMTOPEN: 0,0',
            'AT+ECMTCONN=0,"dev-01","user1","pw-123456"',
            'OK',
            '+ECMTCONN: 0,0,5',
            '+ECMTSTAT: 0,1',
        ],
        'items': {'command/command': 3, 'final/ok': 3, 'urc/ecmt-open': 1, 'urc/ecmt-conn': 1, 'urc/ecmt-stat': 1},
        'firstFailure': '+ECMTCONN: 0,0,5',
    },
    'tls-retry': {
        'what': 'the EC626 TLS pattern: +ECMTCONN: 0,2,2 then +ECMTCONN: 0,0,0, then a subscribe',
        'lines': [
            'AT+ECMTOPEN=0,"tls.example.com",8883',
            'OK',
            '+ECMTOPEN: 0,0',
            'AT+ECMTCONN=0,"dev-02","u2","pw-222222"',
            'OK',
            '+ECMTCONN: 0,2,2',
            '+ECMTCONN: 0,0,0',
            'AT+ECMTSUB=0,1,"dev/02/down",1',
            'OK',
            '+ECMTSUB: 0,1,0,1',
        ],
        'items': {'command/command': 3, 'final/ok': 3, 'urc/ecmt-open': 1, 'urc/ecmt-conn': 2, 'urc/ecmt-sub': 1},
        'firstFailure': '+ECMTCONN: 0,2,2',
        'connectRetried': True,
    },
    'pub-recv': {
        'what': 'a publish acknowledged, a downlink message, the link drops (no failure)',
        'lines': [
            'AT+ECMTPUB=0,5,1,0,"dev/03/up","hello"',
            'OK',
            '+ECMTPUB: 0,5,0',
            '+ECMTRECV: 0,0,"dev/03/down",on',
            '+ECMTSTAT: 0,1',
        ],
        'items': {'command/command': 1, 'final/ok': 1, 'urc/ecmt-pub': 1, 'urc/ecmt-recv': 1, 'urc/ecmt-stat': 1},
        'firstFailure': None,
    },
    'error-final': {
        'what': 'registration and signal queries, then a subscribe answered ERROR',
        'lines': [
            'AT+CEREG?',
            '+CEREG: 0,1',
            'OK',
            'AT+CSQ',
            '+CSQ: 24,99',
            'OK',
            'AT+ECMTSUB=0,2,"dev/04/#",2',
            'ERROR',
        ],
        'items': {'command/command': 3, 'answer/reg': 1, 'answer/csq': 1, 'final/ok': 2, 'final/error': 1},
        'firstFailure': 'ERROR',
    },
    'module-only': {
        'what': "only the module's side (copied from a monitor window): open, bad credentials, retry",
        'lines': [
            '+ECMTOPEN: 0,0',
            '+ECMTCONN: 0,0,4',
            '+ECMTSTAT: 0,1',
            '+ECMTCONN: 0,0,4',
        ],
        'items': {'urc/ecmt-open': 1, 'urc/ecmt-conn': 2, 'urc/ecmt-stat': 1},
        'firstFailure': '+ECMTCONN: 0,0,4',
    },
    'single-urc': {
        'what': 'one line: the session ended by itself',
        'lines': ['+ECMTDISC: 0,0'],
        'items': {'urc/ecmt-disc': 1},
        'firstFailure': '+ECMTDISC: 0,0',
    },
    'single-command': {
        'what': 'one line: a command, nothing else',
        'lines': ['AT+CGATT?'],
        'items': {'command/command': 1},
        'firstFailure': None,
    },
    'pasted-commands': {
        'what': 'commands copied from a Word/PDF manual: typographic quotes, full-width comma and letters, a near-miss name, a missing "=", a zero-width space',
        'lines': [
            'AT+ECMTOPEN=0,“broker.example.com”，1883',
            'ERROR',
            'AT+ECMTCON=0,"dev-07","u7","pw-777777"',
            'ERROR',
            'AT+ECMTOPEN0,"broker.example.com",1883',
            'ERROR',
            'AT+ECMTCFG=“keepalive”,0,120',
            'ERROR',
            'ＡＴ+CSQ',
            'ERROR',
            'AT+ECMTSUB=0,1,"dev/07/\u200bdown",1',
            'OK',
            '+ECMTSUB: 0,1,0,1',
        ],
        'items': {'command/command': 6, 'final/error': 5, 'final/ok': 1, 'urc/ecmt-sub': 1},
        'firstFailure': 'ERROR',
        # per command, in order: the mistakes found and the corrected line (secrets masked)
        'paste': [
            {'codes': ['typographic-quote', 'full-width'], 'corrected': 'AT+ECMTOPEN=0,"broker.example.com",1883'},
            {'codes': ['near-miss'], 'corrected': 'AT+ECMTCONN=0,"dev-07","**","*********"'},
            {'codes': ['missing-equals'], 'corrected': 'AT+ECMTOPEN=0,"broker.example.com",1883'},
            {'codes': ['typographic-quote'], 'corrected': 'AT+ECMTCFG="keepalive",0,120'},
            {'codes': ['full-width'], 'corrected': 'AT+CSQ'},
            {'codes': ['invisible-space'], 'corrected': 'AT+ECMTSUB=0,1,"dev/07/down",1'},
        ],
    },
}

# Notes people write after module lines: line index → (separator, note). By hand.
NOTES = {
    'conn-refused': {1: ('  ', '← 成功'), 3: ('   ', '// ok'), 4: (' ', '(链路建立)'), 6: (' ', '<-- ok'), 7: ('  ', '← 认证失败'), 8: ('   ', '# 掉线了')},
    'tls-retry': {2: ('  ', '→ TLS up'), 5: ('  ', '// MQTT连接失败'), 6: ('', '（重连成功）'), 9: (' ', ';; granted qos 1')},
    'pub-recv': {1: (' ', '-- accepted'), 2: ('  ', '<- puback'), 4: (' ', '(掉线)')},
    'error-final': {1: ('  ', '注册成功'), 2: (' ', '<-- ok'), 4: ('   ', 'signal ok'), 7: ('  ', '← 订阅失败')},
    'module-only': {0: ('  ', '// link up'), 1: ('  ', '← 用户名或密码错误'), 2: (' ', '(掉线)'), 3: (' ', '→ again')},
    'single-urc': {0: ('  ', '// 会话结束')},
    'single-command': {},
    'pasted-commands': {1: ('  ', '← 引号是中文的'), 3: ('   ', '// why?'), 5: ('  ', '#  no equals'), 9: (' ', '(全角)')},
}

EOL = {'lf': '\n', 'crlf': '\r\n', 'cr': '\r'}

GARBAGE_START = bytes([0xFF, 0x00, 0x80, 0xFF, 0xFE, 0x00, 0x80, 0xFF])  # 8 bytes of power-up noise


def burst():
    """2 KB of wrong-baud-rate junk: bytes a UART shows at the wrong speed, two line breaks inside (2046 junk bytes)."""
    alphabet = [0x00, 0x80, 0xC0, 0xE0, 0xF0, 0xF8, 0xFC, 0xFE, 0xFF]
    out = bytearray()
    seed = 7
    for i in range(2048):
        if i in (700, 1400):
            out.append(0x0A)
            continue
        if i in (0, 701, 1401):
            out.append(0x00)
            continue
        seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
        out.append(alphabet[seed % len(alphabet)])
    return bytes(out)


def annotate(name, lines):
    notes = NOTES[name]
    out = []
    for i, l in enumerate(lines):
        if i in notes:
            sep, n = notes[i]
            out.append(l + sep + n)
        else:
            out.append(l)
    return out, [notes[i][1] for i in sorted(notes)]


def join(lines, eol, final=True):
    if eol == 'mixed':
        seps = ['\r\n', '\n', '\r']
        s = ''
        for i, l in enumerate(lines):
            s += l + seps[i % 3]
        return s
    s = EOL[eol].join(lines)
    return s + EOL[eol] if final else s


def is_tx(l):
    return l[:2].upper() == 'AT' or l.startswith('ＡＴ')


def cat1_decode(name):
    path = os.path.join(TWINS, name + '.log')
    env = dict(os.environ, NO_COLOR='1', CAT1_LANG='en')
    r = subprocess.run(['node', 'dist/cli/main.js', 'decode', path, '--lang', 'en'], capture_output=True, env=env, check=True)
    return r.stdout.decode('utf8')


VARIANT_LIST = []


def variant(vid, twin, what, data, *, encoding='utf8', eol='lf', notes=(), note_items=(), garbage=()):
    VARIANT_LIST.append((vid, twin, what, data, encoding, eol, list(notes), list(note_items), list(garbage)))


def text(s, encoding='utf8', bom=False):
    b = s.encode('gbk' if encoding == 'gbk' else 'utf8')
    return (b'\xef\xbb\xbf' if bom else b'') + b


def build():
    T = {k: v['lines'] for k, v in TWIN.items()}

    # ---- conn-refused ----
    a, n = annotate('conn-refused', T['conn-refused'])
    variant('v01', 'conn-refused', 'notes after module lines (arrows, //, #, <--, parentheses)', text(join(a, 'lf')), notes=n)
    variant('v02', 'conn-refused', 'the same notes, saved as GBK with CRLF (SSCOM on Chinese Windows)', text(join(a, 'crlf'), 'gbk'), encoding='gbk', eol='crlf', notes=n)
    variant('v03', 'conn-refused', 'line numbers "1  AT…" from an editor, CR-only line ends', text(join([f'{i + 1}  {l}' for i, l in enumerate(T['conn-refused'])], 'cr')), eol='cr')
    variant('v04', 'conn-refused', 'an editor gutter "12| …" starting at line 12, with notes, CRLF', text(join([f'{i + 12}| {l}' for i, l in enumerate(a)], 'crlf')), eol='crlf', notes=n)
    variant('v05', 'conn-refused', '8 bytes of power-up noise on a line before the log', GARBAGE_START + b'\n' + text(join(T['conn-refused'], 'lf')), garbage=[{'bytes': 8, 'diagnosis': 'power-up'}])
    mid = T['conn-refused']
    variant('v06', 'conn-refused', 'a 2 KB wrong-baud-rate burst in the middle, mixed line ends', text(join(mid[:4], 'mixed')) + burst() + b'\r\n' + text(join(mid[4:], 'mixed')), eol='mixed', garbage=[{'bytes': 2046, 'diagnosis': 'baud-rate'}])
    variant('v07', 'conn-refused', "cat1 decode's own text output, pasted back", text(cat1_decode('conn-refused')))
    st = []
    for i, l in enumerate(a):
        st.append(f'[10:00:{i // 10:02d}.{(i % 10) * 100:03d}] {"TX" if is_tx(l) else "RX"}: {l}')
    variant('v08', 'conn-refused', 'time stamps and TX:/RX: markers from a terminal, with notes, CRLF', text(join(st, 'crlf')), eol='crlf', notes=n)
    g = [GARBAGE_START.decode('latin1')]
    variant('v43', 'conn-refused', 'power-up noise on the same line as the first command', GARBAGE_START + text(join(T['conn-refused'], 'lf')), garbage=[{'bytes': 8, 'diagnosis': 'power-up'}])
    # SSCOM with time stamps: one display line per received chunk and SSCOM's empty line after a
    # chunk whose data ended with CR LF; here three module lines arrive in two chunks each (cut
    # inside OK, after a comma, inside the keyword). Written by hand, in SSCOM's layout.
    sscom = [
        '[10:00:00.000]发→◇AT+ECMTCFG="keepalive",0,120', '□',
        '[10:00:00.012]收←◆', 'O',
        '[10:00:00.025]收←◆K', '',
        '[10:00:01.000]发→◇AT+ECMTOPEN=0,"broker.example.com",1883', '□',
        '[10:00:01.015]收←◆', 'OK', '',
        '[10:00:02.400]收←◆', '+ECMTOPEN: 0,',
        '[10:00:02.412]收←◆0', '',
        '[10:00:03.000]发→◇AT+ECMTCONN=0,"dev-01","user1","pw-123456"', '□',
        '[10:00:03.020]收←◆', 'OK', '',
        '[10:00:04.100]收←◆', '+ECMTCO',
        '[10:00:04.111]收←◆NN: 0,0,5', '',
        '[10:00:05.000]收←◆', '+ECMTSTAT: 0,1', '', '',
    ]
    variant('v44', 'conn-refused', "an SSCOM capture whose module lines came in two chunks each (SSCOM's packet timeout): OK, +ECMTOPEN after its comma, +ECMTCONN inside its keyword", text('\r\n'.join(sscom)), eol='crlf')

    # ---- tls-retry ----
    a, n = annotate('tls-retry', T['tls-retry'])
    variant('v09', 'tls-retry', 'notes after module lines (→, //, full-width parentheses, ;;)', text(join(a, 'lf')), notes=n)
    variant('v10', 'tls-retry', 'the same notes in GBK with CR-only line ends', text(join(a, 'cr'), 'gbk'), encoding='gbk', eol='cr', notes=n)
    variant('v11', 'tls-retry', 'zero-padded line numbers "0012  OK"', text(join([f'{i + 12:04d}  {l}' for i, l in enumerate(T['tls-retry'])], 'lf')))
    st = [f'[2026-12-01 10:00:00.{i * 100:03d}] {l}' for i, l in enumerate(a)]
    variant('v12', 'tls-retry', 'date-time stamps 0.1 s apart (the retry within a second), notes', text(join(st, 'lf')), notes=n)
    dec = cat1_decode('tls-retry').split('\n')
    mon = ['wall clock       since  dir  line, meaning']
    for i, l in enumerate(dec):
        if l == '':
            break
        mon.append(f'10:00:{i:02d}.000 {l}' if not l.startswith(' ' * 13) or '│' not in l else ' ' * 13 + l)
    variant('v13', 'tls-retry', "cat1 monitor's text output (a wall-clock column), pasted back", text(join(mon, 'lf')))
    col = [(l if is_tx(l) else f'\x1b[36m{l}\x1b[0m') for l in a]
    variant('v14', 'tls-retry', 'ANSI colour codes from a terminal copy, notes, CRLF', text(join(col, 'crlf')), eol='crlf', notes=n)

    # ---- pub-recv ----
    a, n = annotate('pub-recv', T['pub-recv'])
    variant('v15', 'pub-recv', 'notes after module lines (--, <-, parentheses); the +ECMTRECV line untouched', text(join(a, 'lf')), notes=n)
    variant('v16', 'pub-recv', 'line numbers "   1: …", CRLF', text(join([f'{i + 1:>4}: {l}' for i, l in enumerate(T['pub-recv'])], 'crlf')), eol='crlf')
    lines = ['# publish, then wait for the downlink', 'AT+ECMTPUB=0,5,1,0,"dev/03/up","hello"    // publish', *T['pub-recv'][1:3], '// the downlink:', *T['pub-recv'][3:]]
    variant('v17', 'pub-recv', 'whole-line # and // comments and a comment after the command', text(join(lines, 'lf')), note_items=['# publish, then wait for the downlink', '// publish', '// the downlink:'])
    variant('v18', 'pub-recv', 'a UTF-8 BOM, CRLF, notes', text(join(a, 'crlf'), bom=True), eol='crlf', notes=n)
    variant('v19', 'pub-recv', 'CR-only line ends, notes', text(join(a, 'cr')), eol='cr', notes=n)
    variant('v20', 'pub-recv', "cat1 decode's own text output, pasted back", text(cat1_decode('pub-recv')))

    # ---- error-final ----
    a, n = annotate('error-final', T['error-final'])
    variant('v21', 'error-final', 'notes after answers and finals (two spaces, <--, ←)', text(join(a, 'lf')), notes=n)
    variant('v22', 'error-final', 'the same notes in GBK, CRLF', text(join(a, 'crlf'), 'gbk'), encoding='gbk', eol='crlf', notes=n)
    variant('v23', 'error-final', 'an editor gutter "  1 │ …"', text(join([f'{i + 1:>3} │ {l}' for i, l in enumerate(T['error-final'])], 'lf')))
    ef = T['error-final']
    variant('v24', 'error-final', 'a 2 KB wrong-baud-rate burst between two commands', text(join(ef[:3], 'lf')) + burst() + b'\n' + text(join(ef[3:], 'lf')), garbage=[{'bytes': 2046, 'diagnosis': 'baud-rate'}])
    variant('v25', 'error-final', 'mixed CRLF / LF / CR line ends, notes', text(join(a, 'mixed')), eol='mixed', notes=n)
    # SSCOM in GBK (as it saves on Chinese Windows), answers cut by its packet timeout: the +CSQ
    # answer inside its numbers, ERROR inside the word. Written by hand, in SSCOM's layout.
    sscom = [
        '[09:00:00.000]发→◇AT+CEREG?', '□',
        '[09:00:00.020]收←◆', '+CEREG: 0,1', '', 'OK', '',
        '[09:00:01.000]发→◇AT+CSQ', '□',
        '[09:00:01.018]收←◆', '+CSQ: 2',
        '[09:00:01.030]收←◆4,99', '', 'OK', '',
        '[09:00:02.000]发→◇AT+ECMTSUB=0,2,"dev/04/#",2', '□',
        '[09:00:02.040]收←◆', 'ERR',
        '[09:00:02.052]收←◆OR', '', '',
    ]
    variant('v45', 'error-final', 'an SSCOM capture saved in GBK whose +CSQ answer and ERROR came in two chunks each', text('\r\n'.join(sscom), 'gbk'), encoding='gbk', eol='crlf')

    # ---- module-only ----
    a, n = annotate('module-only', T['module-only'])
    variant('v26', 'module-only', "only the module's side, with notes", text(join(a, 'lf')), notes=n)
    variant('v27', 'module-only', "only the module's side, notes, GBK, CR-only", text(join(a, 'cr'), 'gbk'), encoding='gbk', eol='cr', notes=n)
    variant('v28', 'module-only', 'an editor gutter "12| …"', text(join([f'{i + 12}| {l}' for i, l in enumerate(T['module-only'])], 'lf')))
    variant('v29', 'module-only', 'power-up noise, then the module side, CRLF', GARBAGE_START + b'\r\n' + text(join(T['module-only'], 'crlf')), eol='crlf', garbage=[{'bytes': 8, 'diagnosis': 'power-up'}])
    variant('v30', 'module-only', 'RX: markers on every line', text(join([f'RX: {l}' for l in a], 'lf')), notes=n)
    variant('v31', 'module-only', "cat1 decode's own text output, pasted back", text(cat1_decode('module-only')))

    # ---- single-urc ----
    a, n = annotate('single-urc', T['single-urc'])
    variant('v32', 'single-urc', 'one annotated line, no line end at all', text(join(a, 'lf', final=False)), notes=n)
    variant('v33', 'single-urc', 'one line with a UTF-8 BOM and CRLF', text(join(T['single-urc'], 'crlf'), bom=True), eol='crlf')
    variant('v34', 'single-urc', 'one annotated line in GBK, CR', text(join(a, 'cr'), 'gbk'), encoding='gbk', eol='cr', notes=n)

    # ---- single-command ----
    variant('v35', 'single-command', 'one command with a UTF-8 BOM, no line end', text('AT+CGATT?', bom=True))
    variant('v36', 'single-command', 'one command with an editor gutter "1| "', text('1| AT+CGATT?\n'))
    variant('v37', 'single-command', 'one command with a comment after it', text('AT+CGATT?    // attached?\n'), note_items=['// attached?'])

    # ---- pasted-commands ----
    a, n = annotate('pasted-commands', T['pasted-commands'])
    variant('v38', 'pasted-commands', 'commands copied from a manual, notes after the answers', text(join(a, 'lf')), notes=n)
    variant('v39', 'pasted-commands', 'the same with line numbers "1  …", CRLF', text(join([f'{i + 1}  {l}' for i, l in enumerate(T['pasted-commands'])], 'crlf')), eol='crlf')
    variant('v40', 'pasted-commands', 'the same with notes, CR-only', text(join(a, 'cr')), eol='cr', notes=n)
    variant('v41', 'pasted-commands', "cat1 decode's own text output (with its copy-paste findings), pasted back", text(cat1_decode('pasted-commands')))
    col = ['# from the manual, section 3'] + [(l if is_tx(l) else f'\x1b[1;31m{l}\x1b[0m') for l in T['pasted-commands']]
    variant('v42', 'pasted-commands', 'a whole-line comment and ANSI colour codes', text(join(col, 'lf')), note_items=['# from the manual, section 3'])


def main():
    os.makedirs(TWINS, exist_ok=True)
    os.makedirs(VARIANTS, exist_ok=True)
    for name, t in TWIN.items():
        with open(os.path.join(TWINS, name + '.log'), 'wb') as f:
            f.write(('\n'.join(t['lines']) + '\n').encode('utf8'))
        side = {k: v for k, v in t.items() if k != 'lines'}
        with open(os.path.join(TWINS, name + '.json'), 'w', encoding='utf8') as f:
            json.dump(side, f, ensure_ascii=False, indent=2)
            f.write('\n')
    build()
    for vid, twin, what, data, encoding, eol, notes, note_items, garbage in VARIANT_LIST:
        with open(os.path.join(VARIANTS, f'{vid}-{twin}.log'), 'wb') as f:
            f.write(data)
        extra = {}
        if note_items:
            extra['note/note'] = len(note_items)
        if garbage:
            extra['garbage/garbage'] = len(garbage)
        side = {
            'what': what,
            'twin': twin,
            'encoding': encoding,
            'eol': eol,
            'firstFailure': TWIN[twin]['firstFailure'],
            'notes': notes,
            'noteItems': note_items,
            'garbage': garbage,
            'extraItems': extra,
        }
        with open(os.path.join(VARIANTS, f'{vid}-{twin}.json'), 'w', encoding='utf8') as f:
            json.dump(side, f, ensure_ascii=False, indent=2)
            f.write('\n')
    print(f'{len(TWIN)} twins, {len(VARIANT_LIST)} variants')


main()
