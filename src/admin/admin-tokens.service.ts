import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { SogsError } from '../common/sogs-error';
import { AdminTokensRepository, type AdminTokenInfo } from './admin-tokens.repository';

/** Token names: what an operator would call a key (`ops`, `grafana-2025`). */
export const ADMIN_TOKEN_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const PREFIX = 'tsogs_admin_';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * Admin API tokens: 256 random bits, shown once; only their SHA-256 is stored. Used by the
 * bearer guard and by `tsogs admin-token`, so a rotation or revocation applies at once.
 */
@Injectable()
export class AdminTokensService {
  constructor(
    private readonly tokens: AdminTokensRepository,
    private readonly clock: Clock,
  ) {}

  /** Creates a token; returns it (the only time it is visible). 409 when the name is taken. */
  async create(name: string): Promise<string> {
    checkName(name);
    const token = newToken();
    if (!(await this.tokens.create(name, sha256(token), this.clock.now()))) {
      throw new SogsError(409, 'TOKEN_EXISTS', `An admin token named '${name}' already exists`);
    }
    return token;
  }

  /** Replaces the named token with a new one, returned; the old one stops working at once. */
  async rotate(name: string): Promise<string> {
    checkName(name);
    const token = newToken();
    if (!(await this.tokens.replace(name, sha256(token), this.clock.now()))) throw notFound(name);
    return token;
  }

  async revoke(name: string): Promise<void> {
    if (!(await this.tokens.delete(name))) throw notFound(name);
  }

  list(): Promise<AdminTokenInfo[]> {
    return this.tokens.list();
  }

  /**
   * The name of the token presented, or null. Every stored hash is compared, each in constant
   * time, so the answer's timing says nothing about which one (or how much of one) matched.
   */
  async verify(token: string): Promise<string | null> {
    const presented = sha256(token);
    let match: string | null = null;
    for (const row of await this.tokens.hashes()) {
      if (timingSafeEqual(presented, row.token_hash) && match === null) match = row.name;
    }
    return match;
  }
}

function newToken(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

function checkName(name: string): void {
  if (!ADMIN_TOKEN_NAME.test(name)) {
    throw SogsError.badRequest('A token name is 1 to 64 letters, digits, ".", "_" or "-"');
  }
}

function notFound(name: string): SogsError {
  return new SogsError(404, 'TOKEN_NOT_FOUND', `No admin token named '${name}'`);
}
