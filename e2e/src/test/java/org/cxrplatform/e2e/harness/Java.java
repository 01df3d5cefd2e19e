package org.cxrplatform.e2e.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The e2e test class path, for child JVMs. */
public final class Java {

    private Java() {}

    /** e2e's test class path: target/test-classes plus target/test-classpath.txt (written at build), else java.class.path. */
    public static String testClassPath() {
        Path e2e = RepoRoot.get().resolve("e2e/target");
        Path file = e2e.resolve("test-classpath.txt");
        try {
            if (Files.isRegularFile(file)) {
                return e2e.resolve("test-classes")
                        + java.io.File.pathSeparator
                        + Files.readString(file).strip();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }
}
