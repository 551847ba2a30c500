// @ts-check
// Small statistics helpers.

/** The q-quantile (0..1) of `values`, linearly interpolated between ranks. @param {number[]} values @param {number} q */
export function quantile(values, q) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const low = Math.floor(pos);
  const high = Math.ceil(pos);
  return sorted[low] + (sorted[high] - sorted[low]) * (pos - low);
}

/** @param {number[]} values */
export const median = values => quantile(values, 0.5);

/** Median and range of one figure over the runs. @param {number[]} values */
export function spread(values) {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}
