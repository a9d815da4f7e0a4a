// Preloaded with `node --import` (NODE_OPTIONS): moves this process's wall clock by CLOCK_SHIFT_MS,
// as on a machine whose clock is wrong. `new Date()` and `Date.now()` are shifted; dates made from a
// value are not. Timers and performance.now() are untouched.
const offset = Number(process.env.CLOCK_SHIFT_MS ?? 0);
const RealDate = Date;
class ShiftedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + offset);
    else super(...args);
  }
  static now() {
    return RealDate.now() + offset;
  }
}
globalThis.Date = ShiftedDate;
