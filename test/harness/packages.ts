// Real backends are Debian packages. When one is missing the harness installs it (as root, as
// CI runs) or stops with the exact install line; it never skips a test.

import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let aptUpdated = false;

/**
 * Makes sure `binary` exists, installing the Debian `packages` when running as root.
 * Throws with the exact install line otherwise.
 */
export function ensureBinary(binary: string, packages: readonly string[]): string {
  if (existsSync(binary)) return binary;
  const line = `apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new Error(`${binary} is missing; install it with: sudo ${line}`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Test files run in parallel processes: wait for another one's apt run instead of failing.
  const lockWait = ['-o', 'DPkg::Lock::Timeout=300'];
  if (!aptUpdated) {
    execFileSync('apt-get', [...lockWait, 'update', '-qq'], { stdio: 'inherit', env });
    aptUpdated = true;
  }
  execFileSync('apt-get', [...lockWait, 'install', '-y', '-qq', '--no-install-recommends', ...packages], {
    stdio: 'inherit',
    env,
  });
  if (!existsSync(binary)) throw new Error(`${binary} still missing after: ${line}`);
  return binary;
}
