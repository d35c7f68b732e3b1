// The HTTP surface: remote write and read (with the legacy adapter's /write and /read as
// aliases), metrics, and Prometheus-style /-/healthy and /-/ready.

import express, { type Request, type Response, type NextFunction } from 'express';
import type { WriteV1Decoder } from '../codec/write-v1.js';
import type { WriteV2Decoder } from '../codec/write-v2.js';
import type { WebConfig } from '../config/config.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { Backend } from '../pipeline/backend.js';
import { createErrorHandler } from './errors.js';
import { createReadHandler } from './read-handler.js';
import { createWriteHandler } from './write-handler.js';

export interface AppDeps {
  readonly web: WebConfig;
  readonly decoder: WriteV1Decoder;
  readonly decoderV2: WriteV2Decoder;
  readonly backends: readonly Backend[];
  readonly metrics: Metrics;
  readonly logger: Logger;
}

export function createApp(deps: AppDeps): express.Express {
  const { metrics, backends } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  const instrument = (handler: string) => (req: Request, res: Response, next: NextFunction) => {
    res.locals.handler = handler;
    const stop = metrics.requestDuration.startTimer({ handler });
    res.on('finish', () => {
      stop();
      metrics.requests.inc({ handler, code: String(res.statusCode) });
    });
    next();
  };

  const write = createWriteHandler(deps);
  const read = createReadHandler(deps);
  for (const path of ['/api/v1/write', '/write']) app.post(path, instrument('write'), write);
  for (const path of ['/api/v1/read', '/read']) app.post(path, instrument('read'), read);

  app.get(deps.web.telemetry_path, async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get('/-/healthy', (_req, res) => {
    res.type('text/plain').send('Promgate is Healthy.\n');
  });
  app.get('/-/ready', async (_req, res) => {
    const checks = await Promise.all(backends.map(async (b) => ({ name: b.name, health: await b.health() })));
    const down = checks.filter((c) => !c.health.ok);
    if (down.length === 0) {
      res.type('text/plain').send('Promgate is Ready.\n');
      return;
    }
    const lines = down.map((c) => `${c.name}: ${c.health.message ?? 'not ready'}`);
    res
      .status(503)
      .type('text/plain')
      .send(`Promgate is not ready.\n${lines.join('\n')}\n`);
  });
  for (const path of ['/api/v1/write', '/write', '/api/v1/read', '/read']) {
    app.all(path, (_req, res) => {
      res.status(405).set('Allow', 'POST').type('text/plain').send('only POST is allowed here\n');
    });
  }

  app.use(createErrorHandler(metrics, deps.logger));
  return app;
}
