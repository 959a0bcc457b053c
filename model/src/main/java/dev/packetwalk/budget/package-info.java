/**
 * What one request may cost the model ({@link dev.packetwalk.budget.Budget}): a deadline
 * the compiler and the engine check cooperatively in the loops that scale with their
 * input, and the size of the trace. The lowest layer: every other package may use it; it
 * uses none of them.
 */
package dev.packetwalk.budget;
