import { createHmac } from 'node:crypto';

/**
 * The MQTT credentials a module computes itself from `AT+ECMTCFG="aliauth",0,"<pk>","<dn>","<ds>"`
 * (Aliyun IoT "one device, one secret", the sign scheme of Aliyun's device SDK):
 *
 *   client ID  `<pk>.<dn>|securemode=3,signmethod=hmacsha1,timestamp=<ts>|`
 *   user name  `<dn>&<pk>`
 *   password   hex(HMAC-SHA1(key = <ds>, "clientId<pk>.<dn>deviceName<dn>productKey<pk>timestamp<ts>"))
 *
 * Simplifications (documented in README.md): the sign method is always hmacsha1, securemode 3
 * (plain TCP; 2 would be TLS), the timestamp is the fixed value Aliyun's SDK samples use
 * (2524608000000) so the output is reproducible, and the optional aliauth parameters after the
 * device secret (product name/secret, auth type, sign method, instance ID, dynamic register)
 * are accepted and ignored. The vendor firmware's exact choices are not published.
 */
export interface AliAuth {
  productKey: string;
  deviceName: string;
  deviceSecret: string;
}

export const ALIYUN_TIMESTAMP = '2524608000000';

export function aliyunCredentials(a: AliAuth, timestamp = ALIYUN_TIMESTAMP): { clientId: string; username: string; password: string } {
  const id = `${a.productKey}.${a.deviceName}`;
  const content = `clientId${id}deviceName${a.deviceName}productKey${a.productKey}timestamp${timestamp}`;
  const password = createHmac('sha1', a.deviceSecret).update(content).digest('hex');
  return {
    clientId: `${id}|securemode=3,signmethod=hmacsha1,timestamp=${timestamp}|`,
    username: `${a.deviceName}&${a.productKey}`,
    password,
  };
}
