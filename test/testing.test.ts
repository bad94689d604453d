// The README example for device makers, against the published entry point (built dist/).
import { expect, test } from 'vitest';
import { openReplay } from 'cat1-bridge/testing';

test('a recorded connect sequence replays through the published testing entry point', async () => {
  const { engine, done } = await openReplay('hardware-fixtures/ga7-stm32-session.jsonl');
  expect((await engine.send('AT+ECMTCFG="keepalive",0,60')).status).toBe('ok');
  expect((await engine.send('AT+ECMTOPEN=0,"192.0.2.10",1883')).status).toBe('ok');
  expect((await engine.send('AT+ECMTCONN=0,"Hardware_Client"')).status).toBe('ok');
  expect((await engine.send('AT+ECMTSUB=0,1,"/Pc_Control",2')).status).toBe('ok');
  await done();
});

test('a host that deviates from the recording fails with a diff', async () => {
  const { engine } = await openReplay('hardware-fixtures/ga7-stm32-session.jsonl');
  await expect(engine.send('AT+ECMTCFG="keepalive",0,120')).rejects.toMatchObject({ code: 'ERR_REPLAY_MISMATCH' });
});
