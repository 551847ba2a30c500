// Benchmark page (c): the same page with no analytics at all. Its initial
// JavaScript is the baseline subtracted from the other pages' to attribute
// bytes to an implementation.
import { installHarness } from './harness';

installHarness('empty', () => ({ captureEvent() {} }));
