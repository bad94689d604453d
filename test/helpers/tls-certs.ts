import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Test certificates made with `openssl` in the test's own directory: a CA and a server
 * certificate for localhost / 127.0.0.1 signed by it (EC P-256, small). Tests skip with
 * `opensslMissing()` naming openssl when it is not installed.
 */

/** A reason to skip, or null when openssl runs. */
export function opensslMissing(): string | null {
  return spawnSync('openssl', ['version'], { stdio: 'ignore' }).error ? 'openssl is not installed (apt-get install openssl)' : null;
}

function sh(dir: string, args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
}

/** A CA `<name>-ca.pem` and a server certificate/key for localhost and 127.0.0.1, in `dir`; absolute paths. */
export function makeCerts(dir: string, name: string): { ca: string; cert: string; key: string } {
  sh(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}-ca.key`]);
  sh(dir, ['req', '-x509', '-new', '-key', `${name}-ca.key`, '-sha256', '-days', '2', '-subj', `/CN=${name} test CA`, '-out', `${name}-ca.pem`]);
  sh(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}-server.key`]);
  sh(dir, ['req', '-new', '-key', `${name}-server.key`, '-subj', '/CN=localhost', '-out', `${name}-server.csr`]);
  writeFileSync(join(dir, `${name}-ext.cnf`), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  sh(dir, ['x509', '-req', '-in', `${name}-server.csr`, '-CA', `${name}-ca.pem`, '-CAkey', `${name}-ca.key`, '-CAcreateserial', '-days', '2', '-sha256', '-extfile', `${name}-ext.cnf`, '-out', `${name}-server.pem`]);
  return { ca: join(dir, `${name}-ca.pem`), cert: join(dir, `${name}-server.pem`), key: join(dir, `${name}-server.key`) };
}
