// Maps what a handler threw to the HTTP answer, in one place (style.md: Prometheus'
// status-code switch). Every refusal is counted by reason and the server keeps serving.

import type { NextFunction, Request, Response } from 'express';
import { PermanentError, RequestError, RetryableError } from '../errors.js';
import type { Logger } from '../log.js';
import { createRateLimitedLog } from '../log.js';
import type { Metrics } from '../metrics.js';

export function createErrorHandler(metrics: Metrics, logger: Logger) {
  const rateLimited = createRateLimitedLog(logger);
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const handler = (res.locals.handler as string | undefined) ?? 'other';
    let status: number;
    let message: string;
    let reason: string;
    const headers: Record<string, string> = {};
    if (err instanceof RequestError) {
      // Bad input or a limit: the request can never succeed as sent.
      status = err.status;
      message = err.message;
      reason = err.reason;
      if (status === 413) headers.Connection = 'close';
    } else if (err instanceof RetryableError) {
      // A backend is down or slow (reads): the client may try again.
      status = 503;
      message = err.message;
      reason = `backend_${err.code.toLowerCase()}`;
      headers['Retry-After'] = String(Math.max(1, Math.ceil((err.retryAfterMs ?? 1000) / 1000)));
    } else if (err instanceof PermanentError) {
      status = 500;
      message = err.message;
      reason = `backend_${err.code.toLowerCase()}`;
    } else {
      // A bug. Logged loudly; 500 makes Prometheus retry a write, so nothing is dropped.
      status = 500;
      message = 'internal error';
      reason = 'internal';
      logger.error('unhandled error', {
        handler,
        err: err instanceof Error ? (err.stack ?? err.message) : String(err),
      });
    }
    metrics.requestsRejected.inc({ handler, reason });
    rateLimited('warn', `${handler}:${reason}`, 'request refused', {
      handler,
      status,
      reason,
      err: message,
      user_agent: req.headers['user-agent'] ?? '',
    });
    if (res.headersSent) {
      // Too late for a status code: cut the connection so the client sees a failure.
      res.destroy();
      return;
    }
    res.status(status).set(headers).type('text/plain').send(`${message}\n`);
  };
}
