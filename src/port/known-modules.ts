import { text } from '../util/i18n.js';
import type { KnownModule } from './list-types.js';

/**
 * USB modules whose VID:PID is documented publicly. Only confirmed facts: a module not in
 * this table is not guessed at.
 */
export const KNOWN_MODULES: readonly KnownModule[] = [
  {
    vid: '19d1',
    pid: '0001',
    name: 'AirM2M Air780E',
    chip: 'Eigencomm EC618',
    eigencomm: true,
    atInterfaces: [3],
    note: text('Eigencomm-based? (the VID:PID an Air780E reports); the firmware decides the AT dialect', 'Eigencomm（移芯）方案？（Air780E 报告的 VID:PID）；AT 指令集取决于固件'),
    source: 'device descriptor in github.com/espressif/esp-iot-solution issue #496; AT interface 3 from its iot_usbh_modem Kconfig',
  },
  {
    vid: '17d1',
    pid: '0001',
    name: 'Eigencomm download port',
    chip: 'Eigencomm',
    eigencomm: true,
    note: text('Eigencomm chip in download (flashing) mode: no AT here; power-cycle the module without holding BOOT', 'Eigencomm 芯片处于下载（烧录）模式：这里不响应 AT；不按 BOOT 键重新上电'),
    source: 'README of the ectool flasher for EigenComm modules (auto-detects the download port 17D1:0001)',
  },
  {
    vid: '1782',
    pid: '4e00',
    name: 'Luat Air72*U',
    chip: 'UNISOC UIS8910',
    eigencomm: false,
    note: text('UNISOC-based, not Eigencomm: ECMT commands are unlikely', '紫光展锐方案，不是 Eigencomm：大概率不支持 ECMT 指令'),
    source: 'Linux drivers/usb/serial/option.c (LUAT_PRODUCT_AIR720U)',
  },
  {
    vid: '2c7c',
    pid: '6002',
    name: 'Quectel EC200S-CN',
    chip: 'Quectel',
    eigencomm: false,
    note: text('Quectel module: speaks AT+QMT*, not ECMT', '移远模组：使用 AT+QMT*，不是 ECMT'),
    source: 'Linux drivers/usb/serial/option.c (QUECTEL_PRODUCT_EC200S_CN)',
  },
  {
    vid: '2c7c',
    pid: '6005',
    name: 'Quectel EC200A',
    chip: 'Quectel',
    eigencomm: false,
    note: text('Quectel module: speaks AT+QMT*, not ECMT', '移远模组：使用 AT+QMT*，不是 ECMT'),
    source: 'Linux drivers/usb/serial/option.c (QUECTEL_PRODUCT_EC200A)',
  },
  {
    vid: '2c7c',
    pid: '6026',
    name: 'Quectel EC200T',
    chip: 'Quectel',
    eigencomm: false,
    note: text('Quectel module: speaks AT+QMT*, not ECMT', '移远模组：使用 AT+QMT*，不是 ECMT'),
    source: 'Linux drivers/usb/serial/option.c (QUECTEL_PRODUCT_EC200T)',
  },
  {
    vid: '2c7c',
    pid: '0901',
    name: 'Quectel EC200U',
    chip: 'UNISOC',
    eigencomm: false,
    note: text('Quectel module: speaks AT+QMT*, not ECMT', '移远模组：使用 AT+QMT*，不是 ECMT'),
    source: 'Linux drivers/usb/serial/option.c (QUECTEL_PRODUCT_EC200U)',
  },
  {
    vid: '2dee',
    pid: '4d41',
    name: 'MeiG SLM320',
    chip: 'UNISOC UIS8910',
    eigencomm: false,
    note: text('UNISOC-based, not Eigencomm: ECMT commands are unlikely', '紫光展锐方案，不是 Eigencomm：大概率不支持 ECMT 指令'),
    source: 'Linux drivers/usb/serial/option.c (MEIGSMART_PRODUCT_SLM320)',
  },
  {
    vid: '1e0e',
    pid: '9011',
    name: 'SIMCom A7670E',
    chip: 'SIMCom',
    eigencomm: false,
    atInterfaces: [4, 5],
    note: text('SIMCom module, not Eigencomm: ECMT commands are unlikely', '芯讯通模组，不是 Eigencomm：大概率不支持 ECMT 指令'),
    source: 'espressif esp_modem ESP_MODEM_A7670_USB_CONFIG (interfaces 4 and 5)',
  },
];

/** The known module with this VID:PID, if any. */
export function knownModule(vid: string | undefined, pid: string | undefined): KnownModule | undefined {
  if (!vid || !pid) return undefined;
  const v = vid.toLowerCase();
  const p = pid.toLowerCase();
  return KNOWN_MODULES.find((m) => m.vid === v && m.pid === p);
}

/** Programs that open modem ports by themselves. */
export const PORT_GRABBERS: readonly string[] = ['ModemManager', 'gpsd'];
