/** Injection token of the validated, read-only AppConfig. */
export const APP_CONFIG = Symbol('AppConfig');
