import { Injectable, type PipeTransform } from '@nestjs/common';
import { SogsError } from '../common/sogs-error';

/** A `:id` path parameter: a message id, a positive integer. */
@Injectable()
export class MessageIdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    const id = /^[1-9][0-9]{0,15}$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(id)) {
      throw new SogsError(400, 'INVALID_INPUT', 'id must be a message id (a positive integer)');
    }
    return id;
  }
}
