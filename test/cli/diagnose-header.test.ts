/**
 * The diagnose header names only what is known before the first stage: the firmware profile is the
 * ECMT dialect's; a QMT module's limits come from its model; with --dialect auto the dialect is not
 * known yet (it was "profile ec616s" for a Quectel module, a profile it never had).
 */
import { describe, expect, it } from 'vitest';
import { headerProfile } from '../../src/cli/commands/diagnose-run.js';

describe('diagnose header: the profile it names', () => {
  it('--dialect ecmt: the firmware profile', () => {
    expect(headerProfile('ecmt', 'ec616s', undefined)).toEqual({ en: 'profile ec616s', zh: '固件配置 ec616s' });
  });
  it('--dialect qmt: the model from --model, never the ECMT profile', () => {
    expect(headerProfile('qmt', 'ec616s', 'EC800N')).toEqual({ en: 'Quectel QMT, model EC800N', zh: 'Quectel QMT，型号 EC800N' });
    expect(headerProfile('qmt', 'ec616s', undefined)).toEqual({ en: "Quectel QMT, model from the module's answers", zh: 'Quectel QMT，型号由模组的应答判断' });
  });
  it('--dialect auto: the dialect is still to be read; the profile is worded as conditional', () => {
    const h = headerProfile('auto', 'ec618', undefined);
    expect(h.en).toBe("dialect from the module's answers; profile ec618 if Eigencomm ECMT");
    expect(h.zh).toBe('指令集由模组的应答判断；若为 Eigencomm ECMT，固件配置 ec618');
  });
});
