// Loaded with `node --import`: shifts this process's wall clock by CLOCK_SHIFT_MS (a machine whose
// clock is wrong). Only `new Date()` and `Date.now()` move; dates built from a value stay as given.
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
