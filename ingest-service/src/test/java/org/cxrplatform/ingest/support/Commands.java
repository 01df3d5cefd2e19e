package org.cxrplatform.ingest.support;

import java.util.List;
import org.cxrplatform.testsupport.Dcmtk;

/** Runs a command-line tool (dcmodify, gdcmconv...) to completion, failing with its output. */
public final class Commands {

    private Commands() {}

    public static void run(List<String> cmd) {
        Dcmtk.Result r = Dcmtk.run(cmd, 600);
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", cmd.subList(0, Math.min(cmd.size(), 8))) + "… failed ("
                    + r.exitCode() + "): " + r.output());
        }
    }
}
