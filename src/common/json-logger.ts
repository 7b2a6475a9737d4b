import type { LoggerService } from '@nestjs/common';
import pino from 'pino';

type Level = 'error' | 'warn' | 'info' | 'debug';

/**
 * Structured JSON logs (pino) for the server. What is logged is chosen at the call sites:
 * never addresses, user agents, message bodies or full session IDs.
 */
export class JsonLogger implements LoggerService {
  private readonly pino: pino.Logger;

  constructor(level: Level) {
    this.pino = pino({
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    });
  }

  private write(level: pino.Level, message: unknown, params: unknown[]): void {
    const context = typeof params.at(-1) === 'string' ? (params.at(-1) as string) : undefined;
    this.pino[level]({ context }, String(message));
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }
}
