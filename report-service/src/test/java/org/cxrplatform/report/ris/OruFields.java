package org.cxrplatform.report.ris;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs {@code hl7/oru_fields.py} (Debian /usr/bin/python3 with python3-hl7) on one message and returns its fields. */
final class OruFields {

    private OruFields() {}

    /** FIELD → value; all OBX rows joined with newlines under the key "OBX". */
    static Map<String, String> read(String er7) throws IOException, InterruptedException {
        Path script = Files.createTempFile("oru_fields", ".py");
        try (InputStream in = OruFields.class.getResourceAsStream("/hl7/oru_fields.py")) {
            Files.write(script, in.readAllBytes());
        }
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", script.toString())
                    .redirectErrorStream(true)
                    .start();
            try (OutputStream out = p.getOutputStream()) {
                out.write(er7.getBytes(StandardCharsets.UTF_8));
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new AssertionError("python-hl7 could not read the message: " + output + "\n" + er7);
            }
            Map<String, String> fields = new LinkedHashMap<>();
            for (String line : output.split("\n")) {
                String[] kv = line.split("\t", 2);
                fields.merge(kv[0], kv.length > 1 ? kv[1] : "", (a, b) -> a + "\n" + b);
            }
            return fields;
        } finally {
            Files.delete(script);
        }
    }
}
