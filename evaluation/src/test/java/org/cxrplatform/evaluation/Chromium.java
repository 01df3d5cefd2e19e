package org.cxrplatform.evaluation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Debian's headless Chromium, run on a local file with the network off. */
final class Chromium {

    static final Path BINARY = Path.of("/usr/bin/chromium");

    record Page(String dom, String log) {}

    /** Loads the page, lets its scripts run, and returns the DOM after them plus Chromium's log (console included). */
    static Page dumpDom(Path html, Path work) throws IOException, InterruptedException {
        return run(html, work, "--dump-dom");
    }

    static Page screenshot(Path html, Path work, Path png) throws IOException, InterruptedException {
        return run(html, work, "--screenshot=" + png, "--window-size=1280,2400", "--hide-scrollbars");
    }

    private static Page run(Path html, Path work, String... what) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(work, "chromium-profile");
        List<String> cmd = new ArrayList<>(List.of(
                BINARY.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-dev-shm-usage",
                "--enable-logging=stderr",
                "--v=0",
                "--virtual-time-budget=10000",
                "--user-data-dir=" + profile));
        cmd.addAll(List.of(what));
        cmd.add(html.toUri().toString());
        Path out = work.resolve("chromium-" + System.nanoTime() + ".out");
        Path err = work.resolve("chromium-" + System.nanoTime() + ".err");
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("chromium did not finish within 120 s");
        }
        return new Page(Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private Chromium() {}
}
