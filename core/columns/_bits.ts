/**
 * Branch-free 0/1 of a condition, shared by the column kernels and the expression loops.
 * @module
 */

/**
 * A condition as 0/1 without a branch: `cond ? 1 : 0` compiles to a jump that mispredicts on
 * random data (measured ~10x slower on cuts like `pt > 30`); `bool | 0` compiles to a set.
 */
export function bit(condition: boolean): number {
  return (condition as unknown as number) | 0;
}
