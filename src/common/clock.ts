import { Injectable } from '@nestjs/common';

/** Server wall-clock time in unix seconds with sub-second precision. Tests may shift it. */
@Injectable()
export class Clock {
  private offset = 0;

  now(): number {
    return Date.now() / 1000 + this.offset;
  }

  /** Moves the clock so that `now()` returns `seconds` (tests only). */
  setNow(seconds: number): void {
    this.offset = seconds - Date.now() / 1000;
  }

  /** Moves the clock forward by `seconds` (tests only). */
  advance(seconds: number): void {
    this.offset += seconds;
  }
}
