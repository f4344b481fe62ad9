/**
 * Reports of a comparison: Markdown for a pull-request comment, and one self-contained HTML file
 * (no scripts, no external fonts or styles) with its charts drawn as inline SVG.
 */
@NullMarked
package dev.llmops.eval.report;

import org.jspecify.annotations.NullMarked;
