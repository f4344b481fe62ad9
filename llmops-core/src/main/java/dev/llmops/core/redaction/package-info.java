/**
 * Redaction of personal data and secrets: a single-pass {@link dev.llmops.core.redaction.Redactor}
 * with built-in detectors (email, phone, payment card, US SSN, IBAN, IP address, JWT, PEM private
 * key, API keys and generic secrets), custom detectors and allow-lists, and the {@link
 * dev.llmops.core.redaction.RedactingLogger} every log line of the library goes through.
 */
@NullMarked
package dev.llmops.core.redaction;

import org.jspecify.annotations.NullMarked;
