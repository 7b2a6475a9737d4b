import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { SogsError } from '../common/sogs-error';

/** Every constraint message, nested properties included ("timeout must be a positive number"). */
function messages(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}).map((m) => (prefix ? `${prefix}.${m}` : m)),
    ...messages(e.children ?? [], prefix ? `${prefix}.${e.property}` : e.property),
  ]);
}

/**
 * The admin API's DTO validation: unknown properties are an error, not silently dropped; a
 * violation is a 400 `INVALID_INPUT` listing every message.
 */
export function adminValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => SogsError.badRequest(messages(errors).join('; ')),
  });
}
