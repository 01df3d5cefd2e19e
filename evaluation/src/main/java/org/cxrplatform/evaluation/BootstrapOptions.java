package org.cxrplatform.evaluation;

import picocli.CommandLine.Option;

/** The bootstrap options of every command that reports intervals (a picocli mixin: declared once). */
final class BootstrapOptions {

    @Option(
            names = "--bootstrap",
            defaultValue = "1000",
            description = "Bootstrap resamples for the 95 %% intervals (default ${DEFAULT-VALUE}; 0 for none).")
    int resamples;

    @Option(
            names = "--seed",
            defaultValue = "20240101",
            description = "Seed of the bootstrap (default ${DEFAULT-VALUE}).")
    long seed;
}
