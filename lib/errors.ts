// One error factory and one-line predicates, so every message reads the same:
// "Expected <what> for <name> but received <value>".
import { types } from 'node:util';

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'function') return 'a function';
  if (ArrayBuffer.isView(value)) {
    const name = value.constructor?.name ?? 'ArrayBufferView';
    if (isDetached(value)) return `a detached ${name}`;
    return 'length' in value ? `${name}(${(value as unknown as { length: number }).length})` : name;
  }
  if (Array.isArray(value)) {
    return value.length <= 8 && value.every((v) => typeof v === 'number')
      ? `[${value.join(', ')}]`
      : `an Array(${value.length})`;
  }
  if (typeof value === 'symbol') return 'a symbol';
  const name = (value as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

export function typeError(what: string, name: string, value: unknown): TypeError {
  return new TypeError(`Expected ${what} for ${name} but received ${describe(value)}`);
}

export function rangeError(what: string, name: string, received: string): RangeError {
  return new RangeError(`Expected ${what} for ${name} but received ${received}`);
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
export const isFloat32Array = (v: unknown): v is Float32Array => types.isFloat32Array(v);
export const isUint8Array = (v: unknown): v is Uint8Array => types.isUint8Array(v);
export const isPositiveInteger = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;

// A view on a detached ArrayBuffer reads as empty; only constructing a new view tells them apart.
export function isDetached(view: ArrayBufferView): boolean {
  if (view.byteLength !== 0 || types.isSharedArrayBuffer(view.buffer)) return false;
  try {
    new Uint8Array(view.buffer as ArrayBuffer, 0, 0);
    return false;
  } catch {
    return true;
  }
}
