/**
 * The quality gate of the support assistant: a golden dataset of 50 tickets run offline on fake
 * models that follow their prompt, the production prompt against a committed baseline, and a
 * deliberately worse candidate prompt that the gate catches (JUnit and command line).
 */
@NullMarked
package dev.llmops.examples.support.eval;

import org.jspecify.annotations.NullMarked;
