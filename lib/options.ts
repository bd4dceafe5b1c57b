// The option readers moved to validate.ts; the HTTP plugin still imports readOptions from here.
export { readEnum, readOptions } from './validate';
