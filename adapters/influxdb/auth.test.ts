// v1 authentication against InfluxDB 1.6.7 with auth-enabled: basic auth from username +
// password_file works for write and read; a wrong password is a retryable setup error
// (INFLUX_AUTH), never a data rejection.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RetryableError } from '../../src/adapter.js';
import { bitsOf, makeBatch, readAll } from '../../test/contract/adapter-contract.js';
import { startInfluxDB, type InfluxServer } from '../../test/harness/influxdb.js';
import { tempDir } from '../../test/harness/process.js';
import { signal, startTestAdapter } from './test-support.js';

const admin = { username: 'promgate', password: "p@ss w'rd" };
let server: InfluxServer | undefined;
const dir = tempDir('influx-auth');
before(async () => {
  server = await startInfluxDB({ admin });
  await server.createDatabase('secure');
});
after(async () => {
  await server?.destroy();
  dir.remove();
});

describe('InfluxDB authentication', () => {
  it('writes and reads with username + password_file', async () => {
    const file = join(dir.path, 'pw');
    writeFileSync(file, `${admin.password}\n`);
    const adapter = await startTestAdapter({
      url: server!.url,
      database: 'secure',
      username: admin.username,
      password_file: file,
    });
    try {
      const batch = makeBatch([
        { labels: { __name__: 'auth_metric' }, samples: [[1_700_000_000_000, bitsOf(1)]] },
      ]);
      assert.deepEqual(await adapter.write(batch, signal()), { written: 1, rejected: [] });
      const got = await readAll(adapter, [{ type: 'EQ', name: '__name__', value: 'auth_metric' }]);
      assert.equal(got.size, 1);
    } finally {
      await adapter.close();
    }
  });

  it('a wrong password is retryable INFLUX_AUTH', async () => {
    const adapter = await startTestAdapter({
      url: server!.url,
      database: 'secure',
      username: admin.username,
      password: 'wrong',
    });
    try {
      const batch = makeBatch([
        { labels: { __name__: 'auth_metric' }, samples: [[1_700_000_000_000, bitsOf(2)]] },
      ]);
      await assert.rejects(adapter.write(batch, signal()), (err) => {
        assert.ok(err instanceof RetryableError, String(err));
        assert.equal(err.code, 'INFLUX_AUTH');
        return true;
      });
    } finally {
      await adapter.close();
    }
  });

  it('an unreadable password_file fails start() with a message naming the key', async () => {
    await assert.rejects(
      startTestAdapter({ url: server!.url, username: 'u', password_file: join(dir.path, 'missing') }),
      /password_file: cannot read/,
    );
  });
});
