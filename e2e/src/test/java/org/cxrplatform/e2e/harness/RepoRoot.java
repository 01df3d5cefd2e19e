package org.cxrplatform.e2e.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the reactor root: the {@code cxr.repo.root} property the pom passes, else the nearest parent pom listing the e2e module. */
public final class RepoRoot {

    private static Path root;

    private RepoRoot() {}

    public static synchronized Path get() {
        if (root == null) {
            root = find();
        }
        return root;
    }

    private static Path find() {
        for (String prop : new String[] {"cxr.repo.root", "maven.multiModuleProjectDirectory"}) {
            String v = System.getProperty(prop);
            if (v != null && !v.isBlank() && isRoot(Path.of(v))) {
                return Path.of(v).toAbsolutePath().normalize();
            }
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (isRoot(p)) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the cxr-platform reactor root from "
                + Path.of("").toAbsolutePath() + " (set -Dcxr.repo.root=...)");
    }

    private static boolean isRoot(Path dir) {
        Path pom = dir.resolve("pom.xml");
        if (!Files.isRegularFile(pom)) {
            return false;
        }
        try {
            String s = Files.readString(pom);
            return s.contains("<artifactId>cxr-platform</artifactId>") && s.contains("<module>e2e</module>");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code <module>/target/quarkus-app/quarkus-run.jar}. */
    public static Path quarkusJar(String module) {
        return get().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    /** Where the harness writes process logs: {@code e2e/target/e2e-logs}. */
    public static Path logDir() {
        Path dir = get().resolve("e2e/target/e2e-logs");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }
}
