import type { Stage } from '../types.js';
import { linkStage } from './link.js';
import { identityStage } from './identity.js';
import { simStage } from './sim.js';
import { signalStage } from './signal.js';
import { registrationStage } from './registration.js';
import { pdpStage } from './pdp.js';
import { dnsStage } from './dns.js';
import { pingStage } from './ping.js';
import { mqttStage } from './mqtt.js';
import { compareStage } from './compare.js';

/** The checklist, in the order a support engineer runs it by hand. */
export const STAGES: readonly Stage[] = [linkStage, identityStage, simStage, signalStage, registrationStage, pdpStage, dnsStage, pingStage, mqttStage, compareStage];

export { linkStage, identityStage, simStage, signalStage, registrationStage, pdpStage, dnsStage, pingStage, mqttStage, compareStage };
export { SIM_HINTS } from './sim.js';
export { REGISTRATION_HINTS } from './registration.js';
export { PDP_HINTS } from './pdp.js';
export { DNS_HINTS } from './dns.js';
export { WEAK_RSRP_DBM, WEAK_RSSI } from './signal.js';
