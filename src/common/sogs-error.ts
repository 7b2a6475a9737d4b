/**
 * A domain error with the status and plain-text body the SOGS spec names for it. Services throw
 * these; SogsExceptionFilter turns them into `text/plain; charset=utf-8` responses.
 */
export class SogsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly text: string,
  ) {
    super(text);
  }

  static badRequest(text: string): SogsError {
    return new SogsError(400, 'INVALID_INPUT', text);
  }
  static unauthorized(text = 'X-SOGS-* request authentication required'): SogsError {
    return new SogsError(401, 'AUTH_REQUIRED', text);
  }
  static forbidden(text = 'Permission denied'): SogsError {
    return new SogsError(403, 'PERMISSION_DENIED', text);
  }
  static notFound(text = 'Not Found'): SogsError {
    return new SogsError(404, 'NOT_FOUND', text);
  }
}
