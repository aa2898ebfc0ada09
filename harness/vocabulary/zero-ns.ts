/**
 * Zero nanoseconds as a double, the start value of every object field that will hold a time.
 *
 * Why not `0`: V8 keeps a field that starts as a small integer in an integer slot until a value
 * no longer fits (2^30, so 1.07 s in ns), then moves the object to a new shape, and every piece of
 * code compiled for the old shape is thrown away and compiled again mid-run. A bench run of the
 * http1 engine showed two such waves in its first two seconds (`--trace-deopt`: "wrong map" and
 * "overflow" in the scheduler, the session and the interval cutter), each recompiling the hot
 * path on the helper threads that share the generator's core. `-0` is no small integer, so the
 * field is a double from the start, and it equals 0 in every comparison and sum the driver makes
 * (only `Object.is` and `1 / x` tell it apart; neither is used on times).
 */
export const ZERO_NS = -0;
