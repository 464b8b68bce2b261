// Thin assertion helpers over node:assert/strict (stands in for @std/assert).
import assertNode from "node:assert/strict";

export function assert(cond: unknown, message?: string): asserts cond {
  assertNode.ok(cond, message);
}
export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  assertNode.deepStrictEqual(actual, expected, message);
}
export function assertNotEquals<T>(actual: T, expected: T, message?: string): void {
  assertNode.notDeepStrictEqual(actual, expected, message);
}
export function assertThrows<E extends Error>(
  fn: () => unknown,
  type: new (...args: never[]) => E,
  includes?: string,
): E {
  try {
    fn();
  } catch (e) {
    assertNode.ok(e instanceof type, `expected ${type.name}, got ${e}`);
    if (includes) assertNode.ok((e as Error).message.includes(includes), (e as Error).message);
    return e as E;
  }
  throw new assertNode.AssertionError({ message: `expected ${type.name} to be thrown` });
}
export async function assertRejects<E extends Error>(
  fn: () => Promise<unknown>,
  type: new (...args: never[]) => E,
  includes?: string,
): Promise<E> {
  try {
    await fn();
  } catch (e) {
    assertNode.ok(e instanceof type, `expected ${type.name}, got ${e}`);
    if (includes) assertNode.ok((e as Error).message.includes(includes), (e as Error).message);
    return e as E;
  }
  throw new assertNode.AssertionError({ message: `expected ${type.name} to be rejected` });
}
