package org.cxrplatform.testsupport;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.conf.check.DefaultValidator;
import ca.uhn.hl7v2.conf.parser.ProfileParser;
import ca.uhn.hl7v2.conf.spec.RuntimeProfile;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;

/**
 * The independent checks an imaging-IT team runs on our results, as every module's tests run them: HAPI's
 * HL7 v2 conformance-profile validator, python-hl7 (Debian python3-hl7, independent of HAPI) reading an ORU
 * back, dicom3tools' {@code dciodvfy} and DCMTK's {@code dsrdump} on an SR, and HAPI's FHIR R4 validator with
 * the core profiles (offline). Each lists the problems it finds: empty means the check passed.
 *
 * <p>The FHIR check needs {@code hapi-fhir-validation}, {@code hapi-fhir-validation-resources-r4} and
 * {@code hapi-fhir-caching-caffeine} on the caller's test class path (optional here, so modules that never
 * validate FHIR do not carry them).
 */
public final class Conformance {

    /** dsrdump's notice that its VR checker cannot check UTF-8 (ISO_IR 192) strings: a limit of the tool, not a finding. */
    public static final String DSRDUMP_UTF8_NOTICE =
            "W: The VR checker does not support this Specific Character Set: ISO_IR 192";

    private static final HapiContext HL7 = hl7Context();
    private static FhirValidator fhir;

    private Conformance() {}

    /** The output of a command-line validator, and the lines of it that are findings. */
    public record Report(String output, List<String> problems) {}

    /** Problems HAPI's conformance validator finds in an ER7 message against an HL7 v2 message profile (XML). */
    public static List<String> hl7ProfileErrors(String er7, String profileXml) {
        try {
            RuntimeProfile profile = new ProfileParser(false).parse(profileXml);
            Message message = HL7.getPipeParser().parse(er7);
            HL7Exception[] problems = new DefaultValidator(HL7).validate(message, profile.getMessage());
            return Arrays.stream(problems).map(HL7Exception::getMessage).toList();
        } catch (Exception e) {
            return List.of("not checkable: " + e);
        }
    }

    /**
     * The fields a RIS files a result by, as python-hl7 reads them ({@code oru_fields.py}): {@code MSH.F9} …
     * {@code OBR.F32} to the whole field as encoded, and {@code OBX} to one
     * {@code type|identifier|sub-id|value|status} line per OBX.
     *
     * @throws AssertionError when python-hl7 cannot parse the message
     */
    public static Map<String, String> hl7Fields(String er7) {
        Path script = null;
        try {
            script = Files.createTempFile("oru_fields", ".py");
            try (InputStream in = Conformance.class.getResourceAsStream("oru_fields.py")) {
                Files.write(script, in.readAllBytes());
            }
            // Debian's interpreter, which has python3-hl7 (bootstrap), whatever python3 comes first on the PATH
            Process p = new ProcessBuilder("/usr/bin/python3", script.toString())
                    .redirectErrorStream(true)
                    .start();
            try (OutputStream out = p.getOutputStream()) {
                out.write(er7.getBytes(StandardCharsets.UTF_8));
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new AssertionError("python-hl7 could not read the message: " + output + "\n" + er7);
            }
            Map<String, String> fields = new LinkedHashMap<>();
            for (String line : output.split("\n")) {
                String[] kv = line.split("\t", 2);
                fields.merge(kv[0], kv.length > 1 ? kv[1] : "", (a, b) -> a + "\n" + b);
            }
            return fields;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            if (script != null) {
                script.toFile().delete();
            }
        }
    }

    /** dicom3tools' dciodvfy on a Part 10 file: its whole output, and its "Error" lines. */
    public static Report dciodvfy(Path file) {
        String out = Dcmtk.run(List.of("dciodvfy", file.toString()), 120).output();
        return new Report(out, out.lines().filter(l -> l.startsWith("Error")).toList());
    }

    /**
     * DCMTK's dsrdump with all its checks on (relationship constraints of the IOD, content item values) and the
     * template identification printed ({@code +Pt}), nothing relaxed: its output, and its warnings and errors but
     * {@link #DSRDUMP_UTF8_NOTICE}.
     */
    public static Report dsrdump(Path file) {
        String out = Dcmtk.run(List.of("dsrdump", "+Pl", "+Pt", "+Pu", file.toString()), 120)
                .output();
        return new Report(
                out,
                out.lines()
                        .filter(l -> l.startsWith("W:") || l.startsWith("E:") || l.startsWith("F:"))
                        .filter(l -> !l.equals(DSRDUMP_UTF8_NOTICE))
                        .toList());
    }

    /** Errors (and fatal errors) of HAPI's FHIR validator with the R4 core profiles on a JSON resource; not warnings. */
    public static List<String> fhirErrors(String json) {
        return fhirValidator().validateWithResult(json).getMessages().stream()
                .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
                .map(m -> m.getSeverity() + " " + m.getLocationString() + ": " + m.getMessage())
                .toList();
    }

    /** Built once per JVM: loading the R4 core profiles takes seconds. */
    private static synchronized FhirValidator fhirValidator() {
        if (fhir == null) {
            FhirContext ctx = FhirContext.forR4Cached();
            ValidationSupportChain chain = new ValidationSupportChain(
                    new DefaultProfileValidationSupport(ctx),
                    new CommonCodeSystemsTerminologyService(ctx),
                    new InMemoryTerminologyServerValidationSupport(ctx),
                    new SnapshotGeneratingValidationSupport(ctx));
            fhir = ctx.newValidator();
            fhir.registerValidatorModule(new FhirInstanceValidator(chain));
        }
        return fhir;
    }

    private static HapiContext hl7Context() {
        HapiContext ctx = new DefaultHapiContext();
        // no file-based control-id counter in the working folder; parse what was sent, judge it by the profile only
        ctx.getParserConfiguration().setIdGenerator(new InMemoryIDGenerator());
        ctx.setValidationContext(ValidationContextFactory.noValidation());
        return ctx;
    }
}
